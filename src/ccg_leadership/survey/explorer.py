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

from ..html import interval as share_interval
from ..html import scroll_region
from ..provenance import badge_html
from ..provenance import label as label_of
from . import disclosure as d
from . import stats
from .data import Survey
from .selections import population_name

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
.ccg-view tr.ccg-combined th, .ccg-view tr.ccg-combined td {
  border-top: 2px solid var(--pst-color-border, #ccc)}
html[data-theme="dark"] .ccg-view div.ccg-table-scroll {
  --ccg-cover: var(--pst-color-text-base); --ccg-shadow: rgb(0 0 0 / 0.28)}
html[data-theme="dark"] .ccg-view div.ccg-table-scroll::before {color: inherit}
@media (max-width: 36rem) {
  div.ccg-view {max-width: 100%}
  div.ccg-view table {font-size: 0.8rem}
  div.ccg-view th, div.ccg-view td {padding: 0.2rem 0.3rem}
  div.ccg-view .ccg-bar-cell {width: 15%; min-width: 2.5rem}
}
</style>"""
"""The views' CSS. On a phone (under 36rem) the table tightens; words never break inside, so a view
still wider than the column (the by-role matrix) scrolls inside its own region (the book's
``div.ccg-table-scroll``, with its edge shadows and hint), not the page. In the dark theme the
widgets sit on the theme's light panel (``--pst-color-text-base``): the region's edge covers and hint
take that panel's colours."""


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


def _shown(display: object) -> str:
    """A share as displayed: ``54%``, or a suppression marker such as ``[c]`` as it is."""
    text = str(display)
    return text if text.startswith("[") else f"{text}%"


NOT_SHOWN = "—"
"""What a reported row prints for its count and interval (they would rest on an assumed n)."""

REPORTED_ROW_NOTE = (
    "On a row marked reported only the share is the study's; its count and interval are not shown, "
    "since they would rest on this edition's assumed sample size."
)


def _option_row(label: str, row: dict, css: str = "", provenance: bool = True) -> str:
    reported = row["provenance"] == "reported"
    if reported or row["low"] is None:
        interval = NOT_SHOWN if reported else ""
    else:
        interval = share_interval(row["low"], row["high"])
    count = NOT_SHOWN if reported else f"{html.escape(str(row['count_display']))} / {int(row['n'])}"
    attributes = f' class="{css}"' if css else ""
    return (
        f'<tr{attributes}><th scope="row">{html.escape(label)}</th>'
        f'<td class="ccg-bar-cell">{_bar(row["share"])}</td>'
        f'<td class="num">{html.escape(_shown(row["share_display"]))}</td>'
        f'<td class="num">{interval}</td>'
        f'<td class="num">{count}</td>'
        + (f"<td>{html.escape(label_of(row['provenance']))}</td>" if provenance else "")
        + "</tr>"
    )


def options_view_html(
    frame: pd.DataFrame,
    title: str,
    subtitle: str,
    combined: list[tuple[str, dict]] = (),
    reported: list[str] = (),
    notes: list[str] = (),
) -> str:
    """Render one wave's answer distribution (rows = options) as a table with a bar per row.

    ``frame`` is ``stats.distribution(survey, item, wave, population=...)``: every number is printed
    as text beside its bar, and a row whose share equals a published figure is labelled reported.
    ``combined``: (label, share row) for the combined answers the report quotes, added below the
    options; ``reported``: the report's own statements about this question, group and wave, quoted
    under the table with the reported label; ``notes``: further plain notes under the table.
    """
    kinds = {row["provenance"] for row in _records(frame)} | {row["provenance"] for _, row in combined}
    overall = "reported" if kinds == {"reported"} else "derived"
    mixed = len(kinds) > 1  # one provenance for every row: the caption's label says it once
    body = [_option_row(str(row["label"]), row, provenance=mixed) for row in _records(frame)]
    body += [_option_row(label, row, "ccg-combined", provenance=mixed) for label, row in combined]
    quotes = "".join(
        f'<p class="ccg-note">{badge_html("reported")} The report: {html.escape(text)}</p>'
        for text in reported
    )
    if "reported" in kinds:
        quotes += f'<p class="ccg-note">{html.escape(REPORTED_ROW_NOTE)}</p>'
    quotes += "".join(f'<p class="ccg-note">{html.escape(text)}</p>' for text in notes)
    head = (
        '<thead><tr><th scope="col">Answer</th><th scope="col">Bar</th><th scope="col">Share</th>'
        f'<th scope="col">{stats.LEVEL} interval (Wilson)</th><th scope="col">Count / base</th>'
        + ('<th scope="col">Provenance</th>' if mixed else "")
        + "</tr></thead>"
    )
    table = f"<table>{_caption(title, subtitle, overall)}{head}<tbody>{''.join(body)}</tbody></table>"
    return f'<div class="ccg-view">{scroll_region(table, label=title)}{quotes}</div>'


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
    table = (
        f"<table>{_caption(title, subtitle, 'derived')}"
        f'<thead><tr><th scope="col">Role</th><th scope="col">Base</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )
    return (
        f'<div class="ccg-view">{scroll_region(table, label=title)}'
        f'<p class="ccg-note">{_disclosure_note()} Shares are of each role\'s answers.</p></div>'
    )


def _disclosure_note() -> str:
    """The suppression markers explained with the thresholds the disclosure module applies."""
    return (
        f"{d.CONFIDENTIAL} count of {d.LOW_COUNT_MIN} to {d.LOW_COUNT_MAX}, or hidden to protect one; "
        f"{d.NOT_SHOWN} base below {d.MIN_BASE}, no share shown."
    )


BREAKDOWNS: dict[str, str] = {
    "All respondents": "all",
    "CCG managers": "managers",
    "GP members": "gp_member",
    "By role": "by role",
}
"""The explorer's breakdowns and the population each shows; CCG managers and GP members are the
groups behind published figures."""

PARAPHRASE_NOTE = (
    "The question wordings shown are this edition's paraphrases of the survey questions, not the "
    "questionnaire's exact wording."
)


def _findings_about(survey: Survey, item: str, wave: int, population: str) -> pd.DataFrame:
    """The published findings about one item, wave and group of respondents."""
    findings = survey.findings
    return findings[
        (findings["item"] == item) & (findings["wave"] == str(wave)) & (findings["population"] == population)
    ]


def _combined(survey: Survey, item: str, wave: int, population: str) -> list[tuple[str, dict]]:
    """The combined answers (several options counted together) that the report quotes, as share rows."""
    labels = survey.option_labels(item)
    rows, seen = [], set()
    for category in _findings_about(survey, item, wave, population)["category"]:
        codes = stats.codes(str(category))
        if len(codes) < 2 or codes in seen:
            continue
        seen.add(codes)
        share = stats.share_by_wave(survey, item, codes, population).loc[wave].to_dict()
        rows.append(("Combined: " + " or ".join(labels[c] for c in codes), share))
    return rows


def _overall_view(survey: Survey, item: str, wave: int, population: str, question: str) -> str:
    frame = stats.distribution(survey, item, wave, population=population)
    n = int(frame["n"].iloc[0]) if len(frame) else 0
    group = population_name(survey, population)
    subtitle = (
        f"{wave} survey, {group}, assumed n = {n} answering; Wilson {stats.LEVEL} intervals; computed from "
        "reconstructed respondent data (sample sizes assumed)."
    )
    if population != "all":
        subtitle += " Disclosure control applied."
    labels = survey.option_labels(item)
    reported = [
        " or ".join(labels[c] for c in stats.codes(str(row["category"]))) + f": {row['published']}"
        for _, row in _findings_about(survey, item, wave, population).iterrows()
    ]
    return options_view_html(
        frame,
        f"{question} (paraphrased)",
        subtitle,
        _combined(survey, item, wave, population),
        reported,
        _elsewhere(survey, item, wave, population),
    )


def _elsewhere(survey: Survey, item: str, wave: int, population: str) -> list[str]:
    """A note for a view without published figures when the report gives some for another view."""
    if not reported_here_is_empty(survey, item, wave, population):
        return []
    findings = survey.findings
    others = findings[(findings["item"] == item) & findings["wave"].isin(["2014", "2016"])]
    places = sorted(
        {
            (str(w), population_name(survey, str(p)))
            for w, p in zip(others["wave"], others["population"], strict=True)
        }
    )
    if not places:
        return []
    where = "; ".join(f"the {w} survey, {g}" for w, g in places)
    return [
        f"The report's figures for this question belong to {where}. Every share in this view is computed "
        "from the reconstructed data: one that happens to equal a published figure is not the study's."
    ]


def reported_here_is_empty(survey: Survey, item: str, wave: int, population: str) -> bool:
    """Whether the report publishes nothing about this item, wave and group of respondents."""
    return _findings_about(survey, item, wave, population).empty


def survey_views(survey: Survey) -> list[View]:
    """Compute every explorer view (item x wave x breakdown) from the respondent data."""
    views = []
    waves = sorted(int(w) for w in survey.responses["wave"].unique())
    for item, meta in survey.items.iterrows():
        label = f"{meta['theme']}: {meta['question']}"
        question = str(meta["question"])
        for wave in waves:
            for breakdown, population in BREAKDOWNS.items():
                if population == "by role":
                    body = role_matrix_html(
                        stats.distribution(survey, item, wave, by="role"),
                        f"{question} (paraphrased)",
                        f"{wave} survey by governing-body role; disclosure control applied; computed from "
                        "reconstructed respondent data (sample sizes and role mix assumed).",
                    )
                else:
                    body = _overall_view(survey, str(item), wave, population, question)
                views.append(View(str(item), label, str(wave), breakdown, body))
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

    item = menu([label for _, label in items], "Survey item (paraphrased)")
    wave = menu(waves, "Wave")
    breakdown = menu(breakdowns, "Breakdown")
    return item, wave, breakdown


def _control_panel(item: ipywidgets.Dropdown, wave: ipywidgets.Dropdown, breakdown: ipywidgets.Dropdown):
    """Lay the controls out: the paraphrase note, the (long) item menu, then wave and breakdown."""
    note = ipywidgets.HTML(f'<p class="ccg-paraphrase-note">{html.escape(PARAPHRASE_NOTE)}</p>')
    return ipywidgets.VBox([note, item, ipywidgets.HBox([wave, breakdown])])


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
