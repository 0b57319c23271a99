"""A corpus of corrupted data files: each stops the data check naming the file, the line and the column.

Every case corrupts one thing in a copy of ``data/`` and runs ``ccg_leadership.data_check.check_data``,
what every build runs before it writes a page (``ccg_book.data_gate``). The expected file, line and
column are worked out here from the corrupted text (csv module, plain line search), never by the
package; the message must name all three, say what was expected, start each line with the file, and
the copy must be byte-for-byte what the corruption left (loading only reads).
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from bookhelpers import REPO, build, copy_book, stock_build

from ccg_leadership.data_check import check_data
from ccg_leadership.datafiles import DataFileError
from ccg_leadership.survey.data import load_survey

DATA = REPO / "data"
RESPONSES = "survey/responses.csv"
CODEBOOK = "survey/codebook.csv"
ROLES = "survey/roles.csv"
FINDINGS = "published/findings.csv"
SOURCES = "published/sources.csv"
FACTS = "study/facts.csv"
PHASES = "study/phases.csv"
THEMES = "cases/themes.csv"


@dataclass(frozen=True)
class Expect:
    """Where the message must point: the file, its line (None: no single line) and column or field."""

    path: Path
    line: int | None
    column: str | None
    words: str = ""
    """A phrase the message must hold (what is wrong), if any."""
    label: str = ""
    """How the message names the column: ``column`` (CSV), ``field`` (case records) or ``key``."""


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- editing helpers: one physical line at a time, so every other byte of the file stays ---------


def lines_of(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines), encoding="utf-8")


def header(path: Path) -> list[str]:
    return next(csv.reader([lines_of(path)[0]]))


def render(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(fields)
    return out.getvalue()


def set_cell(data: Path, relative: str, line: int, column: str, value: str, words: str = "") -> Expect:
    """Set ``column`` on file line ``line`` (every data file has one row per line) to ``value``."""
    path = data / relative
    lines = lines_of(path)
    fields = next(csv.reader([lines[line - 1]]))
    fields[header(path).index(column)] = value
    lines[line - 1] = render(fields)
    write_lines(path, lines)
    return Expect(path, line, column, words)


def line_where(path: Path, column: str, predicate: Callable[[str], bool]) -> int:
    """The file line of the first data row whose ``column`` satisfies ``predicate``."""
    lines = lines_of(path)
    index = header(path).index(column)
    for number, text in enumerate(lines[1:], start=2):
        if text and predicate(next(csv.reader([text]))[index]):
            return number
    raise AssertionError(f"no row of {path} matches")


def drop_lines(path: Path, predicate: Callable[[str], bool]) -> None:
    write_lines(path, [line for line in lines_of(path) if not predicate(line)])


def yaml_line(path: Path, text: str, after: int = 0) -> int:
    """The first line (1-based) at or after ``after`` whose text, stripped, starts with ``text``."""
    for number, line in enumerate(lines_of(path), start=1):
        if number > after and line.strip().startswith(text):
            return number
    raise AssertionError(f"{text!r} not in {path}")


def edit_yaml(path: Path, field: str, key: str, new: str) -> int:
    """Replace the line ``  key: ...`` of top-level ``field`` by ``new``; return its line number."""
    number = yaml_line(path, f"{key}:", after=yaml_line(path, f"{field}:"))
    lines = lines_of(path)
    lines[number - 1] = new
    write_lines(path, lines)
    return number


# --- the corpus ----------------------------------------------------------------------------------


def respondent_code_missing_from_codebook(data: Path) -> Expect:
    drop_lines(data / CODEBOOK, lambda line: line.startswith("leadership_centrality,") and ",4," in line)
    path = data / RESPONSES
    line = line_where(path, "leadership_centrality", lambda cell: cell == "4")
    return Expect(path, line, "leadership_centrality", "not in the codebook")


def respondent_role_missing_from_roles(data: Path) -> Expect:
    drop_lines(data / ROLES, lambda line: line.startswith("lay_member,"))
    path = data / RESPONSES
    return Expect(path, line_where(path, "role", lambda cell: cell == "lay_member"), "role", "unknown role")


def respondent_wave_not_matching_id(data: Path) -> Expect:
    path = data / RESPONSES
    return set_cell(data, RESPONSES, 5, "wave", "2016" if lines_of(path)[4].startswith("S14") else "2014")


def duplicated_respondent(data: Path) -> Expect:
    first = next(csv.reader([lines_of(data / RESPONSES)[1]]))[0]
    return set_cell(data, RESPONSES, 10, "respondent_id", first, "repeated")


def short_row(data: Path) -> Expect:
    path = data / RESPONSES
    lines = lines_of(path)
    lines[4] = lines[4].rsplit(",", 1)[0]
    write_lines(path, lines)
    return Expect(path, 5, None, f"{len(header(path)) - 1} field(s), expected {len(header(path))}")


def long_row(data: Path) -> Expect:
    path = data / FACTS
    lines = lines_of(path)
    lines[2] += ",extra"
    write_lines(path, lines)
    return Expect(path, 3, None, f"{len(header(path)) + 1} field(s), expected {len(header(path))}")


def stray_quote(data: Path) -> Expect:
    path = data / RESPONSES
    lines = lines_of(path)
    fields = lines[6].split(",")
    lines[6] = ",".join([fields[0], '"' + fields[1], *fields[2:]])
    write_lines(path, lines)
    return Expect(path, 7, None, "stray quote")


def missing_column(data: Path) -> Expect:
    path = data / RESPONSES
    index = header(path).index("comm_public")
    write_lines(
        path, [",".join(f for i, f in enumerate(line.split(",")) if i != index) for line in lines_of(path)]
    )
    return Expect(path, 1, "comm_public", "missing column")


def extra_column(data: Path) -> Expect:
    path = data / ROLES
    lines = lines_of(path)
    write_lines(path, [lines[0] + ",colour", *[line + ",blue" if line else line for line in lines[1:]]])
    return Expect(path, 1, "colour", "unexpected column")


def header_column_twice(data: Path) -> Expect:
    path = data / PHASES
    lines = lines_of(path)
    lines[0] = lines[0].replace(",end,", ",start,")
    write_lines(path, lines)
    return Expect(path, 1, "start", "named twice")


def empty_file(data: Path) -> Expect:
    (data / ROLES).write_text("", encoding="utf-8")
    return Expect(data / ROLES, 1, None, "empty")


def header_only(data: Path) -> Expect:
    path = data / PHASES
    path.write_text(lines_of(path)[0] + "\n", encoding="utf-8")
    return Expect(path, 2, None, "no data rows")


def not_utf8(data: Path) -> Expect:
    path = data / ROLES
    line = line_where(path, "role", lambda cell: cell == "lay_member")
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("Lay member", "L\xe4y member").encode("latin-1"))
    return Expect(path, line, None, "UTF-8")


def fact_missing(data: Path) -> Expect:
    drop_lines(data / FACTS, lambda line: line.startswith("study_start,"))
    return Expect(data / FACTS, None, "key", "study_start")


def fact_line(data: Path, key: str) -> int:
    return line_where(data / FACTS, "key", lambda cell: cell == key)


def unknown_source_of_a_fact(data: Path) -> Expect:
    drop_lines(data / SOURCES, lambda line: line.startswith("S10,"))
    return Expect(data / FACTS, fact_line(data, "ccgs_2013"), "source", "unknown id")


def unknown_finding_in_a_theme(data: Path) -> Expect:
    line = line_where(data / THEMES, "survey_link", lambda cell: cell != "")
    return set_cell(data, THEMES, line, "survey_link", "Q6|Q99", "unknown id")


def units_without_label(data: Path) -> Expect:
    set_cell(data, PHASES, 2, "unit_label", "")
    return Expect(data / PHASES, 2, "units", "while unit_label is blank")


def finding_line(data: Path, ident: str) -> int:
    return line_where(data / FINDINGS, "id", lambda cell: cell == ident)


CSV_CASES: dict[str, Callable[[Path], Expect]] = {
    "answer-not-a-number": lambda d: set_cell(d, RESPONSES, 4, "comm_public", "four", "not a whole number"),
    "answer-code-out-of-range": lambda d: set_cell(d, RESPONSES, 6, "vision_setter", "4", "not an allowed"),
    "answer-code-not-in-codebook": respondent_code_missing_from_codebook,
    "answer-fraction": lambda d: set_cell(d, RESPONSES, 9, "nhse_influence", "2.5", "not a whole number"),
    "unknown-role": lambda d: set_cell(d, RESPONSES, 8, "role", "governor", "not an allowed value"),
    "role-missing-from-roles-file": respondent_role_missing_from_roles,
    "wave-not-a-survey-year": lambda d: set_cell(d, RESPONSES, 12, "wave", "2015", "not an allowed value"),
    "wave-not-matching-id": respondent_wave_not_matching_id,
    "duplicated-respondent": duplicated_respondent,
    "short-row": short_row,
    "long-row": long_row,
    "stray-quote": stray_quote,
    "missing-column": missing_column,
    "extra-column": extra_column,
    "header-column-twice": header_column_twice,
    "empty-file": empty_file,
    "header-only": header_only,
    "not-utf8": not_utf8,
    "percentage-above-100": lambda d: set_cell(d, FINDINGS, 2, "value", "133", "out of range"),
    "negative-percentage": lambda d: set_cell(d, FINDINGS, 2, "value", "-5", "out of range for check share"),
    "change-beyond-100-points": lambda d: set_cell(d, FINDINGS, finding_line(d, "Q2a"), "value", "-150"),
    "value-not-a-number": lambda d: set_cell(d, FINDINGS, 3, "value", "54%", "not a number"),
    "negative-rounding": lambda d: set_cell(d, FINDINGS, 2, "rounding", "-1", "out of range"),
    "rounding-not-whole": lambda d: set_cell(d, FINDINGS, 3, "rounding", "1.5", "not a whole number"),
    "rounding-too-fine": lambda d: set_cell(d, FINDINGS, 3, "rounding", "7", "out of range"),
    "negative-tolerance": lambda d: set_cell(d, FINDINGS, finding_line(d, "Q12"), "tolerance", "-2"),
    "duplicated-finding-id": lambda d: set_cell(d, FINDINGS, 3, "id", "Q1", "repeated"),
    "unknown-check": lambda d: set_cell(d, FINDINGS, 4, "check", "guess", "not an allowed value"),
    "unknown-fact-unit": lambda d: set_cell(
        d, FACTS, fact_line(d, "phases"), "unit", "stages", "unknown unit"
    ),
    "bad-date": lambda d: set_cell(d, FACTS, fact_line(d, "study_start"), "value", "2013-13-01", "date"),
    "date-out-of-range": lambda d: set_cell(d, FACTS, fact_line(d, "study_end"), "value", "1916-11-30"),
    "date-not-iso": lambda d: set_cell(d, FACTS, fact_line(d, "funded_end"), "value", "30/11/2016", "date"),
    "count-in-words": lambda d: set_cell(d, FACTS, fact_line(d, "case_ccgs"), "value", "six", "whole number"),
    "negative-count": lambda d: set_cell(d, FACTS, fact_line(d, "scoping_ccgs"), "value", "-15", "range"),
    "year-fraction": lambda d: set_cell(d, FACTS, fact_line(d, "survey_first_year"), "value", "2014.5"),
    "fact-with-wrong-unit": lambda d: set_cell(
        d, FACTS, fact_line(d, "case_ccgs"), "unit", "cases", "wrong unit"
    ),
    "fact-missing": fact_missing,
    "study-ends-before-it-starts": lambda d: set_cell(
        d, FACTS, fact_line(d, "study_end"), "value", "2013-10-31", "comes before study_start"
    ),
    "second-survey-first": lambda d: set_cell(
        d, FACTS, fact_line(d, "survey_second_year"), "value", "2013", "comes before survey_first_year"
    ),
    "duplicated-fact": lambda d: set_cell(d, FACTS, fact_line(d, "cases"), "key", "phases", "repeated"),
    "unknown-source-of-a-fact": unknown_source_of_a_fact,
    "phase-ends-before-it-starts": lambda d: set_cell(d, PHASES, 4, "end", "2014-01", "before start"),
    "phase-with-no-units": lambda d: set_cell(d, PHASES, 2, "units", "0", "out of range"),
    "units-without-label": units_without_label,
    "bad-month": lambda d: set_cell(d, PHASES, 3, "start", "2014-13", "not of the expected form"),
    "duplicated-phase": lambda d: set_cell(d, PHASES, 3, "phase", "1", "repeated"),
    "role-order-repeated": lambda d: set_cell(d, ROLES, 3, "order", "1", "repeated"),
    "role-order-zero": lambda d: set_cell(d, ROLES, 4, "order", "0", "out of range"),
    "role-order-text": lambda d: set_cell(d, ROLES, 5, "order", "first", "not a whole number"),
    "code-not-an-integer": lambda d: set_cell(d, CODEBOOK, 3, "code", "one", "not a whole number"),
    "code-out-of-range": lambda d: set_cell(d, CODEBOOK, 4, "code", "10", "out of range"),
    "code-repeated-in-item": lambda d: set_cell(d, CODEBOOK, 3, "code", "1", "repeated"),
    "chapter-outside-the-book": lambda d: set_cell(d, CODEBOOK, 5, "chapter", "12", "out of range"),
    "theme-differs-within-item": lambda d: set_cell(d, CODEBOOK, 4, "theme", "Something else", "differs"),
    "source-url-not-https": lambda d: set_cell(d, SOURCES, 2, "url", "http://example.org", "expected form"),
    "theme-source-malformed": lambda d: set_cell(d, THEMES, 2, "source", "S12", "not of the expected form"),
    "theme-names-unknown-finding": unknown_finding_in_a_theme,
}


def case_region_a_mapping(data: Path) -> Expect:
    path = data / "cases" / "case-3.yml"
    return Expect(path, edit_yaml(path, "region", "value", "  value: {part: North}"), "region", "not a text")


def case_provenance_a_list(data: Path) -> Expect:
    path = data / "cases" / "case-4.yml"
    line = edit_yaml(path, "setting", "provenance", "  provenance: [illustrative]")
    return Expect(path, line, "setting", "not a text")


def case_organisations_text(data: Path) -> Expect:
    path = data / "cases" / "case-5.yml"
    number = yaml_line(path, "organisations:")
    lines = lines_of(path)
    value = number + 1
    end = next(i for i in range(value, len(lines)) if lines[i].strip().startswith("provenance:"))
    write_lines(path, [*lines[:number], "  value: the CCG", *lines[end:]])
    return Expect(path, value, "organisations", "not a list")


def case_unknown_field(data: Path) -> Expect:
    path = data / "cases" / "case-6.yml"
    path.write_text(
        path.read_text(encoding="utf-8").rstrip("\n")
        + "\nbudget:\n  value: 1000\n  provenance: illustrative\n"
    )
    return Expect(path, yaml_line(path, "budget:"), "budget", "unknown field")


def case_reported_without_source(data: Path) -> Expect:
    path = data / "cases" / "case-7.yml"
    return Expect(
        path, edit_yaml(path, "origin", "provenance", "  provenance: reported"), "origin", "no source"
    )


def case_unknown_source(data: Path) -> Expect:
    drop_lines(data / SOURCES, lambda line: line.startswith("S9,"))
    path = data / "cases" / "case-1.yml"
    line = edit_yaml(path, "region", "provenance", "  provenance: reported\n  source: S9")
    return Expect(path, line + 1, "region", "unknown source")


def case_region_not_allowed(data: Path) -> Expect:
    path = data / "cases" / "case-8.yml"
    return Expect(path, edit_yaml(path, "region", "value", "  value: East"), "region", "not an allowed value")


def case_bad_yaml(data: Path) -> Expect:
    path = data / "cases" / "case-2.yml"
    line = edit_yaml(path, "ccg", "value", "  value: [CCG A")
    return Expect(path, line + 1, None, "not valid YAML")  # the parser notices on the next line


def case_missing_field(data: Path) -> Expect:
    path = data / "cases" / "case-2.yml"
    text = path.read_text(encoding="utf-8")
    start = text.index("\ndriver:")
    end = text.index("\norganisations:")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    return Expect(path, None, "driver", "missing")


def case_empty(data: Path) -> Expect:
    path = data / "cases" / "case-4.yml"
    path.write_text("", encoding="utf-8")
    return Expect(path, 1, None, "empty file")


def case_label_repeated(data: Path) -> Expect:
    path = data / "cases" / "case-2.yml"
    return Expect(path, edit_yaml(path, "case", "value", "  value: Case 1"), "case", "in record case-1")


def reconstruction_waves_not_a_mapping(data: Path) -> Expect:
    path = data / "reconstruction.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nwaves:\n", "\nwaves: 2014\nold_waves:\n", 1), encoding="utf-8")
    return Expect(path, None, "waves", "expected a mapping", label="key")


def schema_file_missing(data: Path) -> Expect:
    (data / "schema" / "phases.yml").unlink()
    return Expect(data / "schema" / "phases.yml", None, None, "file not found")


YAML_CASES: dict[str, Callable[[Path], Expect]] = {
    "case-label-repeated": case_label_repeated,
    "reconstruction-waves-not-a-mapping": reconstruction_waves_not_a_mapping,
    "schema-file-missing": schema_file_missing,
    "case-value-a-mapping": case_region_a_mapping,
    "case-provenance-a-list": case_provenance_a_list,
    "case-organisations-as-text": case_organisations_text,
    "case-unknown-field": case_unknown_field,
    "case-reported-without-source": case_reported_without_source,
    "case-unknown-source": case_unknown_source,
    "case-region-not-allowed": case_region_not_allowed,
    "case-bad-yaml": case_bad_yaml,
    "case-missing-field": case_missing_field,
    "case-empty-file": case_empty,
}


@pytest.fixture(scope="module", autouse=True)
def repository_data_untouched():
    """The repository's own data/ is never written by any case."""
    before = digest(DATA)
    yield
    assert digest(DATA) == before


@pytest.mark.parametrize(
    "corrupt", [*CSV_CASES.values(), *YAML_CASES.values()], ids=[*CSV_CASES, *YAML_CASES]
)
def test_corruption_is_named_by_file_line_and_column(
    tmp_path: Path, corrupt: Callable[[Path], Expect]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    expect = corrupt(data)
    corrupted = digest(data)
    with pytest.raises(DataFileError) as error:
        check_data(data)
    message = str(error.value)
    assert digest(data) == corrupted  # loading only reads
    assert not isinstance(error.value, KeyError | TypeError)
    first = message.splitlines()[0]
    assert first.startswith(f"{expect.path}: "), message
    if expect.line is not None:
        assert f"line {expect.line}" in first, message
    if expect.column is not None:
        name = expect.label or ("field" if expect.path.suffix == ".yml" else "column")
        assert f"{name} {expect.column}" in first, message
    assert "expected" in first or "not valid YAML" in first or "not found" in first, message
    assert expect.words in message, message
    assert all(line.startswith(f"{expect.path}: ") or line.startswith("...") for line in message.splitlines())


def test_a_byte_order_mark_is_read_as_the_same_table(tmp_path: Path) -> None:
    """Spreadsheets save UTF-8 CSV with a byte-order mark; the file must read exactly as without it."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for relative in (RESPONSES, CODEBOOK, ROLES):
        path = data / relative
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    check_data(data)
    marked, plain = load_survey(data), load_survey(DATA)
    assert marked.respondents.equals(plain.respondents)
    assert marked.codebook.equals(plain.codebook) and marked.roles.equals(plain.roles)


def test_many_problems_are_one_line_each_and_counted(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / FINDINGS
    for line in range(2, 10):
        set_cell(data, FINDINGS, line, "rounding", "-1")
    with pytest.raises(DataFileError) as error:
        check_data(data)
    lines = str(error.value).splitlines()
    assert [f"(line {n})," in text for n, text in zip(range(2, 7), lines, strict=False)] == [True] * 5
    assert all(
        text.startswith(f"{path}: row ") and "column rounding: out of range" in text for text in lines[:5]
    )
    assert "(found -1; expected a number from 0 to 3)" in lines[0]
    assert lines[5] == "... and 3 more problem(s)"


def _pages(book: Path) -> list[Path]:
    return sorted((book / "_build" / "html").rglob("*.html")) if (book / "_build").is_dir() else []


@pytest.mark.book
@pytest.mark.parametrize(
    ("corrupt", "runner"),
    [
        pytest.param(CSV_CASES["unknown-fact-unit"], stock_build, id="stock-build-fact-unit"),
        pytest.param(YAML_CASES["case-value-a-mapping"], build, id="entry-point-case-record"),
    ],
)
def test_a_build_stops_with_the_same_message_before_any_page(tmp_path: Path, corrupt, runner) -> None:
    """The data gate of a real build reports the library's message and writes no page."""
    book = copy_book(tmp_path / "book")
    corrupt(book / "data")
    corrupted = digest(book / "data")
    with pytest.raises(DataFileError) as error:
        check_data(book / "data")
    result = runner(book)
    assert result.returncode != 0
    assert "Book data check failed" in result.stderr
    for line in str(error.value).splitlines():
        assert line in result.stderr, result.stderr[-3000:]
    assert _pages(book) == []
    assert digest(book / "data") == corrupted
