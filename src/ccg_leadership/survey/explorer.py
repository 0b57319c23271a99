"""The survey explorer: pick an item, a wave and a breakdown; see the chart and its table.

Two faces, one set of views:

- ``static_explorer(views)`` for the published site, which has no kernel. Every view is computed at
  build time; three dropdowns are linked in the browser (``jslink``) to nested ``Stack`` widgets, so
  choosing an option only switches which precomputed view is visible. Nothing runs in Python there.
- ``live_explorer(views)`` for a Jupyter session: the same dropdowns with real Python callbacks.

A view's HTML is a table whose rows carry a bar (the chart) and the numbers (the table), so the chart
always has its text alternative beside it and colour is never the only cue.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import ipywidgets
import pandas as pd

from ..html import percent
from ..provenance import badge_html
from . import disclosure as d
from . import stats
from .data import Survey

STYLE = """<style>
.ccg-view {max-width: 46rem}
.ccg-view table {border-collapse: collapse; width: 100%; font-size: 0.92rem}
.ccg-view caption {text-align: left; font-weight: 600; padding-bottom: 0.3rem}
.ccg-view th, .ccg-view td {padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--pst-color-border, #ccc);
  text-align: left; vertical-align: middle}
.ccg-view td.num {text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums}
.ccg-bar {height: 0.9rem; background: var(--pst-color-primary, #12436D); min-width: 1px}
.ccg-bar-cell {width: 40%}
.ccg-view .ccg-note, .ccg-view .ccg-sub {font-size: 0.85rem; font-weight: normal}
.ccg-view td .ccg-bar {margin-top: 2px}
</style>"""


@dataclass(frozen=True)
class View:
    """One precomputed view of the explorer: which selection it answers and its HTML."""

    item: str
    item_label: str
    wave: str
    breakdown: str
    html: str


def _caption(title: str, subtitle: str, provenance: str) -> str:
    return (
        f'<caption>{html.escape(title)}<br><span class="ccg-sub">{html.escape(subtitle)}</span> '
        f"{badge_html(provenance)}</caption>"
    )


def _bar(share: float | None) -> str:
    width = 0.0 if share is None else max(0.0, min(100.0, float(share)))
    return f'<div class="ccg-bar" style="width:{width:.1f}%" aria-hidden="true"></div>'


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows of a stats frame as plain dicts of its cells (no pandas indexing per row)."""
    columns = {name: frame[name].tolist() for name in frame.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def options_view_html(frame: pd.DataFrame, title: str, subtitle: str) -> str:
    """Render one wave's answer distribution (rows = options) as a table with a bar per row.

    ``frame`` is ``stats.distribution(item, wave)``: every number is printed as text beside its bar,
    and a row whose share equals a published figure is marked as reported.
    """
    body = []
    for row in _records(frame):
        interval = (
            "" if row["low"] is None else f"{percent(row['low'], unit='')}–{percent(row['high'], unit='')}"
        )
        source = "reported" if row["provenance"] == "reported" else "computed"
        body.append(
            f'<tr><th scope="row">{html.escape(str(row["label"]))}</th>'
            f'<td class="ccg-bar-cell">{_bar(row["share"])}</td>'
            f'<td class="num">{html.escape(str(row["share_display"]))}%</td>'
            f'<td class="num">{interval}</td>'
            f'<td class="num">{html.escape(str(row["count_display"]))} / {int(row["n"])}</td>'
            f"<td>{source}</td></tr>"
        )
    overall = "reported" if (frame["provenance"] == "reported").all() else "derived"
    return (
        f'<div class="ccg-view"><table>{_caption(title, subtitle, overall)}'
        '<thead><tr><th scope="col">Answer</th><th scope="col">Bar</th><th scope="col">Share</th>'
        '<th scope="col">95% interval (Wilson)</th><th scope="col">Count / base</th>'
        '<th scope="col">Value</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def role_matrix_html(frame: pd.DataFrame, title: str, subtitle: str) -> str:
    """Render one wave's answers by role (rows = roles, columns = options) with a bar in each cell.

    ``frame`` is ``stats.distribution(item, wave, by="role")``, already disclosure-controlled:
    suppressed cells show ``[c]`` and shares on small bases ``[x]``, and no bar.
    """
    labels = list(dict.fromkeys(frame["label"]))
    head = "".join(f'<th scope="col">{html.escape(str(label))}</th>' for label in labels)
    lines: dict[object, list[dict]] = {}
    for row in _records(frame):
        if row["role_label"] is not None:
            lines.setdefault(row["role_label"], []).append(row)
    body = []
    for role_label, group in lines.items():
        cells = []
        for row in group:
            shown = str(row["share_display"])
            text = shown if shown.startswith("[") else f"{shown}%"
            cells.append(f'<td class="num">{html.escape(text)}{_bar(row["share"])}</td>')
        body.append(
            f'<tr><th scope="row">{html.escape(str(role_label))}</th>'
            f'<td class="num">{int(group[0]["n"])}</td>{"".join(cells)}</tr>'
        )
    return (
        f'<div class="ccg-view"><table>{_caption(title, subtitle, "derived")}'
        f'<thead><tr><th scope="col">Role</th><th scope="col">Base</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
        f'<p class="ccg-note">{_disclosure_note()} Shares are of each role\'s answers.</p></div>'
    )


def _disclosure_note() -> str:
    """The suppression markers explained with the thresholds the disclosure module applies."""
    return (
        f"{d.CONFIDENTIAL} count of {d.LOW_COUNT_MIN} to {d.LOW_COUNT_MAX}, or hidden to protect one; "
        f"{d.NOT_SHOWN} base below {d.MIN_BASE}, no share shown."
    )


BREAKDOWNS: tuple[str, ...] = ("All respondents", "By role")


def survey_views(survey: Survey) -> list[View]:
    """Compute every explorer view (item x wave x breakdown) from the respondent data."""
    views = []
    catalogue = survey.items
    waves = sorted(int(w) for w in survey.responses["wave"].unique())
    for item, meta in catalogue.iterrows():
        label = f"{meta['theme']}: {meta['question']}"
        for wave in waves:
            overall = stats.distribution(survey, item, wave)
            n = int(overall["n"].iloc[0]) if len(overall) else 0
            subtitle = (
                f"{wave} survey, n = {n} answering; Wilson 95% intervals; computed from reconstructed "
                "respondent data (sample sizes assumed)."
            )
            views.append(
                View(
                    item,
                    label,
                    str(wave),
                    BREAKDOWNS[0],
                    options_view_html(overall, str(meta["question"]), subtitle),
                )
            )
            roles = stats.distribution(survey, item, wave, by="role")
            views.append(
                View(
                    item,
                    label,
                    str(wave),
                    BREAKDOWNS[1],
                    role_matrix_html(
                        roles,
                        str(meta["question"]),
                        f"{wave} survey by governing-body role; disclosure control applied; computed from "
                        "reconstructed respondent data (sample sizes and role mix assumed).",
                    ),
                )
            )
    return views


def _axes(views: list[View]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Return the distinct (item, label) pairs, waves and breakdowns, in first-seen order."""
    items = list(dict.fromkeys((v.item, v.item_label) for v in views))
    waves = list(dict.fromkeys(v.wave for v in views))
    breakdowns = list(dict.fromkeys(v.breakdown for v in views))
    return items, waves, breakdowns


def _lookup(views: list[View]) -> dict[tuple[str, str, str], View]:
    return {(v.item, v.wave, v.breakdown): v for v in views}


def missing_view_html(item_label: str, wave: str, breakdown: str) -> str:
    """HTML for a combination that has no data (e.g. an item asked in one wave only)."""
    return (
        f'<div class="ccg-view"><p><strong>{html.escape(item_label)}</strong>: no data for '
        f"{html.escape(wave)} ({html.escape(breakdown)}). The item was not asked in that wave.</p></div>"
    )


def _controls(views: list[View]) -> tuple[ipywidgets.Dropdown, ipywidgets.Dropdown, ipywidgets.Dropdown]:
    items, waves, breakdowns = _axes(views)

    def menu(labels: list[str], description: str) -> ipywidgets.Dropdown:
        return ipywidgets.Dropdown(
            options=[(label, i) for i, label in enumerate(labels)],
            value=0,
            description=description,
            layout=ipywidgets.Layout(width="auto", max_width="100%"),
            style={"description_width": "initial"},
        )

    item = menu([label for _, label in items], "Survey item")
    wave = menu(waves, "Wave")
    breakdown = menu(breakdowns, "Breakdown")
    return item, wave, breakdown


def _control_panel(item: ipywidgets.Dropdown, wave: ipywidgets.Dropdown, breakdown: ipywidgets.Dropdown):
    """Lay the controls out: the (long) item menu on its own row, wave and breakdown below it."""
    return ipywidgets.VBox([item, ipywidgets.HBox([wave, breakdown])])


def static_explorer(views: list[View]) -> ipywidgets.VBox:
    """Return a kernel-free explorer: dropdowns ``jslink``-ed to nested Stacks of precomputed views."""
    items, waves, breakdowns = _axes(views)
    lookup = _lookup(views)
    item_dd, wave_dd, breakdown_dd = _controls(views)
    outer = []
    for item, label in items:
        middle = []
        for wave in waves:
            inner = [
                ipywidgets.HTML(
                    lookup[(item, wave, b)].html
                    if (item, wave, b) in lookup
                    else missing_view_html(label, wave, b)
                )
                for b in breakdowns
            ]
            stack = ipywidgets.Stack(inner, selected_index=0)
            ipywidgets.jslink((breakdown_dd, "index"), (stack, "selected_index"))
            middle.append(stack)
        stack = ipywidgets.Stack(middle, selected_index=0)
        ipywidgets.jslink((wave_dd, "index"), (stack, "selected_index"))
        outer.append(stack)
    views_stack = ipywidgets.Stack(outer, selected_index=0)
    ipywidgets.jslink((item_dd, "index"), (views_stack, "selected_index"))
    return ipywidgets.VBox(
        [ipywidgets.HTML(STYLE), _control_panel(item_dd, wave_dd, breakdown_dd), views_stack]
    )


def live_explorer(views: list[View]) -> ipywidgets.VBox:
    """Return the same explorer driven by Python callbacks (needs a running kernel)."""
    items, waves, breakdowns = _axes(views)
    lookup = _lookup(views)
    item_dd, wave_dd, breakdown_dd = _controls(views)
    shown = ipywidgets.HTML()

    def update(_change: object = None) -> None:
        item, label = items[item_dd.index]
        key = (item, waves[wave_dd.index], breakdowns[breakdown_dd.index])
        shown.value = lookup[key].html if key in lookup else missing_view_html(label, *key[1:])

    for control in (item_dd, wave_dd, breakdown_dd):
        control.observe(update, names="index")
    update()
    return ipywidgets.VBox([ipywidgets.HTML(STYLE), _control_panel(item_dd, wave_dd, breakdown_dd), shown])
