"""HTML for the chapters: the one table helper and the one percent formatter."""

from __future__ import annotations

import html
from collections.abc import Iterable

import pandas as pd

from . import provenance
from .provenance import Provenance
from .rounding import is_missing, round_half_up


def percent(value: object, *, unit: str = "%", missing: str = "") -> str:
    """Format a share as a whole percentage rounded half up (``33%``); ``missing`` if None or NaN."""
    if is_missing(value):
        return missing
    return f"{round_half_up(float(value)):.0f}{unit}"


def _kinds(frame: pd.DataFrame, kinds: str | Iterable[str] | None) -> list[Provenance]:
    """The provenance kinds a table holds: given, or read from its provenance column(s)."""
    if kinds is not None:
        given = [kinds] if isinstance(kinds, str) else list(kinds)
        return [provenance.parse(k) for k in given]
    columns = [c for c in frame.columns if "rovenance" in str(c)]
    labels = {str(v) for c in columns for v in frame[c]}
    found = [kind for kind in Provenance if provenance.label(kind) in labels]
    return found or [Provenance.DERIVED]


def table_html(
    frame: pd.DataFrame,
    kinds: str | Iterable[str] | None = None,
    note: str = "",
    css_class: str = "",
    *,
    derived_note: str = "",
    fold_constants: bool = False,
    scroll: bool = False,
) -> str:
    """Return ``frame`` as an HTML table preceded by provenance badges and an optional note.

    ``kinds``: the provenance of the table (one kind or several); None reads them from the table's
    provenance column(s) (derived if it has none). ``derived_note`` follows the badges when the table
    holds derived values. A named index becomes the first, labelled column. ``fold_constants``
    states a column holding one value on every row (of several) once above the table instead; a
    provenance column is then dropped when all rows share one kind.
    """
    found = _kinds(frame, kinds)
    badges = " ".join(provenance.badge_html(k) for k in found)
    head = f'<p class="table-provenance"><em>Provenance:</em> {badges}'
    if derived_note and Provenance.DERIVED in found:
        head += f" {html.escape(derived_note)}"
    head += f" {html.escape(note)}</p>" if note else "</p>"
    shown = frame.reset_index() if frame.index.name is not None else frame
    if fold_constants:
        constant = [c for c in shown.columns if len(shown) > 1 and shown[c].astype(str).nunique() == 1]
        prov_columns = [c for c in shown.columns if "rovenance" in str(c)]
        shared = [
            f"{html.escape(str(c))}: {html.escape(str(shown[c].iloc[0]))}"
            for c in constant
            if c not in prov_columns
        ]
        if shared:
            head += f'<p class="table-constants">Every row: {"; ".join(shared)}.</p>'
        shown = shown.drop(columns=constant)
    body = shown.to_html(classes=f"table {css_class}".strip(), border=0, escape=True, index=False)
    if scroll:
        body = f'<div class="pst-scrollable-table-container">{body}</div>'
    return head + body


def details_html(summary: str, table: str) -> str:
    """Return a collapsed ``<details>`` toggle holding ``table`` (HTML from :func:`table_html`)."""
    return f"<details class='table-behind'><summary>{html.escape(summary)}</summary>{table}</details>"
