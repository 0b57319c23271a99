"""Every build loads the data and checks every published finding before it writes a page.

The hook the extension connects to ``builder-inited`` (``ccg_book.data_gate.check_book_data``) is called
directly on copies of ``data/`` with one published value changed, and with respondent answers changed
so that a directional claim ("a majority") no longer holds; the oracle for the expected numbers is the
csv module's reading of the copy, not the package. Two builds of a copy (stock jupyter-book and the
entry point) show the build stops before any page is written.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from bookhelpers import REPO, build, copy_book, stock_build

from ccg_book.data_gate import STAMP, DataCheckFailed, check_book_data

DATA = REPO / "data"


def data_copy(tmp_path: Path) -> Path:
    """A book folder holding a copy of the data (all the hook reads); returns the book folder."""
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path


def change_published_value(data: Path, ident: str, new: str) -> None:
    path = data / "published" / "findings.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = list(rows[0])
    for row in rows:
        if row["id"] == ident:
            row["value"] = new
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def break_majority(data: Path, item: str, wave: str) -> float:
    """Turn just enough agreeing (4, 5) answers into neutral (3) ones for the share to fall to half or
    below; return the new share in percent, counted here with the csv module."""
    path = data / "survey" / "responses.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    column, year = rows[0].index(item), rows[0].index("wave")
    answered = [r for r in rows[1:] if r[year] == wave and r[column] != ""]
    agreeing = [r for r in answered if r[column] in {"4", "5"}]
    for row in agreeing[: len(agreeing) - len(answered) // 2]:
        row[column] = "3"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return 100 * sum(r[column] in {"4", "5"} for r in answered) / len(answered)


def line_of(message: str, ident: str) -> str:
    lines = [line for line in message.splitlines() if line.startswith(f"finding {ident} ")]
    assert len(lines) == 1, message
    return lines[0]


def test_unchanged_data_pass_and_the_pass_is_remembered(tmp_path: Path) -> None:
    book = data_copy(tmp_path)
    assert check_book_data(book, book / "_build") is True
    assert (book / "_build" / STAMP).is_file()
    assert check_book_data(book, book / "_build") is False  # same inputs: not loaded again


def test_a_changed_published_value_fails_with_file_values_and_check(tmp_path: Path) -> None:
    book = data_copy(tmp_path)
    change_published_value(book / "data", "Q2", "57")
    with pytest.raises(DataCheckFailed) as failure:
        check_book_data(book, book / "_build")
    message = str(failure.value)
    assert message.splitlines()[0] == "1 published finding(s) not reproduced by the survey data:"
    line = line_of(message, "Q2")
    path = book / "data" / "published" / "findings.csv"
    assert f"({path}: row 2 (line 3))" in line  # Q2 is the second data row
    assert "published '54% (a majority)' (value 57)" in line
    assert "(54 at the published rounding)" in line
    assert "failed check share:" in line and "vision_setter" in line and "must equal 57" in line
    assert not (book / "_build" / STAMP).exists()


def test_a_broken_majority_fails_naming_the_claim(tmp_path: Path) -> None:
    book = data_copy(tmp_path)
    share = break_majority(book / "data", "ccg_relative_influence", "2016")
    assert share <= 50
    with pytest.raises(DataCheckFailed) as failure:
        check_book_data(book, book / "_build")
    line = line_of(str(failure.value), "Q11")
    assert "row 15 (line 16)" in line
    assert "published 'a majority rated their CCG more influential'" in line
    assert f"computed {share:.1f} %" in line
    assert "failed check majority:" in line and "must be above 50 %" in line


def test_a_passed_check_is_not_reused_after_the_data_change(tmp_path: Path) -> None:
    book = data_copy(tmp_path)
    check_book_data(book, book / "_build")
    change_published_value(book / "data", "Q1", "34")
    with pytest.raises(DataCheckFailed, match="finding Q1 "):
        check_book_data(book, book / "_build")


def test_a_findings_row_naming_an_unknown_item_names_row_and_column(tmp_path: Path) -> None:
    book = data_copy(tmp_path)
    path = book / "data" / "published" / "findings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",primary_care_link,", ",primary_care_links,"), encoding="utf-8")
    with pytest.raises(DataCheckFailed) as failure:
        check_book_data(book, book / "_build")
    assert f"{path}: row 9 (line 10), column item: finding Q6: no survey item 'primary_care_links'" in str(
        failure.value
    )


def _pages(book: Path) -> list[Path]:
    return sorted((book / "_build" / "html").rglob("*.html")) if (book / "_build").is_dir() else []


@pytest.mark.book
def test_stock_build_stops_before_writing_any_page(tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    change_published_value(book / "data", "Q2", "57")
    result = stock_build(book)
    assert result.returncode != 0
    assert "Book data check failed" in result.stderr
    assert "finding Q2 (" in result.stderr and "(value 57)" in result.stderr
    assert _pages(book) == []


@pytest.mark.book
def test_entry_point_stops_before_executing_anything(tmp_path: Path) -> None:
    book = copy_book(tmp_path / "book")
    break_majority(book / "data", "ccg_relative_influence", "2016")
    result = build(book)
    assert result.returncode == 1
    assert "finding Q11 (" in result.stderr and "must be above 50 %" in result.stderr
    assert "executing" not in result.stdout and _pages(book) == []
