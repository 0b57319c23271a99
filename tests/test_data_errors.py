"""Malformed data files stop the data check with a message naming the file, row (or line) and column.

Each test corrupts one file of a copy of ``data/`` and runs ``ccg_leadership.data_check.check_data``,
what every build runs before it reads a page (``ccg_book.data_gate``). Expected positions are counted
from the corrupted text in the test, not by the package.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from ccg_leadership.data_check import check_data
from ccg_leadership.datafiles import DataFileError

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    return tmp_path / "data"


def edit_line(path: Path, number: int, change) -> str:
    """Replace line ``number`` (1-based) of ``path`` by ``change(line)``; return the new line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[number - 1] = change(lines[number - 1])
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[number - 1]


def failure(data: Path) -> str:
    with pytest.raises(DataFileError) as error:
        check_data(data)
    return str(error.value)


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def header(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")


def test_a_short_respondent_row_is_an_error_not_blank_answers(data: Path) -> None:
    path = data / "survey" / "responses.csv"
    width = len(header(path))
    edit_line(path, 5, lambda line: line.rsplit(",", 1)[0])
    before = digest(data)
    message = failure(data)
    assert f"{path}: row 4 (line 5): {width - 1} field(s), expected {width}" in message
    assert digest(data) == before  # data/ is only read


def test_a_long_row_is_an_error(data: Path) -> None:
    path = data / "study" / "facts.csv"
    width = len(header(path))
    edit_line(path, 3, lambda line: line + ",extra")
    assert f"{path}: row 2 (line 3): {width + 1} field(s), expected {width}" in failure(data)


def test_an_unknown_answer_code_names_row_and_column(data: Path) -> None:
    path = data / "survey" / "responses.csv"
    column = header(path)[-1]
    edit_line(path, 7, lambda line: line.rsplit(",", 1)[0] + ",9")
    message = failure(data)
    assert (
        f"{path}: row 6 (line 7), column {column}: not an allowed value (found 9; expected one of 1, 2"
        in message
    )


def test_a_non_numeric_answer_names_row_and_column(data: Path) -> None:
    path = data / "survey" / "responses.csv"
    column = header(path)[3]
    edit_line(path, 2, lambda line: ",".join([*line.split(",")[:3], "four", *line.split(",")[4:]]))
    message = failure(data)
    assert (
        f"{path}: row 1 (line 2), column {column}: not a whole number (found 'four'; expected a whole"
        in message
    )


def test_a_missing_column_is_named(data: Path) -> None:
    path = data / "survey" / "responses.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    dropped = header(path)[4]
    cut = [",".join(f for i, f in enumerate(line.split(",")) if i != 4) if line else line for line in lines]
    path.write_text("\n".join(cut), encoding="utf-8")
    assert f"{path}: line 1 (header), column {dropped}: missing column(s) {dropped} (found " in failure(data)


def test_bad_yaml_in_a_case_record_names_the_file_and_line(data: Path) -> None:
    path = data / "cases" / "case-3.yml"
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line and not line.startswith("#"))
    edit_line(path, first + 1, lambda line: line + " [unclosed")
    message = failure(data)
    assert str(path) in message and "not valid YAML" in message
    assert re.search(r"line \d+", message)


def test_bad_yaml_in_the_reconstruction_names_line_and_column(data: Path) -> None:
    path = data / "reconstruction.yml"
    number = path.read_text(encoding="utf-8").split("\n").index("seed: 20180206") + 1
    edit_line(path, number, lambda line: "seed: [20180206")
    message = failure(data)
    assert message.startswith(f"{path}: line ") and "not valid YAML" in message


def test_a_missing_reconstruction_key_is_named(data: Path) -> None:
    path = data / "reconstruction.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nseed: 20180206\n", "\n"), encoding="utf-8")
    assert failure(data) == f"{path}: missing key(s) seed"


def test_a_non_numeric_published_value_names_row_and_column(data: Path) -> None:
    path = data / "published" / "findings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",share,33%,33,", ",share,33%,33 percent,", 1), encoding="utf-8")
    assert (
        f"{path}: row 1 (line 2), column value: not a number (found '33 percent'; expected a number)"
        in failure(data)
    )


@pytest.mark.parametrize(
    ("field", "value", "column"),
    [(2, "nurse", "column role"), (1, "2016", "column wave: does not match respondent S14-0004")],
    ids=["schema-check", "loader-check"],
)
def test_an_error_after_a_blank_line_names_the_files_own_line(
    data: Path, field: int, value: str, column: str
) -> None:
    """Rows are counted as data rows, lines as the file's lines: a blank line in between shifts them.

    Both kinds of row error are covered: a schema check (an unknown role) and a check the loader makes
    after reading (the wave must match the year in the respondent id).
    """
    path = data / "survey" / "responses.csv"
    edit_line(path, 2, lambda line: "\n" + line)  # a blank line 2; the first respondent moves to line 3

    def change(line: str) -> str:
        fields = line.split(",")
        fields[field] = value
        return ",".join(fields)

    assert edit_line(path, 6, change).startswith("S14-0004,")  # data row 4 of the file, now on line 6
    assert f"{path}: row 4 (line 6), {column}" in failure(data)
