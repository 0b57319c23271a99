"""Pandera's failure cases in a reader's words: one line per problem, naming file, row, line and column.

Each line reads ``<file>: row R (line N), column C: <what is wrong> (found X; expected Y)``; a problem
of the whole header or table names the column only. What is wrong and what was expected come from
the failed check's own statistics (a range, the allowed values, a pattern) or, for the custom
checks of :mod:`ccg_leadership.schema_checks`, from their describers.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from .schema_checks import DESCRIBE

LIMIT = 5
"""Problems listed in one message; the rest are counted."""


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str | dict) and pd.isna(value))


def shown(value: object) -> str:
    """A found value as the message shows it: text quoted, whole floats without ``.0``."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return value.strip() if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value) else repr(value)
    return str(value)


def _listing(values: list) -> str:
    return ", ".join(str(v) for v in values)


def _dtype_words(check: str) -> tuple[str, str]:
    match = re.search(r"dtype\('?([^')]+)'?\)", check)
    dtype = (match.group(1) if match else check).lower()
    if dtype.startswith("int"):
        return "not a whole number", "a whole number"
    if dtype.startswith("float"):
        return "not a number", "a number"
    return f"not of type {dtype}", dtype


def _bounds_words(stats: dict) -> str:
    low, high = stats.get("min_value"), stats.get("max_value")
    return f"a number from {shown(low)} to {shown(high)}"


def _builtin(check: pa.Check | None, name: str, column: pa.Column | None) -> tuple[str, str]:
    """(what is wrong, what was expected) for one of pandera's own checks."""
    stats = dict(check.statistics) if check is not None else {}
    if name.startswith(("coerce_dtype", "dtype(")):
        return _dtype_words(name)
    if name == "in_range":
        return "out of range", _bounds_words(stats)
    comparisons = {
        "greater_than_or_equal_to": "at least",
        "greater_than": "greater than",
        "less_than_or_equal_to": "at most",
        "less_than": "less than",
        "equal_to": "equal to",
    }
    if name in comparisons:
        bound = next(iter(stats.values()), None)
        return "out of range", f"a number {comparisons[name]} {shown(bound)}"
    if name == "isin":
        return "not an allowed value", f"one of {_listing(stats.get('allowed_values', []))}"
    if name == "notin":
        return "a forbidden value", f"none of {_listing(stats.get('forbidden_values', []))}"
    if name == "str_matches":
        about = (column.description or "text").rstrip(".") if column is not None else "text"
        return "not of the expected form", f"{about}, matching {stats.get('pattern')}"
    if name == "str_length":
        low, high = stats.get("min_value"), stats.get("max_value")
        span = (
            f"{low} to {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        return "wrong length", f"text of {span} characters"
    if name == "not_nullable":
        return "blank", "a value"
    return f"failed {name}", "a value that passes it"


def _check_of(schema: pa.DataFrameSchema, case: pd.Series) -> pa.Check | None:
    """The Check object behind a failure case, when pandera numbered it."""
    number = case.get("check_number")
    if _missing(number):
        return None
    column = case.get("column")
    if case.get("schema_context") == "Column" and column in schema.columns:
        checks = schema.columns[column].checks
    else:
        checks = schema.checks
    return checks[int(number)] if int(number) < len(checks) else None


def _where(path: Path, index: object, column: str | None, lines: list[int]) -> str:
    parts = [str(path)]
    if not _missing(index):
        position = int(index)  # type: ignore[arg-type]
        line = lines[position] if position < len(lines) else position + 2
        parts.append(f"row {position + 1} (line {line})")
    if column:
        parts.append(f"column {column}")
    return parts[0] + ": " + ", ".join(parts[1:]) if len(parts) > 1 else parts[0]


def _earlier(frame: pd.DataFrame, index: object, columns: list[str], lines: list[int]) -> str:
    """The earlier file lines (or case records) whose row has the same ``columns`` ('' if none)."""
    same = (frame[columns] == frame.loc[index, columns]).all(axis=1)
    earlier = [i for i in frame.index[same] if i < index]
    if not earlier:
        return ""
    if not lines and "record" in frame.columns:  # case records: one row per file
        return "in record " + ", ".join(str(frame.loc[i, "record"]) for i in earlier)
    return "on line " + ", ".join(str(lines[i] if i < len(lines) else i + 2) for i in earlier)


def words(
    schema: pa.DataFrameSchema, case: pd.Series, frame: pd.DataFrame, lines: list[int]
) -> tuple[str | None, str, str, str | None] | None:
    """(column, what is wrong, what was expected, the value found or None) for one failure case.

    None for a failure that repeats another: the first of several rows sharing a unique value.
    """
    check = _check_of(schema, case)
    name = check.name if check is not None else str(case.get("check"))
    column = case.get("column")
    found = case.get("failure_case")
    index = case.get("index")
    if name == "column_in_schema":
        return found, "unexpected column", f"only the columns {', '.join(schema.columns)}", shown(found)
    if name == "column_in_dataframe":
        return found, "missing column", f"a column {found}", None
    if check is not None and check.name in DESCRIBE:
        if isinstance(found, dict):
            column, found = next(iter(found.items()))
        if column == "failure_case" or _missing(column) or _missing(index):
            column = check.statistics.get("column")
        problem, expected = DESCRIBE[check.name](frame, index, column, dict(check.statistics))
        return column, problem, expected, None if _missing(index) else shown(frame.loc[index, column])
    if name in {"field_uniqueness", "multiple_fields_uniqueness"}:
        fields = list(schema.unique) if name == "multiple_fields_uniqueness" else [column]
        earlier = _earlier(frame, index, fields, lines)
        if not earlier:
            return None  # the first occurrence; its repeats are reported
        found = frame.loc[index, fields[-1]]
        return (
            fields[-1],
            f"repeated {' and '.join(fields)}",
            f"a value no other row has (as {earlier})",
            shown(found),
        )
    spec = schema.columns.get(column) if isinstance(column, str) else None
    problem, expected = _builtin(check, name, spec)
    return column, problem, expected, shown(found)


def describe(
    path: Path, failures: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame, lines: list[int]
) -> list[str]:
    """One line per failing cell (see the module docstring); ``lines[i]`` is the file line of row i.

    A cell that fails several checks is reported once, for the first of them in ``failures``.
    """
    out, seen = [], set()
    for _, case in failures.iterrows():
        worded = words(schema, case, frame, lines)
        if worded is None:
            continue
        column, problem, expected, found = worded
        cell = (str(case.get("index")), column, str(case.get("check")).startswith("column_in"))
        if cell in seen:
            continue
        seen.add(cell)
        if str(case.get("check")) in {"column_in_schema", "column_in_dataframe"}:
            where = f"{path}: line 1 (header), column {column}"
        else:
            where = _where(path, case.get("index"), column, lines)
        detail = f"found {found}; expected {expected}" if found is not None else f"expected {expected}"
        out.append(f"{where}: {problem} ({detail})")
    return out


def message(
    path: Path, failures: pd.DataFrame, schema: pa.DataFrameSchema, frame: pd.DataFrame, lines: list[int]
) -> str:
    """The DataFileError text: the first :data:`LIMIT` problems in file order, and how many more.

    A column's own checks come before the table checks, so a cell failing both gets the column's words.
    """
    custom = failures["check"].astype(str).str.split("(").str[0].isin(list(DESCRIBE))
    position = {name: number for number, name in enumerate(frame.columns)}
    order = failures.assign(
        _row=pd.to_numeric(failures["index"], errors="coerce").fillna(float("inf")),
        _column=failures["column"].map(lambda c: position.get(c, len(position))),
        _custom=custom,
    ).sort_values(["_row", "_column", "_custom"], kind="stable")
    described = describe(path, order.drop(columns=["_row", "_column", "_custom"]), schema, frame, lines)
    text = described[:LIMIT]
    if len(described) > LIMIT:
        text.append(f"... and {len(described) - LIMIT} more problem(s)")
    return "\n".join(text)
