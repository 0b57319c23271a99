"""Reading the book's data files: CSV and YAML, schema validation, and the one per-file-version cache.

Errors name file, row and column (:class:`DataFileError`). Every loaded object in the package is built
through :func:`once_per_version`, so an edited file (new modification time or size) is read again and
an unchanged one is read once per process.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd
import pandera.errors as pe
import yaml

if TYPE_CHECKING:
    import pandera.pandas as pa

T = TypeVar("T")


class DataFileError(ValueError):
    """A data file could not be read or failed its schema; the message names file, row and column."""


def read_csv(path: Path, schema: pa.DataFrameSchema, *, dtype: dict | None = None) -> pd.DataFrame:
    """Read ``path`` as UTF-8 CSV and validate it against ``schema``.

    Raises DataFileError naming the file, the 1-based data row (and file line) and the column of the
    first problems found. The file is only read, never written.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found")
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
    if not raw.strip():
        raise DataFileError(f"{path}: file is empty; expected a header row and data rows")
    check_field_counts(path, raw)
    try:
        frame = pd.read_csv(path, dtype=dtype or str, keep_default_na=False, encoding="utf-8")
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataFileError(f"{path}: cannot be parsed as CSV: {exc}") from None
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        raise DataFileError(
            f"{path}: missing column(s) {', '.join(missing)}; header has {', '.join(frame.columns)}"
        )
    if frame.empty:
        raise DataFileError(f"{path}: has a header but no data rows")
    for name, column in schema.columns.items():
        if column.nullable:
            frame[name] = frame[name].mask(frame[name].str.strip() == "")
    try:
        return schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        raise DataFileError(describe_failures(path, _root_causes(exc.failure_cases))) from None


def check_field_counts(path: Path, text: str) -> None:
    """Raise DataFileError unless every row of the CSV ``text`` has as many fields as its header.

    Read with the csv module first because pandas fills a short row with blanks (a respondent who
    skipped the last questions) and may shift a long one. Blank lines are skipped, as pandas does.
    """
    reader = csv.reader(text.splitlines(keepends=True))
    try:
        header = next(reader)
        row = 0
        for fields in reader:
            if not fields:
                continue
            row += 1
            if len(fields) != len(header):
                raise DataFileError(
                    f"{path}: row {row} (line {reader.line_num}): {len(fields)} field(s), expected "
                    f"{len(header)} (the header's columns); check for a missing or extra comma"
                )
    except csv.Error as exc:
        raise DataFileError(f"{path}: line {reader.line_num}: cannot be parsed as CSV: {exc}") from None


def _root_causes(failures: pd.DataFrame) -> pd.DataFrame:
    """Keep only type-conversion failures when there are any.

    A value that cannot be converted (e.g. ``x`` in a numeric column) also makes the column's later
    checks fail on every row, which would bury the real problem under misleading messages.
    """
    checks = failures["check"].astype(str)
    coerce = checks.str.startswith("coerce_dtype")
    return failures[coerce] if coerce.any() else failures


def describe_failures(path: Path, failures: pd.DataFrame, limit: int = 5) -> str:
    """Turn pandera failure cases into one readable message naming rows and columns."""
    lines = []
    for _, case in failures.head(limit).iterrows():
        if case.get("check") == "column_in_schema":
            lines.append(
                f"{path}: header: unexpected column {case.get('failure_case')!r} (not in the schema)"
            )
            continue
        column = case.get("column") or "(table)"
        index = case.get("index")
        if index is None or (isinstance(index, float) and index != index):
            where = f"column {column}"
        else:
            row = int(index) + 1
            where = f"row {row} (line {row + 1}), column {column}"
        lines.append(f"{path}: {where}: failed {case.get('check')}; got {case.get('failure_case')!r}")
    more = len(failures) - limit
    if more > 0:
        lines.append(f"... and {more} more problem(s)")
    return "\n".join(lines)


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
        raise DataFileError(f"{path}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8") from None
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
