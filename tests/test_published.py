"""ccg_leadership.published: the report's findings as readers meet them (values, year status, sources).

Expected values are read from the fact sheet by hand (Q1 33% in 2014, Q2 54% in 2016, Q3 35% with
no year, Q7-Q9 43/51/5 with no year), not produced by the module.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from ccg_leadership import published
from ccg_leadership.cases.records import load_cases

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("wave", "note", "expected"),
    [
        ("2014", "year stated in the report", "2014"),
        ("2014-2016", "years stated in the report", "2014 to 2016"),
        ("2016", "year not stated; assumed 2016", "year not stated"),
        ("2014", "year not stated; assumed 2014 (date of the HSJ comment)", "year not stated"),
    ],
)
def test_year_status(wave: str, note: str, expected: str) -> None:
    assert published.year_status(wave, note) == expected


def test_glue_values_are_the_published_numbers_with_their_year_status() -> None:
    values = published.glue_values(published.load_published())
    assert (values["pub_q1"], values["pub_q1_year"]) == (33, "2014")
    assert (values["pub_q2"], values["pub_q2_year"]) == (54, "2016")
    assert (values["pub_q3"], values["pub_q3_year"]) == (35, "year not stated")
    assert [values[f"pub_q{i}"] for i in (7, 8, 9)] == [43, 51, 5]
    assert "pub_q11" not in values and values["pub_q11_year"] == "year not stated"  # a direction only


def test_value_refuses_a_finding_without_a_number() -> None:
    with pytest.raises(ValueError, match="Q11"):
        published.value("Q11", published.load_published())


def test_every_source_id_in_the_data_is_explained() -> None:
    with (REPO / "data/published/sources.csv").open(encoding="utf-8") as handle:
        known = {row["id"] for row in csv.DictReader(handle)}
    used: set[str] = set()
    for name in ("published/findings.csv", "study/facts.csv", "cases/themes.csv"):
        with (REPO / "data" / name).open(encoding="utf-8") as handle:
            used |= {row["source"] for row in csv.DictReader(handle) if row.get("source")}
    for record in (REPO / "data" / "cases").glob("case-*.yml"):
        used |= set(re.findall(r"\bsource:\s*(S\d+)", record.read_text(encoding="utf-8")))
    assert used and used <= known, used - known


def test_findings_html_links_each_theme_to_its_section_and_prints_no_nan() -> None:
    html = published.findings_html(published.load_published())
    assert 'href="03-survey-findings.html#ch3-vision"' in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    rows = html.count("<tr>") - 1
    with (REPO / "data/published/findings.csv").open(encoding="utf-8") as handle:
        assert rows == sum(1 for _ in csv.DictReader(handle))


def test_survey_links_name_the_answer_each_percentage_counts() -> None:
    table = published.survey_links_table(published.load_published(), load_cases().themes)
    collaboration = table[table["Survey question"] == "Who builds collaborations"]
    assert dict(zip(collaboration["Published result"], collaboration["Answer counted"], strict=True)) == {
        "43%": "managers on their own",
        "51%": "managers together with clinicians",
        "5%": "clinicians",
    }
    assert not table["Case-study theme"].str.contains("_").any()


def test_findings_table_names_each_answer_once_and_marks_derived_rows_without_stacked_brackets() -> None:
    said = published.findings_table(published.load_published()).set_index("Finding")["What was published"]
    assert said["Q12"].count("quite a lot to very extensive") == 1, said["Q12"]
    assert said["Q7"].startswith("managers on their own: ")
    for ident in ("Q2a", "Q9a"):  # tagged [I] in the data: worked out by the editors
        assert said[ident].endswith("Worked out by the editors from published values."), said[ident]
        assert not re.search(r"\)\s*\(", said[ident]), said[ident]
