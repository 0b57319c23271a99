"""HTML for the chapters: the one table helper and the one percent formatter.

:func:`table_html` is the only way the book turns a table into HTML. It never prints ``NaN`` (an absent
value is a dash, explained in a note under the table), never a float count such as ``8.0``, and never
a pandas index: a named index becomes an ordinary labelled column, an unnamed one is refused. Every
table sits in a ``div.ccg-table-scroll`` container, a named region that takes keyboard focus (so it
scrolls from the keyboard too, and a screen reader announces what it holds): a wide table scrolls
sideways inside the page column instead of pushing the page wider, with shadows at the edges that
hide more columns, a "scroll sideways" hint while it overflows, and its row headers kept in view on
the left (``_static/ccg.css``).
"""

from __future__ import annotations

import hashlib
import html
import numbers
from collections.abc import Iterable

import pandas as pd

from . import provenance
from .provenance import Provenance
from .rounding import is_missing, round_half_up

ABSENT = "–"
"""What an absent value (None, NaN) shows in a table."""

ABSENT_NOTE = f"{ABSENT} no value: not applicable, or not given."


def percent(value: object, *, unit: str = "%", missing: str = "") -> str:
    """Format a share as a whole percentage rounded half up (``33%``); ``missing`` if None or NaN."""
    if is_missing(value):
        return missing
    return f"{round_half_up(float(value)):.0f}{unit}"


def interval(low: object, high: object, *, missing: str = "") -> str:
    """Format an interval of shares the one way the book prints them: ``33 to 41`` (whole percent)."""
    if is_missing(low) or is_missing(high):
        return missing
    return f"{percent(low, unit='')} to {percent(high, unit='')}"


def cell_text(value: object) -> str:
    """Return the text of one table cell: whole numbers without ``.0``, ABSENT for None or NaN."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ABSENT
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:g}"
    return str(value)


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its index as ordinary columns (none for a default range index).

    Raises ValueError for an unnamed index that is not the default one, or for column levels: a
    table must say what every column holds.
    """
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError("a table needs one header row; flatten the column levels first")
    default = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    if default:
        shown = frame
    elif all(name is not None for name in frame.index.names):
        shown = frame.reset_index()
    else:
        raise ValueError("name the index (it becomes the table's first column) or reset it")
    shown = shown.copy()
    shown.columns = [str(c) for c in shown.columns]
    return shown


def _kinds(frame: pd.DataFrame, kinds: str | Iterable[str] | None) -> list[Provenance]:
    """The provenance kinds a table holds: given, or read from its provenance column(s)."""
    if kinds is not None:
        given = [kinds] if isinstance(kinds, str) else list(kinds)
        return [provenance.parse(k) for k in given]
    columns = [c for c in frame.columns if "rovenance" in str(c)]
    texts = {str(v).lower() for c in columns for v in frame[c]}
    found = [k for k in Provenance if any(provenance.label(k).lower() in t for t in texts)]
    return found or [Provenance.DERIVED]


def region_name(columns: list[str]) -> str:
    """The accessible name of a table without caption: what its first columns are."""
    shown = ", ".join(columns[:3])
    more = len(columns) - 3
    return f"Table of {shown}" + (f" and {more} more column{'s' if more > 1 else ''}" if more > 0 else "")


def scroll_region(table: str, caption: str = "", label: str = "") -> str:
    """Wrap ``table`` (``<table>`` markup) in its focusable, named scroll container.

    The region is named by the table's caption (``aria-labelledby``; ``table`` must then hold a
    ``<caption id=...>``, see :func:`caption_id`), else by ``label``.
    """
    name = f'aria-labelledby="{caption}"' if caption else f'aria-label="{html.escape(label)}"'
    return f'<div class="ccg-table-scroll" role="region" tabindex="0" {name}>{table}</div>'


def caption_id(body: str) -> str:
    """A caption id derived from the table's markup: the same on every build, distinct per table."""
    return "ccg-table-" + hashlib.sha1(body.encode("utf-8")).hexdigest()[:10]


def _column_header(name: str, vertical: bool) -> str:
    text = html.escape(name)
    if vertical:
        return f'<th scope="col" class="ccg-vertical"><span>{text}</span></th>'
    return f'<th scope="col">{text}</th>'


def table_html(
    frame: pd.DataFrame,
    kinds: str | Iterable[str] | None = None,
    note: str = "",
    css_class: str = "",
    *,
    derived_note: str = "",
    fold_constants: bool = False,
    html_columns: Iterable[str] = (),
    caption: str = "",
    row_headers: bool = False,
    label: str = "",
    vertical_headers: Iterable[str] = (),
) -> str:
    """Return ``frame`` as an HTML table preceded by provenance badges and an optional note.

    ``kinds``: the provenance of the table (one kind or several); None reads them from the table's
    provenance column(s) (derived if it has none); an empty list shows no badge (a file listing).
    ``derived_note`` follows the badges when the table holds derived values. ``fold_constants``
    states a column holding one value on every row (of several) once above the table instead; a
    provenance column is then dropped when all rows share one kind. ``html_columns``: columns whose
    cells are trusted HTML (e.g. links), inserted unescaped. ``caption``: the table's own caption;
    ``row_headers``: the first column's cells name their rows (``<th scope="row">``; they stay in view
    while a wide table scrolls). ``label``: the accessible name of the table's scroll region when it
    has no caption (default: its first column names). ``vertical_headers``: columns of short values
    (yes/no) whose header text runs upwards, so that a wide matrix fits a narrower column.
    """
    shown = plain_frame(frame)
    found = _kinds(shown, kinds)
    head = ""
    if found:
        badges = " ".join(provenance.badge_html(k) for k in found)
        head = f'<p class="table-provenance"><em>Provenance:</em> {badges}'
        if derived_note and Provenance.DERIVED in found:
            head += f" {html.escape(derived_note)}"
        head += f" {html.escape(note)}</p>" if note else "</p>"
    elif note:
        head = f'<p class="table-provenance">{html.escape(note)}</p>'
    if fold_constants:
        texts = {c: [cell_text(v) for v in shown[c]] for c in shown.columns}
        constant = [c for c in shown.columns if len(shown) > 1 and len(set(texts[c])) == 1]
        shared = [f"{html.escape(c)}: {html.escape(texts[c][0])}" for c in constant if "rovenance" not in c]
        if shared:
            head += f'<p class="table-constants">Every row: {"; ".join(shared)}.</p>'
        shown = shown.drop(columns=constant)
    raw, upright = set(html_columns), set(vertical_headers)
    header = "".join(_column_header(c, c in upright) for c in shown.columns)
    rows, absent = [], False
    for values in shown.itertuples(index=False, name=None):
        cells = []
        for position, (column, value) in enumerate(zip(shown.columns, values, strict=True)):
            text = cell_text(value)
            absent = absent or text == ABSENT
            content = text if column in raw else html.escape(text)
            tag = '<th scope="row">{}</th>' if row_headers and position == 0 else "<td>{}</td>"
            cells.append(tag.format(content))
        rows.append(f"<tr>{''.join(cells)}</tr>")
    classes = " ".join(["table", "ccg-table", *css_class.split()])
    body = f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody>"
    caption_ref = caption_id(caption + body) if caption else ""
    table = scroll_region(
        f'<table class="{classes}">'
        + (f'<caption id="{caption_ref}">{html.escape(caption)}</caption>' if caption else "")
        + f"{body}</table>",
        caption_ref,
        label or region_name(list(shown.columns)),
    )
    foot = f'<p class="table-note">{html.escape(ABSENT_NOTE)}</p>' if absent else ""
    return head + table + foot


def details_html(summary: str, table: str) -> str:
    """Return a collapsed ``<details>`` toggle holding ``table`` (HTML from :func:`table_html`)."""
    return f"<details class='table-behind'><summary>{html.escape(summary)}</summary>{table}</details>"
