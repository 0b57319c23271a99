"""The built case pages and chapters 4-6: structure, provenance labels, figures and the matrix.

Uses the session's strict build (``site`` fixture). Expected values come from the raw YAML records.
"""

from __future__ import annotations

import hashlib
import html as htmllib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from ccg_leadership.cases import records as case_records
from ccg_leadership.cases import tables as case_tables

pytestmark = pytest.mark.book

REPO = Path(__file__).resolve().parents[1]
ILLUSTRATIVE = "Illustrative, not from the study"
REPORTED = "Reported by the study"


def raw_records() -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((REPO / "data" / "cases").glob("case-*.yml"))
    }


def page(site: Path, name: str) -> str:
    return (site / "chapters" / f"{name}.html").read_text(encoding="utf-8")


def article(html: str) -> str:
    """The main article of a page (without navigation)."""
    match = re.search(r'<article class="bd-article">(.*?)</article>', html, flags=re.S)
    assert match, "no article element"
    return match.group(1)


class TableParser(HTMLParser):
    """Collect the rows (lists of cell texts) of the first table with a given class."""

    def __init__(self, css_class: str) -> None:
        super().__init__()
        self.css_class, self.depth, self.rows, self.cell = css_class, 0, [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or self.css_class in classes) and not self.rows:
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in {"td", "th"}:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self.depth:
            self.depth -= 1
            self.css_class = "\0done"
        elif self.depth and tag in {"td", "th"} and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, css_class: str) -> list[list[str]]:
    parser = TableParser(css_class)
    parser.feed(html)
    assert parser.rows, f"no table with class {css_class}"
    return [r for r in parser.rows if r]


def sections(body: str) -> dict[str, str]:
    """Map each h2 heading text (without its number) to the HTML up to the next h2."""
    parts = re.split(r"<h2>(.*?)</h2>", body, flags=re.S)
    out = {}
    for title, content in zip(parts[1::2], parts[2::2], strict=True):
        text = re.sub(r"<[^>]+>", "", title)
        text = re.sub(r"^[\d.]+\s*", "", htmllib.unescape(text)).replace("#", "").strip()
        out[text] = content
    return out


def test_toc_lists_one_page_per_record(repo: Path) -> None:
    toc = yaml.safe_load((repo / "_toc.yml").read_text(encoding="utf-8"))
    chapter = next(
        c for part in toc["parts"] for c in part["chapters"] if c["file"] == "chapters/04-case-studies"
    )
    assert [s["file"] for s in chapter["sections"]] == [f"chapters/cases/{r}" for r in raw_records()]


def test_each_case_page_shows_attributes_only_and_says_the_account_is_not_reproduced(site: Path) -> None:
    for record, fields in raw_records().items():
        body = article(page(site, f"cases/{record}"))
        first_h2 = body.index("<h2>")
        notice = body[:first_h2]
        assert "admonition" in notice and "case-notice" in notice, record
        assert "What this page shows" in notice and "only the structured attributes" in notice
        assert "account of this case is not reproduced on this page" in htmllib.unescape(notice)
        titles = list(sections(body))
        assert titles[:3] == ["At a glance", "Organisations involved", "The report’s account of this case"]
        for heading in case_records.PARTS.values():  # no editor-written insights or lessons
            assert heading not in titles, f"{record}: invented part {heading!r}"
        assert "Insights" not in body and "Lessons" not in body
        account = body.split('id="the-report-s-account-of-this-case"')[1]
        assert "<strong>not reproduced here</strong>" in account
        assert f"{fields['case']['value']}: {htmllib.escape(fields['service_area']['value'])}" in body
        footer = body.split('class="case-record-source"')[1]
        assert ILLUSTRATIVE in footer and REPORTED not in footer, record  # nothing here is reported


def test_every_value_on_a_case_page_is_labelled_with_its_provenance(site: Path) -> None:
    for record, fields in raw_records().items():
        body = article(page(site, f"cases/{record}"))
        # context table: each row carries the value (tagged with its provenance) and the badge
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S):
            tagged = re.search(r'data-field="(\w+)" data-provenance="(\w+)">([^<]*)<', row)
            if not tagged:
                continue
            field, kind, shown = tagged.groups()
            assert kind == fields[field]["provenance"], (record, field)
            assert (ILLUSTRATIVE if kind == "illustrative" else REPORTED) in row, (record, field)
            if kind == "reported":
                assert f"source {fields[field]['source']}" in row
            if field not in {"origin", "driver"}:
                assert htmllib.unescape(shown) == fields[field]["value"], (record, field)
        shown_fields = set(re.findall(r'data-field="(\w+)"', body))
        assert shown_fields == set(case_records.FIELDS) - {"case"}, record
        # organisations: a labelled block
        for field in ("organisations",):
            block = re.search(
                rf'<div class="case-part" data-field="{field}" data-provenance="(\w+)">(.*?)</div>',
                body,
                flags=re.S,
            )
            assert block, (record, field)
            assert block.group(1) == fields[field]["provenance"]
            assert (ILLUSTRATIVE if block.group(1) == "illustrative" else REPORTED) in block.group(2)
        for organisation in fields["organisations"]["value"]:
            assert htmllib.escape(organisation) in body


def test_chapter4_register_lists_every_record_with_a_link(site: Path) -> None:
    body = article(page(site, "04-case-studies"))
    rows = table_rows(body, "case-register")
    assert [r[0] for r in rows[1:]] == [f["case"]["value"] for f in raw_records().values()]
    for record in raw_records():
        assert f'href="cases/{record}.html"' in body
        assert (Path(site) / "chapters" / "cases" / f"{record}.html").is_file()
    assert "Provenance:" in body and ILLUSTRATIVE in body


def test_case_figures_have_alt_text_numbered_captions_and_provenance(site: Path) -> None:
    expected = {"04-case-studies": 1, "05-cross-case-comparison": 1}
    for name, count in expected.items():
        body = article(page(site, name))
        figures = re.findall(r"<figure.*?</figure>", body, flags=re.S)
        assert len(figures) == count, name
        for figure in figures:
            alt = re.search(r'<svg[^>]*role="img" aria-label="([^"]*)"', figure)
            assert alt and len(alt.group(1)) > 80, f"{name}: figure without meaningful alt text"
            assert "Case 1" in alt.group(1)
            assert re.search(r'caption-number">Fig\. \d\.\d', figure), f"{name}: caption not numbered"
            assert "Provenance:" in figure
    assert "table-behind" in page(site, "04-case-studies"), "the table behind the origins figure is missing"


def test_chapter5_matrix_equals_the_records(site: Path) -> None:
    body = article(page(site, "05-cross-case-comparison"))
    rows = table_rows(body, "case-matrix")
    header, data = rows[0], rows[1:]
    assert header[1:] == list(case_tables.MATRIX_DIMENSIONS)
    raw = list(raw_records().values())
    assert [r[0] for r in data] == [f["case"]["value"] for f in raw]
    for row, fields in zip(data, raw, strict=True):
        cells = dict(zip(header[1:], row[1:], strict=True))
        assert cells["Region"] == fields["region"]["value"]
        assert cells["Setting"] == fields["setting"]["value"]
        assert cells["Deprivation"] == fields["deprivation"]["value"]
        assert cells["Origin"] == fields["origin"]["value"]
        assert cells["Driver"] == case_records.DRIVER_SHORT[fields["driver"]["value"]]
        sectors = {case_records.ORGANISATION_SECTORS[o] for o in fields["organisations"]["value"]}
        for sector in case_records.SECTORS:
            assert cells[sector] == ("yes" if sector in sectors else "no")
    matrix_block = body[: re.search(r'<table class="[^"]*\bcase-matrix\b', body).start()]
    assert ILLUSTRATIVE in matrix_block[-600:], "the matrix table has no provenance label"


def test_chapter5_states_the_verified_themes_as_the_papers_findings(site: Path) -> None:
    body = article(page(site, "05-cross-case-comparison"))
    themes = table_rows(body, "case-themes")
    assert len(themes) - 1 == 4
    assert "BJGP" in body and REPORTED in body
    assert "43%" in body and "51%" in body and "5%" in body  # managers as builders of collaborations (S1)


def test_chapter6_cites_survey_numbers_and_states_the_limits(site: Path) -> None:
    body = re.sub(r"<[^>]+>", "", article(page(site, "06-conclusions")))
    text = " ".join(htmllib.unescape(body).split())
    for phrase in (
        "from 33% in 2014 to 54% in 2016",
        "21 percentage points",
        "35%",
        "25%",
        "around 60%",
        "55%",
        "43%",
        "51%",
        "5% clinicians",
    ):
        assert phrase in text, phrase
    assert "The limits of this edition" in text
    raw = [entry for fields in raw_records().values() for entry in fields.values()]
    reported = sum(entry["provenance"] == "reported" for entry in raw)
    assert f"The case records hold {len(raw)} fields in all." in text
    assert f"The number holding a value the study reported is {reported};" in text


def test_the_build_never_writes_the_case_records(built_book: Path) -> None:
    # compared with the working tree's records (other data folders may change during a shared session)
    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            h.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
        return h.hexdigest()

    assert digest(built_book / "data" / "cases") == digest(REPO / "data" / "cases")
