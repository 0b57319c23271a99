"""The reader's book as built: key findings first, a citing rule, context and a glossary, two-level numbering.

The oracle is ``data/published/findings.csv`` read with the csv module (the published values), not
the module that glued them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / "chapters" / name).read_text(encoding="utf-8"), "html.parser")


def published_values() -> set[float]:
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8") as handle:
        return {round(float(row["value"])) for row in csv.DictReader(handle) if row["value"]}


def section(soup: BeautifulSoup, ident: str):
    target = soup.find(id=ident)
    return target if target.name == "section" else target.find_parent("section")


def test_front_page_opens_with_the_published_findings(site: Path) -> None:
    soup = page(site, "index.html")
    headings = [h.get_text(" ").strip().rstrip("#").strip() for h in soup.select("article h2")]
    assert headings[0] == "What the study found", headings
    found = section(soup, "idx-key-findings")
    text = " ".join(found.get_text(" ").split())
    numbers = [float(n) for n in PERCENT.findall(text)]
    assert len(numbers) >= 8 and set(numbers) <= published_values(), numbers
    assert "year not stated" in text and "2014" in text and "2016" in text
    hrefs = [a["href"] for a in found.find_all("a", href=True)]
    assert sum("03-survey-findings.html#ch3-" in h for h in hrefs) >= 10, hrefs
    assert any(h.startswith("published-findings.html") for h in hrefs)


def test_front_page_says_what_may_be_quoted_and_links_limits_and_explorer(site: Path) -> None:
    soup = page(site, "index.html")
    rule = section(soup, "idx-citing")
    text = " ".join(rule.get_text(" ").split())
    assert "Reported by the study" in text and "Computed from reconstructed data" in text
    hrefs = [a["href"] for a in soup.find_all("a", href=True)]
    assert any("06-conclusions.html#ch6-limits" in h for h in hrefs)
    assert any(h.startswith("03-survey-explorer.html") for h in hrefs)


def test_glossary_defines_the_terms_and_chapters_link_to_it(site: Path) -> None:
    glossary = page(site, "glossary.html")
    terms = {
        " ".join(dt.get_text(" ").split()).rstrip(" #").lower() for dt in glossary.select("dl.glossary dt")
    }
    for term in (
        "ccg",
        "governing body",
        "accountable officer",
        "lay member",
        "locality",
        "gp federation",
        "stp",
        "nhs england",
        "integrated care board",
    ):
        assert term in terms, term
    for name in ("index.html", "01-introduction.html", "03-survey-findings.html"):
        links = [a["href"] for a in page(site, name).find_all("a", href=True)]
        assert any(h.startswith("glossary.html#term-") for h in links), name


def test_what_became_of_ccgs_is_context_and_cited(site: Path) -> None:
    box = page(site, "01-introduction.html").select_one("div.admonition.context")
    text = " ".join(box.get_text(" ").split())
    assert "not a finding of the study" in text and "1 July 2022" in text
    assert "integrated care board" in text and box.find("a", href=re.compile("bibliography"))


def test_findings_page_lists_every_finding_with_a_readable_source(site: Path) -> None:
    soup = page(site, "published-findings.html")
    table = soup.find("table", class_="ccg-findings")
    rows = table.find("tbody").find_all("tr")
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8") as handle:
        assert len(rows) == sum(1 for _ in csv.DictReader(handle))
    for row in rows:
        source = row.find_all("td")[-1].get_text(" ")
        assert not re.fullmatch(r"\s*S\d+\s*", source) and len(source) > 8, source


@pytest.mark.parametrize("name", ["index.html", "04-case-studies.html", "cases/case-1.html"])
def test_numbering_stops_at_two_levels(site: Path, name: str) -> None:
    soup = page(site, name)
    numbers = [n.get_text() for n in soup.select(".section-number")]
    headings = [h.get_text(" ") for h in soup.select("article h1, article h2, article h3, article h4")]
    assert not [n for n in numbers + headings if re.match(r"\s*\d+\.\d+\.\d+", n)], numbers


def test_authors_part_is_separate_and_last(site: Path) -> None:
    soup = page(site, "index.html")
    captions = [c.get_text(" ").strip() for c in soup.select("nav.bd-links p.caption")]
    assert captions[-1] == "For authors", captions
    last_links = soup.select("nav.bd-links ul")[-1].find_all("a", href=True)
    assert [a["href"] for a in last_links] == ["appendix-d-execution-status.html"]
    appendix_c = page(site, "appendix-c-reproducibility.html").get_text(" ")
    assert "seconds" not in appendix_c and "benchmark" not in appendix_c.lower()
