"""The case records: schema, per-field provenance, the study's verified aggregate facts, and the helpers.

Oracles: the editors' fact sheet (section 5: six CCGs, eight cases, two CCGs with two cases, North /
Midlands / South, rural and urban, deprived and affluent, integrated care for frail elderly people and
long-term conditions as the most notable redesigns) and the raw YAML files read here directly.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from ccg_leadership import style
from ccg_leadership.cases import charts as case_charts
from ccg_leadership.cases import pages as case_pages
from ccg_leadership.cases import records as case_records
from ccg_leadership.cases import tables as case_tables
from ccg_leadership.datafiles import DataFileError
from ccg_leadership.study import facts
from ccg_leadership.survey.data import load_survey

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SOURCE_IDS = {f"S{i}" for i in range(1, 12)}


def raw_records() -> dict[str, dict]:
    """The record files parsed straight from YAML, keyed by record id."""
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((DATA / "cases").glob("case-*.yml"))
    }


def value(record: dict, field: str):
    return record[field]["value"]


@pytest.fixture(scope="module")
def records() -> case_records.CaseRecords:
    return case_records.load_cases()


# --- the verified aggregate facts (fact sheet section 5.1) ---------------------------------------


def test_six_ccgs_eight_cases_two_ccgs_with_two_cases() -> None:
    raw = raw_records()
    per_ccg = Counter(value(r, "ccg") for r in raw.values())
    assert len(raw) == 8
    assert len(per_ccg) == 6
    assert sorted(per_ccg.values()) == [1, 1, 1, 1, 2, 2]


def test_all_three_regions_both_settings_and_both_deprivation_levels_present() -> None:
    raw = raw_records().values()
    assert {value(r, "region") for r in raw} == {"North", "Midlands", "South"}
    assert {"rural", "urban"} <= {value(r, "setting") for r in raw}
    assert {"deprived", "affluent"} <= {value(r, "deprivation") for r in raw}


def test_the_reported_service_themes_are_tied_to_no_case() -> None:
    """The study names its most notable redesigns (S3) but not where they were: no record may place them."""
    for record, fields in raw_records().items():
        area = value(fields, "service_area").lower()
        assert not re.search(r"frail elderly|long-term conditions", area), record
        assert fields["service_area"]["provenance"] == "illustrative", record


def test_no_record_echoes_the_look_alike_projects() -> None:
    """Fact sheet X1/X2: dementia, sexual health and stroke redesigns belong to other projects."""
    for record, fields in raw_records().items():
        area = value(fields, "service_area").lower()
        assert not re.search(r"stroke|dementia|sexual health|london|manchester", area), record
        assert "placeholder" in area, record


def test_the_register_states_the_reported_themes_without_a_case(records: case_records.CaseRecords) -> None:
    html = case_tables.register_html(records)
    assert "frail elderly people" in html and "long-term conditions (source S3)" in html
    assert "assigns them to no case" in html


def test_verified_fact_check_table_agrees_and_can_disagree(
    records: case_records.CaseRecords, tmp_path: Path
) -> None:
    table = case_tables.verified_fact_checks(records, facts())
    assert set(table["agrees"]) == {"yes"}
    assert table.loc["cases of service redesign", "records"] == "8"
    # a ninth record breaks the verified count: the check is not a tautology
    root = _copy_data(tmp_path)
    shutil.copy(root / "cases" / "case-8.yml", root / "cases" / "case-9.yml")
    _edit(root / "cases" / "case-9.yml", "value: Case 8", "value: Case 9")
    table = case_tables.verified_fact_checks(case_records.load_cases(root), facts(root))
    assert table.loc["cases of service redesign", "agrees"] == "no"
    assert table.loc["CCGs contributing two cases", "agrees"] == "no"


# --- provenance of every field -------------------------------------------------------------------


def test_every_field_of_every_record_has_provenance() -> None:
    for record, fields in raw_records().items():
        assert set(case_records.FIELDS) <= set(fields) <= set(case_records.ALL_FIELDS), record
        for field, entry in fields.items():
            assert entry["provenance"] in {"reported", "illustrative"}, (record, field)
            if entry["provenance"] == "reported":
                assert entry.get("source") in SOURCE_IDS, (record, field)
            else:
                assert not entry.get("source"), (record, field)


def test_no_per_case_detail_is_marked_reported() -> None:
    # The fact sheet (5.2) verifies no per-case detail: not even where the notable redesigns were.
    reported = {
        (field, entry["source"])
        for fields in raw_records().values()
        for field, entry in fields.items()
        if entry["provenance"] == "reported"
    }
    assert reported == set()


def test_labels_are_neutral_and_match_file_names() -> None:
    for record, fields in raw_records().items():
        number = record.split("-")[1]
        assert value(fields, "case") == f"Case {number}"
        assert re.fullmatch(r"CCG [A-F]", value(fields, "ccg"))


def test_no_record_holds_an_editor_written_account() -> None:
    """Insights and lessons about placeholder cases would read as findings: the records hold none."""
    for record, fields in raw_records().items():
        assert not set(case_records.PARTS) & set(fields), record


def test_an_illustrative_part_of_the_account_is_refused(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / "cases" / "case-3.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "lessons:\n  value: An invented lesson that would read like a finding of the study.\n"
        + "  provenance: illustrative\n",
        encoding="utf-8",
    )
    with pytest.raises(
        DataFileError,
        match=r"case-3\.yml: record case-3, field lessons, key provenance \(line \d+\): a part of",
    ):
        case_records.load_cases(root)


def test_a_record_filled_from_the_report_gets_its_account_on_the_page(tmp_path: Path) -> None:
    book = tmp_path / "book"
    _copy_data(book)
    path = book / "data" / "cases" / "case-3.yml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "lessons:\n  value: A lesson text taken from the report's own account of this case, for the test.\n"
        + "  provenance: reported\n  source: S1\n",
        encoding="utf-8",
    )
    case_pages.write_pages(book)
    text = (book / "chapters" / "cases" / "case-3.md").read_text(encoding="utf-8")
    assert "### Lessons drawn" in text and "A lesson text taken from the report" in text
    assert "not reproduced" not in text.split("## The report's account of this case")[1]
    footer = text.split("case-record-source")[1]
    assert "provenance-reported" in footer and "provenance-illustrative" in footer
    other = (book / "chapters" / "cases" / "case-2.md").read_text(encoding="utf-8")
    assert "provenance-reported" not in other.split("case-record-source")[1]


def test_cases_of_one_ccg_share_its_context(records: case_records.CaseRecords) -> None:
    for _, group in records.values.groupby("ccg"):
        assert group[["region", "setting", "deprivation"]].nunique().max() == 1


# --- malformed records: the error names file, record and field ----------------------------------


def _copy_data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("value: North", "value: East", "region", "not an allowed value (found 'East'; expected one of"),
        ("value: above", "value: sideways", "origin", "not an allowed value"),
        ("  value: CCG B", "  value: CCG b", "ccg", "not of the expected form (found 'CCG b'"),
        (
            "region:\n  value: North\n  provenance: illustrative",
            "region:\n  value: North",
            "region",
            "provenance",
        ),
        (
            "region:\n  value: North\n  provenance: illustrative",
            "region:\n  value: North\n  provenance: guessed",
            "region",
            "not an allowed value (found 'guessed'",
        ),
        (
            "region:\n  value: North\n  provenance: illustrative",
            "region:\n  value: North\n  provenance: reported",
            "region",
            "no source is given",
        ),
        ("    - acute hospital trust", "    - a hospital", "organisations", "unknown organisation type"),
        ("deprivation:\n  value: affluent\n  provenance: illustrative\n", "", "deprivation", "missing"),
    ],
)
def test_malformed_record_error_names_file_record_and_field(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    root = _copy_data(tmp_path)
    path = root / "cases" / "case-3.yml"
    _edit(path, old, new)
    with pytest.raises(DataFileError) as error:
        case_records.load_cases(root)
    text = str(error.value)
    assert str(path) in text
    assert f"record case-3, field {field}" in text
    assert message in text


def test_bad_yaml_and_unknown_field_are_named(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    path = root / "cases" / "case-2.yml"
    _edit(path, "case:\n", "case: [\n")
    with pytest.raises(
        DataFileError, match=r"case-2\.yml: record case-2, line \d+, column \d+: not valid YAML"
    ):
        case_records.load_cases(root)
    root = _copy_data(tmp_path / "second")
    path = root / "cases" / "case-2.yml"
    path.write_text(path.read_text(encoding="utf-8") + "budget:\n  value: 1\n  provenance: illustrative\n")
    with pytest.raises(DataFileError, match=r"record case-2, field budget \(line \d+\): unknown field"):
        case_records.load_cases(root)


def test_two_cases_in_one_ccg_with_different_regions_are_refused(tmp_path: Path) -> None:
    root = _copy_data(tmp_path)
    _edit(root / "cases" / "case-2.yml", "value: North", "value: South")
    with pytest.raises(
        DataFileError, match=r"case-2\.yml: record case-2, field region \(line 17\): 'South' differs"
    ):
        case_records.load_cases(root)


# --- register, matrix, counts and figures ---------------------------------------------------------


def test_matrix_equals_the_raw_records(records: case_records.CaseRecords) -> None:
    matrix = case_tables.comparison_matrix(records)
    raw = raw_records()
    assert list(matrix.index) == [value(r, "case") for r in raw.values()]
    for fields in raw.values():
        row = matrix.loc[value(fields, "case")]
        assert row["Region"] == value(fields, "region")
        assert row["Setting"] == value(fields, "setting")
        assert row["Deprivation"] == value(fields, "deprivation")
        assert row["Origin"] == value(fields, "origin")
        sectors = {case_records.ORGANISATION_SECTORS[o] for o in value(fields, "organisations")}
        for sector in case_records.SECTORS:
            assert row[sector] == ("yes" if sector in sectors else "no")


def test_counts_by_origin_and_driver_add_up(records: case_records.CaseRecords) -> None:
    raw = raw_records().values()
    origin = case_tables.counts_by(records, "origin")["cases"]
    driver = case_tables.counts_by(records, "driver")["cases"]
    assert list(origin) == [sum(value(r, "origin") == k for r in raw) for k in case_records.ORIGINS]
    assert list(driver) == [sum(value(r, "driver") == k for r in raw) for k in case_records.DRIVERS]
    assert int(origin.sum()) == int(driver.sum()) == 8
    assert all(origin > 0) and all(driver > 0), "every place and kind of driver the study names appears"
    crosstab = case_tables.origin_by_driver(records)
    assert crosstab.loc["All", "All"] == 8
    assert list(crosstab["All"].iloc[:-1]) == list(origin)


def test_register_marks_reported_cells_with_their_source(
    records: case_records.CaseRecords, tmp_path: Path
) -> None:
    html = case_tables.register_html(records)
    assert html.count('href="cases/case-') == 8
    assert "Illustrative, not from the study" in html and "provenance-reported" not in html
    assert "(reported" not in html
    # a record with a reported value shows it marked, and the register then carries both labels
    root = _copy_data(tmp_path)
    _edit(
        root / "cases" / "case-2.yml",
        "region:\n  value: North\n  provenance: illustrative",
        "region:\n  value: North\n  provenance: reported\n  source: S1",
    )
    _edit(
        root / "cases" / "case-1.yml",
        "region:\n  value: North\n  provenance: illustrative",
        "region:\n  value: North\n  provenance: reported\n  source: S1",
    )
    edited = case_records.load_cases(root)
    register = case_tables.register_table(edited)
    assert register.loc["Case 2", "Region"] == "North (reported, S1)"
    assert "reported" not in register.loc["Case 3", "Region"]
    assert "provenance-reported" in case_tables.register_html(edited)


@pytest.mark.parametrize("draw", [case_charts.origins_figure, case_charts.matrix_figure])
def test_case_figures_carry_alt_text_naming_every_case(records: case_records.CaseRecords, draw) -> None:
    image = draw(records)
    assert image.png.startswith(b"\x89PNG")
    assert style.read_alt(image.png) == image.alt
    for label in records.values["case"]:
        assert f"{label}:" in image.alt or f"{label} (" in image.alt
    assert "illustrative" in image.alt.lower()
    assert draw(records).png == image.png, "figure is not deterministic"


def test_origin_figure_places_each_case_in_its_zone(records: case_records.CaseRecords) -> None:
    positions = case_charts.case_positions(records).set_index("case")
    for _, row in records.values.iterrows():
        y = positions.loc[row["case"], "y"]
        expected = {"above": (5.0, 6.2), "below": (0.2, 1.4), "around": (1.6, 4.8)}[row["origin"]]
        assert expected[0] <= y <= expected[1], row["case"]


def test_themes_are_the_published_ones() -> None:
    themes = case_records.load_cases().themes
    assert (themes["kind"] == "theme").sum() == 4  # the BJGP paper's four results (S4)
    assert set(themes.loc[themes["kind"] == "theme", "source"]) == {"S4"}
    assert set(themes["provenance"]) == {"reported"}
    assert themes.loc["market_levers", "source"] == "S5"


def test_survey_numbers_cited_by_the_case_chapters_reproduce_the_report() -> None:
    assert case_tables.survey_figures(load_survey(), ["Q1", "Q2", "Q7", "Q8", "Q9", "Q10"]) == {
        "Q1": 33.0,
        "Q2": 54.0,
        "Q7": 43.0,
        "Q8": 51.0,
        "Q9": 5.0,
        "Q10": 55.0,
    }


def test_survey_link_table_does_not_invent_a_survey_year() -> None:
    table = case_tables.survey_link_table(case_records.load_cases(), load_survey())
    collaboration = table[table["Survey finding"].str.startswith("Who builds collaborations")]
    assert len(collaboration) == 3
    assert set(collaboration["Survey finding"]) == {"Who builds collaborations (year not stated)"}
    assert set(collaboration["Published result"]) == {"43%", "51%", "5%"}


# --- pages: one template, a ninth case needs only a record ----------------------------------------


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def test_a_ninth_record_gets_a_page_and_data_is_never_written(tmp_path: Path) -> None:
    book = tmp_path / "book"
    _copy_data(book)
    shutil.copy(book / "data" / "cases" / "case-7.yml", book / "data" / "cases" / "case-9.yml")
    _edit(book / "data" / "cases" / "case-9.yml", "value: Case 7", "value: Case 9")
    before = _tree_hash(book / "data")
    pages = case_pages.write_pages(book)
    assert [p.name for p in pages] == [f"case-{n}.md" for n in range(1, 10)]
    text = (book / "chapters" / "cases" / "case-9.md").read_text(encoding="utf-8")
    assert text.startswith(case_pages.MARKER)
    assert "# Case 9: Placeholder service area G (illustrative)" in text
    assert "\n## The report's account of this case\n" in text and "**not reproduced here**" in text
    for heading in case_records.PARTS.values():
        assert f"## {heading}\n" not in text
    assert _tree_hash(book / "data") == before


def test_write_pages_is_idempotent_and_removes_only_its_own_stale_pages(tmp_path: Path) -> None:
    book = tmp_path / "book"
    _copy_data(book)
    folder = book / "chapters" / "cases"
    folder.mkdir(parents=True)
    (folder / "case-42.md").write_text(case_pages.MARKER + " gone.yml\n", encoding="utf-8")
    (folder / "case-43.md").write_text("# written by hand\n", encoding="utf-8")
    case_pages.write_pages(book)
    first = {p.name: p.stat().st_mtime_ns for p in folder.glob("case-*.md")}
    assert "case-42.md" not in first and "case-43.md" in first
    case_pages.write_pages(book)
    assert {p.name: p.stat().st_mtime_ns for p in folder.glob("case-*.md")} == first


def test_page_notice_lists_illustrative_and_reported_fields(records: case_records.CaseRecords) -> None:
    notice = case_pages.notice(records, "case-1")
    assert "account of this case is not reproduced on this page" in notice
    illustrative, reported = notice.split("- **Reported**")
    for label in ("Region of England", "Who drove it", "Service area", "Organisations involved"):
        assert label in illustrative
    assert "none of the details" in reported


def test_generated_pages_are_not_committed(repo: Path) -> None:
    ignore = (repo / ".gitignore").read_text(encoding="utf-8")
    assert "chapters/cases/case-*.md" in ignore


def test_case_titles_flag_illustrative_service_areas() -> None:
    """Titles also appear in the ToC, away from the page's notice, so they carry the label themselves."""
    records = case_records.load_cases()
    for record in records.values.index:
        title = case_pages.page_title(records, record)
        kind = records.field_provenance(record, "service_area")[0]
        assert title.endswith("(illustrative)") == (kind == "illustrative"), title


def test_case_page_generator_fingerprint_follows_its_inputs(tmp_path: Path) -> None:
    """The generator is skipped only while records, schemas and rendering code are unchanged."""
    from ccg_book.case_pages import inputs_fingerprint

    book = tmp_path / "book"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", book / "data")
    first = inputs_fingerprint(book)
    assert inputs_fingerprint(book) == first
    (book / "data" / "study" / "facts.csv").write_text("unrelated\n", encoding="utf-8")
    assert inputs_fingerprint(book) == first
    record = book / "data" / "cases" / "case-2.yml"
    record.write_text(
        record.read_text(encoding="utf-8").replace("region:\n  value: ", "region:\n  value: X"),
        encoding="utf-8",
    )
    assert inputs_fingerprint(book) != first
