"""The survey explorer on the static site: controls switch to the right precomputed view, offline.

Oracle for "the right view": the codebook file (question wording per item, read directly) and the
survey years; the view contents themselves are checked against the statistics in tests/test_explorer.py.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PAGE = "chapters/03-survey-explorer.html"
WIDGET_ASSETS = ("_static/widgets/require.js", "_static/widgets/embed-amd.js")


def questions(book: Path) -> list[str]:
    """Item questions in codebook order, read straight from the CSV."""
    with (book / "data" / "survey" / "codebook.csv").open(encoding="utf-8") as handle:
        return list(dict.fromkeys(row["question"] for row in csv.DictReader(handle)))


def visible(page: Any, selector: str) -> list[str]:
    return page.locator(f".ccg-view:visible {selector}").all_inner_texts()


@pytest.fixture(scope="module")
def explorer_page(site_browser: Any) -> Any:
    page, visit = site_browser.open(PAGE, "light")
    page.wait_for_selector(".widget-dropdown select", timeout=60_000)
    page.wait_for_selector(".ccg-view caption:visible", timeout=60_000)
    yield page, visit
    page.close()


def test_each_control_switches_to_the_matching_view(explorer_page: Any, built_book: Path) -> None:
    page, _ = explorer_page
    asked = questions(built_book)
    selects = page.locator(".widget-dropdown select")
    assert selects.count() == 3
    assert len(visible(page, "caption")) == 1
    assert visible(page, "caption")[0].startswith(asked[0])
    assert "2014 survey" in visible(page, ".ccg-sub")[0]

    selects.nth(0).select_option(index=4)
    page.wait_for_timeout(200)
    assert visible(page, "caption")[0].startswith(asked[4])

    selects.nth(1).select_option(index=1)
    page.wait_for_timeout(200)
    assert "2016 survey" in visible(page, ".ccg-sub")[0]
    assert visible(page, "caption")[0].startswith(asked[4])

    selects.nth(2).select_option(index=1)  # CCG managers, a group behind a published figure
    page.wait_for_timeout(200)
    assert "CCG managers" in visible(page, ".ccg-sub")[0]

    selects.nth(2).select_option(index=3)  # by role
    page.wait_for_timeout(200)
    head = visible(page, "thead")[0]
    assert head.startswith("Role"), head
    assert "by governing-body role" in visible(page, ".ccg-sub")[0]
    assert len(visible(page, "caption")) == 1


def test_controls_are_keyboard_operable(explorer_page: Any, built_book: Path) -> None:
    page, _ = explorer_page
    asked = questions(built_book)
    item = page.locator(".widget-dropdown select").nth(0)
    item.select_option(index=0)
    item.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(200)
    assert visible(page, "caption")[0].startswith(asked[1])
    label = page.locator(".widget-dropdown label").first.inner_text()
    assert label.strip() == "Survey item (paraphrased)"


def test_explorer_stays_on_the_local_origin(explorer_page: Any, site: Path) -> None:
    _, visit = explorer_page
    assert visit.foreign_requests == []
    assert visit.failed_requests == [], visit.failed_requests
    assert visit.page_errors == []
    for asset in WIDGET_ASSETS:
        assert (site / asset).is_file(), asset


def test_widget_scripts_load_only_on_the_explorer_page(site: Path) -> None:
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts]
    with_widgets = sorted(
        p.relative_to(site).as_posix() for p in pages if "widgets/embed-amd.js" in p.read_text()
    )
    assert with_widgets == [PAGE]
