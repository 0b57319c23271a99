"""Reading the book's data files: CSV and YAML, schema validation, and the one per-file-version cache.

Errors name file, row and column (:class:`DataFileError`). Every loaded object in the package is built
through :func:`once_per_version`, so an edited file (new modification time or size) is read again and
an unchanged one is read once per process.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import pandera.errors as pe
import yaml

from . import failures

if TYPE_CHECKING:
    import pandera.pandas as pa

T = TypeVar("T")


class DataFileError(ValueError):
    """A data file could not be read or failed its schema; the message names file, row and column."""


def read_csv(path: Path, schema: pa.DataFrameSchema, *, dtype: dict | None = None) -> pd.DataFrame:
    """Read ``path`` as UTF-8 CSV and validate it against ``schema``.

    Raises DataFileError naming the file, the 1-based data row, its line in the file and the column of
    the first problems found, one line per problem (see :mod:`ccg_leadership.failures`). A leading
    byte-order mark (as spreadsheet programs write) is ignored. The file is only read, never written.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(not_utf8(path, exc)) from None
    raw = raw.removeprefix("\ufeff")
    if not raw.strip():
        raise DataFileError(
            f"{path}: line 1: file is empty (expected a header row naming the columns "
            f"{', '.join(schema.columns)}, then data rows)"
        )
    lines = check_field_counts(path, raw)
    try:
        frame = pd.read_csv(io.StringIO(raw), dtype=dtype or str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot be parsed as CSV: {exc}") from None
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise DataFileError(
            f"{path}: line 1 (header), column {missing[0]}: missing column(s) {', '.join(missing)} "
            f"(found {', '.join(frame.columns)}; expected {', '.join(schema.columns)})"
        )
    if frame.empty:
        raise DataFileError(f"{path}: line 2: has a header but no data rows (expected at least one row)")
    for name, column in schema.columns.items():
        if column.nullable:
            frame[name] = frame[name].mask(frame[name].str.strip() == "")
    try:
        return schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        raise DataFileError(
            failures.message(path, _root_causes(exc.failure_cases), schema, frame, lines)
        ) from None


def not_utf8(path: Path, error: UnicodeDecodeError) -> str:
    """The message for a file that is not UTF-8: the line and the first offending byte."""
    data = error.object if isinstance(error.object, bytes) else b""
    line = data[: error.start].count(b"\n") + 1
    byte = data[error.start : error.start + 1].hex() or "?"
    return (
        f"{path}: line {line}: not valid UTF-8 (found byte 0x{byte} at offset {error.start}; expected "
        "UTF-8 text); save the file as UTF-8"
    )


def check_field_counts(path: Path, text: str) -> list[int]:
    """Raise DataFileError unless the header is sound and every row of ``text`` has the header's fields.

    Read with the csv module first because pandas fills a short row with blanks (a respondent who
    skipped the last questions) and may shift a long one. Blank lines are skipped, as pandas does.
    Returns the file line on which each data row starts (row 1 first).
    """
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
        _check_header(path, header)
        starts = []
        row, last = 0, reader.line_num
        for fields in reader:
            start, last = last + 1, reader.line_num
            if not fields:
                continue
            row += 1
            starts.append(start)
            if len(fields) != len(header):
                hint = (
                    f"a quote opened on line {start} is not closed until line {last}; check for a stray quote"
                    if last > start
                    else "check for a missing or extra comma"
                )
                raise DataFileError(
                    f"{path}: row {row} (line {start}): {len(fields)} field(s), expected {len(header)} "
                    f"(the header's columns); {hint}"
                )
    except csv.Error as exc:
        raise DataFileError(f"{path}: line {reader.line_num}: cannot be parsed as CSV: {exc}") from None
    return starts


def row_where(path: Path, row: int) -> str:
    """``<file>: row <row> (line <n>)``: where data row ``row`` (1-based) starts in the file.

    The line is counted from the file itself, so blank lines and quoted fields spanning lines before
    the row are allowed for (for messages about a row the loaders found wrong after reading).
    """
    starts = check_field_counts(path, Path(path).read_text(encoding="utf-8-sig"))
    line = starts[row - 1] if 0 < row <= len(starts) else row + 1
    return f"{path}: row {row} (line {line})"


def _check_header(path: Path, header: list[str]) -> None:
    """Every header field names a column, once."""
    for number, name in enumerate(header, start=1):
        if not name.strip():
            raise DataFileError(
                f"{path}: line 1 (header), column {number}: blank column name (expected a name)"
            )
        if header.index(name) != number - 1:
            raise DataFileError(
                f"{path}: line 1 (header), column {name}: named twice (columns {header.index(name) + 1} "
                f"and {number}; expected each column once)"
            )


def _root_causes(failures: pd.DataFrame) -> pd.DataFrame:
    """Keep only type-conversion failures when there are any.

    A value that cannot be converted (e.g. ``x`` in a numeric column) also makes the column's later
    checks fail on every row, which would bury the real problem under misleading messages.
    """
    checks = failures["check"].astype(str)
    coerce = checks.str.startswith("coerce_dtype")
    return failures[coerce] if coerce.any() else failures


def load_yaml(text: str) -> object:
    """Parse YAML text safely, with PyYAML's libyaml parser when it is available.

    The same values as ``yaml.safe_load`` (the same safe constructor and resolver; only the parser is
    compiled), about eight times faster; errors are ``yaml.YAMLError`` as with ``safe_load``.
    """
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def read_yaml(path: Path) -> object:
    """Parse the YAML file ``path``; a syntax error is a DataFileError naming the file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise DataFileError(not_utf8(path, exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(f"{path}: {where}not valid YAML: {problem}") from None


def file_stamp(path: Path) -> tuple[int, int]:
    """Modification time and size of ``path`` ((0, 0) if absent): the version key of cached reads."""
    path = Path(path)
    if not path.is_file():
        return (0, 0)
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


_VERSIONS: dict[tuple, tuple[tuple, object]] = {}
"""The one cache: key -> (file stamps it was built from, value); only the latest version is kept."""


def once_per_version(key: tuple, paths: Iterable[Path], build: Callable[[], T]) -> T:
    """Return ``build()``, computed once per version of the files in ``paths`` (stamps of each).

    ``key`` names what is built (e.g. ``("survey", data_folder)``); when any of ``paths`` changes,
    the value is built again and replaces the old one. Callers must treat the value as read-only.
    """
    stamps = tuple((str(p), file_stamp(Path(p))) for p in paths)
    hit = _VERSIONS.get(key)
    if hit is not None and hit[0] == stamps:
        return hit[1]  # type: ignore[return-value]
    value = build()
    _VERSIONS[key] = (stamps, value)
    return value


def read_validated(path: Path, schema: pa.DataFrameSchema, schema_file: Path) -> pd.DataFrame:
    """``read_csv`` against ``schema`` (read from ``schema_file``), once per version of both files.

    The caller gets a private copy, so cached frames are never mutated.
    """
    path = Path(path)
    frame = once_per_version(("csv", str(path)), (path, schema_file), lambda: read_csv(path, schema))
    return frame.copy()
