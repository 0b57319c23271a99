"""ccg_leadership.html.table_html: every table sits in a named, focusable scroll region."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

from ccg_leadership import html

FRAME = pd.DataFrame(
    {"Case": ["Case 1", "Case 2"], "Region": ["North", "South"], "social care": ["yes", "no"], "n": [3, 4]}
)


class _Elements(HTMLParser):
    """Collects (tag, attributes) of every start tag and the text inside each element with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._open.append(dict(attrs).get("id"))

    def handle_endtag(self, tag: str) -> None:
        self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in filter(None, self._open):
            self.text_by_id[element_id] = self.text_by_id.get(element_id, "") + data


def _parse(markup: str) -> _Elements:
    parser = _Elements()
    parser.feed(markup)
    return parser


def _region(parsed: _Elements) -> dict[str, str | None]:
    [region] = [a for t, a in parsed.tags if t == "div" and "ccg-table-scroll" in (a.get("class") or "")]
    return region


def test_the_caption_names_the_scroll_region() -> None:
    parsed = _parse(html.table_html(FRAME, [], caption="Cases by region"))
    region = _region(parsed)
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert parsed.text_by_id[region["aria-labelledby"] or ""] == "Cases by region"
    assert "aria-label" not in region


def test_without_caption_the_label_or_the_column_names_name_the_region() -> None:
    assert _region(_parse(html.table_html(FRAME, [], label="The matrix")))["aria-label"] == "The matrix"
    named = _region(_parse(html.table_html(FRAME, [])))["aria-label"]
    assert named == "Table of Case, Region, social care and 1 more column"


def test_caption_ids_are_stable_and_differ_between_tables() -> None:
    first = html.table_html(FRAME, [], caption="A")
    assert first == html.table_html(FRAME, [], caption="A")
    ids = {
        re.search(r'aria-labelledby="([^"]+)"', t).group(1)
        for t in (first, html.table_html(FRAME, [], caption="B"))
    }
    assert len(ids) == 2


def test_vertical_headers_mark_only_the_named_columns() -> None:
    parsed = _parse(html.table_html(FRAME, [], vertical_headers=["social care"]))
    headers = [a.get("class") for t, a in parsed.tags if t == "th" and a.get("scope") == "col"]
    assert headers == [None, None, "ccg-vertical", None]


def test_row_headers_name_their_rows() -> None:
    parsed = _parse(html.table_html(FRAME, [], row_headers=True))
    assert [a.get("scope") for t, a in parsed.tags if t == "th"] == ["col"] * 4 + ["row"] * 2
