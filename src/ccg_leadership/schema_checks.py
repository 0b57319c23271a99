"""Table-level checks the data schemas name (pandera custom checks), and how each failure is worded.

The schemas under ``data/schema/`` are pandera YAML; a rule that ties two columns or two rows
together (a range that depends on another column, a start not after its end, a fact's value typed
by its unit) is one of the checks below, named in the schema's top-level ``checks`` with its
statistics. They are registered with pandera's documented extension point
(``pandera.extensions.register_check_method``) by :func:`register`, which the schema loader calls.

Each check returns a frame of the table's shape (False marks the offending cell), so that a failure
names its row and column (``has_keys``, about rows that are not there, returns one boolean);
:data:`DESCRIBE` turns a failure into what is wrong and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pandas as pd
import pandera.extensions as extensions
import pandera.pandas as pa

Problem = tuple[str, str]
"""What is wrong, and what was expected, in words."""


def _cells(frame: pd.DataFrame, column: str, ok: pd.Series) -> pd.DataFrame:
    """A frame of ``frame``'s shape, True everywhere but where ``ok`` is False in ``column``."""
    out = pd.DataFrame(True, index=frame.index, columns=frame.columns)
    out[column] = ok.astype(bool)
    return out


def _blank(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value)) or str(value).strip() == ""


def _bounds(spec: dict) -> tuple[float | None, float | None]:
    return spec.get("min_value"), spec.get("max_value")


def _range_words(lower: object, upper: object) -> str:
    if lower is not None and upper is not None:
        return f"from {lower} to {upper}"
    return f"at least {lower}" if lower is not None else f"at most {upper}"


# --- in_range_by: a numeric column whose range depends on another column -------------------------


def in_range_by(frame: pd.DataFrame, *, column: str, by: str, ranges: dict, otherwise: dict) -> pd.DataFrame:
    """``column`` lies in ``ranges[<value of by>]`` (``min_value``/``max_value``), else in ``otherwise``.

    Blank cells and cells that are not numbers pass here (the column's own checks report them).
    """
    values = pd.to_numeric(frame[column], errors="coerce")
    specs = frame[by].map(lambda key: ranges.get(key, otherwise))
    ok = [
        pd.isna(v) or ((lo is None or v >= lo) and (hi is None or v <= hi))
        for v, (lo, hi) in zip(values, specs.map(_bounds), strict=True)
    ]
    return _cells(frame, column, pd.Series(ok, index=frame.index))


def _describe_in_range_by(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    key = frame.loc[index, stats["by"]]
    spec = stats["ranges"].get(key, stats["otherwise"])
    return (
        f"out of range for {stats['by']} {key}",
        f"a number {_range_words(*_bounds(spec))} when {stats['by']} is {key}",
    )


# --- not_before: a column that must not come before another one of the same row ----------------


def not_before(frame: pd.DataFrame, *, column: str, other: str) -> pd.DataFrame:
    """``column`` is not before ``other`` in the same row (ISO text: dates or YYYY-MM months)."""
    ok = [
        _blank(a) or _blank(b) or str(a) >= str(b) for a, b in zip(frame[column], frame[other], strict=True)
    ]
    return _cells(frame, column, pd.Series(ok, index=frame.index))


def _describe_not_before(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    other = stats["other"]
    start = frame.loc[index, other]
    return f"comes before {other} {start}", f"{column} on or after {other} ({start})"


# --- blank_together: columns that are filled together or left blank together --------------------


def blank_together(frame: pd.DataFrame, *, columns: list[str]) -> pd.DataFrame:
    """In each row, the ``columns`` are all blank or all filled; the filled ones of a mixed row fail.

    (The filled cells are the ones flagged: pandera reports no failure case for a blank cell.)
    """
    blank = frame[columns].map(_blank)
    mixed = blank.any(axis=1) & ~blank.all(axis=1)
    out = pd.DataFrame(True, index=frame.index, columns=frame.columns)
    for column in columns:
        out[column] = ~(mixed & ~blank[column])
    return out


def _describe_blank_together(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    blank = [c for c in stats["columns"] if c != column and _blank(frame.loc[index, c])]
    return (
        f"given while {', '.join(blank)} is blank",
        f"{' and '.join(stats['columns'])} both filled or both blank",
    )


# --- same_within: columns that hold one value per group (e.g. per survey item) -------------------


def same_within(frame: pd.DataFrame, *, by: str, columns: list[str]) -> pd.DataFrame:
    """Every row of a ``by`` group repeats the group's first row in ``columns``."""
    out = pd.DataFrame(True, index=frame.index, columns=frame.columns)
    first = frame.groupby(by, sort=False)[columns].transform("first")
    for column in columns:
        out[column] = frame[column].astype(str) == first[column].astype(str)
    return out


def _describe_same_within(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    by = stats["by"]
    group = frame[frame[by] == frame.loc[index, by]]
    return (
        f"differs from the first row of {by} {frame.loc[index, by]}",
        f"{group.iloc[0][column]!r}, as in every row of that {by}",
    )


# --- typed_by_unit: a value column typed by the unit in its row (the study facts) ----------------

UNIT_TYPES = ("integer", "number", "date", "text")
"""The types a unit may declare: whole number, number, ISO date (YYYY-MM-DD), or free text."""


def parse_typed(text: str, kind: str) -> int | float | dt.date | str:
    """Parse ``text`` as a value of ``kind`` (see :data:`UNIT_TYPES`); ValueError if it is not one."""
    text = str(text).strip()
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError("not a whole number")
        return int(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError("not a number") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        return number
    if kind == "date":
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("not a date YYYY-MM-DD") from None
    if kind == "text":
        return text
    raise ValueError(f"unknown type {kind!r}; expected one of {', '.join(UNIT_TYPES)}")


def _typed_problem(value: object, spec: dict) -> str | None:
    """Why ``value`` is not a valid value of the unit ``spec`` (type and range), or None."""
    kind = spec.get("type", "text")
    try:
        parsed = parse_typed(str(value), kind)
    except ValueError as error:
        return str(error)
    lower, upper = _bounds(spec)
    if kind == "date":
        lower = dt.date.fromisoformat(str(lower)) if lower is not None else None
        upper = dt.date.fromisoformat(str(upper)) if upper is not None else None
    if (lower is not None and parsed < lower) or (upper is not None and parsed > upper):
        return "out of range"
    return None


def typed_by_unit(frame: pd.DataFrame, *, column: str, by: str, units: dict) -> pd.DataFrame:
    """Each ``column`` value parses as the type of the ``by`` unit of its row, within the unit's range.

    ``units`` maps each allowed unit to ``{type, min_value, max_value}``; an unknown unit fails in
    ``by``.
    """
    known = frame[by].isin(list(units))
    ok = [
        not k or _typed_problem(v, units[u]) is None
        for v, u, k in zip(frame[column], frame[by], known, strict=True)
    ]
    out = _cells(frame, column, pd.Series(ok, index=frame.index))
    out[by] = known
    return out


def _unit_words(spec: dict) -> str:
    kind = spec.get("type", "text")
    words = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD", "text": "text"}
    lower, upper = _bounds(spec)
    bounds = f" {_range_words(lower, upper)}" if lower is not None or upper is not None else ""
    return words.get(kind, kind) + bounds


def _describe_typed_by_unit(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    units, by = stats["units"], stats["by"]
    unit = frame.loc[index, by]
    key = f"fact {frame.loc[index, 'key']}: " if "key" in frame.columns else ""
    if column == by:
        return f"{key}unknown unit, so its value cannot be typed", f"one of {', '.join(units)}"
    problem = _typed_problem(frame.loc[index, column], units[unit])
    return f"{key}{problem} for unit {unit}", _unit_words(units[unit])


# --- units_of_keys, has_keys: the unit each known key declares, and the keys that must be there ---


def units_of_keys(frame: pd.DataFrame, *, column: str, by: str, units: dict) -> pd.DataFrame:
    """Each key (``by``) named in ``units`` declares that unit in ``column``; other keys are free."""
    expected = frame[by].map(lambda key: units.get(key))
    return _cells(frame, column, expected.isna() | (frame[column] == expected))


def _describe_units_of_keys(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    by = stats["by"]
    key = frame.loc[index, by]
    return f"{by} {key} declares the wrong unit", f"{stats['units'][key]} for {by} {key}"


def has_keys(frame: pd.DataFrame, *, column: str, keys: list | dict) -> bool:
    """Every one of ``keys`` (a list, or a mapping's keys) has a row in ``column``."""
    return set(keys) <= set(frame[column])


def _describe_has_keys(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    missing = [key for key in stats["keys"] if key not in set(frame[stats["column"]])]
    return (
        f"no row for {', '.join(missing)} (the book states it)",
        f"a row for each of {', '.join(stats['keys'])}",
    )


# --- ordered_keys: key-value rows whose values must be in order (a start before its end) ---------


def ordered_keys(frame: pd.DataFrame, *, column: str, by: str, pairs: list) -> pd.DataFrame:
    """For each ``[first, second]`` of ``pairs``, the ``column`` value of key ``second`` is not before
    that of key ``first`` (compared as numbers when both are, else as ISO text); the second fails."""
    values = dict(zip(frame[by], frame[column], strict=False))
    ok = pd.Series(True, index=frame.index)
    for first, second in pairs:
        if first in values and second in values and _before(values[second], values[first]):
            ok[frame[by] == second] = False
    return _cells(frame, column, ok)


def _before(a: object, b: object) -> bool:
    try:
        return float(str(a)) < float(str(b))
    except ValueError:
        return str(a).strip() < str(b).strip()


def _describe_ordered_keys(frame: pd.DataFrame, index: object, column: str, stats: dict) -> Problem:
    by = stats["by"]
    key = frame.loc[index, by]
    first = next(a for a, b in stats["pairs"] if b == key)
    earlier = frame.loc[frame[by] == first, column].iloc[0]
    return f"{by} {key} comes before {first} ({earlier})", f"{key} on or after {first}"


CHECKS: dict[str, tuple[Callable[..., pd.DataFrame], list[str]]] = {
    "in_range_by": (in_range_by, ["column", "by", "ranges", "otherwise"]),
    "not_before": (not_before, ["column", "other"]),
    "blank_together": (blank_together, ["columns"]),
    "same_within": (same_within, ["by", "columns"]),
    "typed_by_unit": (typed_by_unit, ["column", "by", "units"]),
    "units_of_keys": (units_of_keys, ["column", "by", "units"]),
    "has_keys": (has_keys, ["column", "keys"]),
    "ordered_keys": (ordered_keys, ["column", "by", "pairs"]),
}
"""Every custom check a schema may name, with its statistics."""

DESCRIBE: dict[str, Callable[[pd.DataFrame, object, str, dict], Problem]] = {
    "in_range_by": _describe_in_range_by,
    "not_before": _describe_not_before,
    "blank_together": _describe_blank_together,
    "same_within": _describe_same_within,
    "typed_by_unit": _describe_typed_by_unit,
    "units_of_keys": _describe_units_of_keys,
    "has_keys": _describe_has_keys,
    "ordered_keys": _describe_ordered_keys,
}
"""For each custom check: (frame, index, column, statistics) -> (what is wrong, what was expected)."""


def register() -> None:
    """Register the custom checks with pandera (once per process), so schemas can name them."""
    for name, (function, statistics) in CHECKS.items():
        if name not in pa.Check.REGISTERED_CUSTOM_CHECKS:
            extensions.register_check_method(statistics=statistics, supported_types=pd.DataFrame)(function)
