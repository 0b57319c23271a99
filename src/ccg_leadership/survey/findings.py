"""Check every published survey finding against the respondent data.

``check_findings(survey) -> DataFrame`` returns one row per row of ``data/published/findings.csv``
(indexed by id) with: fact, theme, item, wave, wave_note, check, published (text), value, rounding,
computed (the package's number: a share, a change or a difference, percent), computed_rounded (at the
published rounding, where there is one), detail (the numbers behind a directional check) and passed.

The checks (column ``check`` of the findings file):

- ``share``: share of ``category`` in ``population``, rounded half up to ``rounding``, equals ``value``;
- ``about``: share within ``tolerance`` points of ``value``;
- ``majority``: share above 50 %;
- ``change``: 2016 share minus 2014 share, rounded, equals ``value`` (percentage points);
- ``greater``: share of ``category`` above share of ``versus``;
- ``balanced``: shares of ``category`` and ``versus`` within ``tolerance`` points;
- ``increase``: share higher in 2016 than in 2014;
- ``decrease_not_significant``: share lower in 2016, and the two-proportion z-test gives p >= 0.05;
- ``roles_highest`` / ``roles_lowest``: the roles named in ``population`` have the highest / lowest
  shares of all roles in that wave.

A row the data cannot be checked against (an item, role or option code the survey does not have, a
check without the value or tolerance it needs) is a :class:`DataFileError` naming the findings file,
row and column. :func:`verify_findings` raises :class:`FindingsNotHeld` when any finding fails, with
one line per failed finding: id, file and row, published value or claim, computed value, and the check.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..datafiles import DataFileError, row_where
from ..rounding import round_half_up
from . import stats
from .data import INPUTS, Survey

SINGLE_WAVE = {"share", "about", "majority", "greater", "balanced", "roles_highest", "roles_lowest"}
BETWEEN_WAVES = {"change", "increase", "decrease_not_significant"}
NEEDS = {
    "share": ("value", "rounding"),
    "change": ("value", "rounding"),
    "about": ("value", "tolerance"),
    "balanced": ("versus", "tolerance"),
    "greater": ("versus",),
}
"""The columns a check cannot do without (beyond item, wave, population and category)."""


class FindingsNotHeld(DataFileError):
    """Published findings the survey data do not reproduce: one line per failed finding."""

    def __init__(self, lines: list[str], failed: list[str] | None = None) -> None:
        self.lines = lines
        self.failed = failed or []
        """The ids of the failed findings."""
        super().__init__("\n".join(lines))


def findings_path(survey: Survey) -> Path:
    """Return the path of the findings file the survey was read with."""
    return survey.folder / INPUTS["findings"][0]


def _where(survey: Survey, ident: str) -> str:
    """``<file>: row <n> (line <l>)`` of finding ``ident`` (rows in file order, 1-based)."""
    return row_where(findings_path(survey), list(survey.findings.index).index(ident) + 1)


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _validate_row(survey: Survey, ident: str, row: pd.Series) -> None:
    """Raise DataFileError (file, row, column) if ``row`` cannot be checked against this survey."""

    def fail(column: str, problem: str) -> DataFileError:
        return DataFileError(f"{_where(survey, ident)}, column {column}: finding {ident}: {problem}")

    check = row["check"]
    for column in NEEDS.get(check, ()):
        if _missing(row[column]):
            raise fail(column, f"check {check} needs a {column}; the cell is blank")
    if row["item"] not in survey.items.index:
        raise fail("item", f"no survey item {row['item']!r} in the codebook")
    for column in ("category", "versus"):
        if not _missing(row[column]):
            try:
                stats.resolve(survey, row["item"], row[column])
            except KeyError as error:
                raise fail(column, str(error).strip("\"'")) from None
    if (check in BETWEEN_WAVES) != ("-" in row["wave"]):
        expected = "two years, e.g. 2014-2016" if check in BETWEEN_WAVES else "one survey year"
        raise fail("wave", f"check {check} needs {expected}; got {row['wave']!r}")
    if check in {"roles_highest", "roles_lowest"}:
        unknown = [r for r in row["population"].split("|") if r not in survey.roles.index]
        if unknown:
            raise fail(
                "population", f"unknown role(s) {', '.join(unknown)}; known: {', '.join(survey.roles.index)}"
            )
        return
    try:
        members = survey.population_roles(row["population"])
    except KeyError as error:
        raise fail("population", str(error).strip("\"'")) from None
    for wave in row["wave"].split("-"):
        answered = survey.answers.get(row["item"])
        answered = answered[answered["wave"] == int(wave)] if answered is not None else None
        if members is not None and answered is not None:
            answered = answered[answered["role"].isin(members)]
        if answered is None or answered.empty:
            raise fail("wave", f"no answers to {row['item']} from {row['population']} in {wave}")


def _share(survey: Survey, row: pd.Series, wave: str, category: str, population: str | None = None) -> float:
    counts = stats.answer_counts(survey, row["item"], int(wave), population or row["population"])
    wanted = set(stats.codes(category))
    return 100 * sum(c for code, c in counts.items() if code in wanted) / sum(counts.values())


def _evaluate(survey: Survey, row: pd.Series) -> tuple[float, bool, str]:
    """Return (computed value, passed, detail) for one findings row."""
    check, wave, category, versus = row["check"], row["wave"], row["category"], row["versus"]
    if check in {"share", "about", "majority"}:
        share = _share(survey, row, wave, category)
        if check == "share":
            return share, round_half_up(share, int(row["rounding"])) == float(row["value"]), ""
        if check == "about":
            return share, abs(share - float(row["value"])) <= float(row["tolerance"]), ""
        return share, share > 50, ""
    if check in {"greater", "balanced"}:
        first, second = _share(survey, row, wave, category), _share(survey, row, wave, versus)
        detail = f"{category}: {first:.1f}% vs {versus}: {second:.1f}%"
        if check == "greater":
            return first - second, first > second, detail
        return first - second, abs(first - second) <= float(row["tolerance"]), detail
    if check in {"change", "increase", "decrease_not_significant"}:
        start, end = (int(y) for y in wave.split("-"))
        change = stats.wave_change(survey, row["item"], category, row["population"], start, end)
        detail = f"{change.share_first:.1f}% -> {change.share_second:.1f}%, p = {change.p_value:.3f}"
        if check == "change":
            rounded = round_half_up(change.difference, int(row["rounding"]))
            return change.difference, rounded == float(row["value"]), detail
        if check == "increase":
            return change.difference, change.difference > 0, detail
        passed = change.difference < 0 and change.p_value >= stats.ALPHA
        return change.difference, passed, detail
    if check in {"roles_highest", "roles_lowest"}:
        shares = stats.role_shares(survey, row["item"], category, int(wave))
        named = row["population"].split("|")
        inside = [shares[r] for r in named]
        outside = [v for r, v in shares.items() if r not in named]
        detail = "; ".join(f"{r} {v:.1f}%" for r, v in sorted(shares.items(), key=lambda kv: -kv[1]))
        if check == "roles_highest":
            return min(inside) - max(outside), min(inside) > max(outside), detail
        return max(inside) - min(outside), max(inside) < min(outside), detail
    raise ValueError(f"finding {row.name}: unknown check {check!r}")


def check_findings(survey: Survey) -> pd.DataFrame:
    """Compare every published finding with the value computed from the respondent data."""
    rows = []
    for ident, row in survey.findings.iterrows():
        _validate_row(survey, str(ident), row)
        computed, passed, detail = _evaluate(survey, row)
        rounding = row["rounding"]
        has_rounding = rounding is not None and not pd.isna(rounding)
        rows.append(
            {
                "id": ident,
                "fact": row["fact"],
                "theme": row["theme"],
                "item": row["item"],
                "wave": row["wave"],
                "wave_note": row["wave_note"],
                "check": row["check"],
                "published": row["published"],
                "value": None if pd.isna(row["value"]) else float(row["value"]),
                "rounding": int(rounding) if has_rounding else None,
                "computed": float(computed),
                "computed_rounded": round_half_up(computed, int(rounding)) if has_rounding else None,
                "detail": detail,
                "passed": bool(passed),
            }
        )
    return pd.DataFrame(rows).set_index("id").astype({"value": object, "computed": object})


def _number(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}"


def describe_check(row: pd.Series) -> str:
    """Say in words what the check of a findings row requires of the data."""
    check, item, population = row["check"], row["item"], row["population"]
    subject = f"the share answering {row['category']} to {item} ({population}, {row['wave']})"
    if check in {"share", "change"}:
        what = subject if check == "share" else f"the change in {subject}, in points"
        return f"{check}: {what}, rounded to {int(row['rounding'])} decimal(s), must equal {row['value']:g}"
    if check == "about":
        return f"about: {subject} must be within {row['tolerance']:g} points of {row['value']:g}"
    if check == "majority":
        return f"majority: {subject} must be above 50 %"
    if check == "greater":
        return f"greater: {subject} must be above the share answering {row['versus']}"
    if check == "balanced":
        within = f"within {row['tolerance']:g} points"
        return f"balanced: {subject} must be {within} of the share answering {row['versus']}"
    if check == "increase":
        return f"increase: {subject} must be higher in the later year"
    if check == "decrease_not_significant":
        return (
            f"decrease_not_significant: {subject} must be lower in the later year, with a two-proportion "
            f"z-test p of at least {stats.ALPHA:g}"
        )
    extreme = "highest" if check == "roles_highest" else "lowest"
    return (
        f"{check}: the roles {population} must have the {extreme} shares answering {row['category']} "
        f"to {item} ({row['wave']}) of all roles"
    )


def _computed(result: pd.Series) -> str:
    """The computed value of a checked finding, in the unit of its check, with the numbers behind it."""
    check = result["check"]
    rounded = result["computed_rounded"]
    at_rounding = "" if rounded is None or pd.isna(rounded) else f" ({rounded:g} at the published rounding)"
    if check in {"share", "about", "majority"}:
        return f"{_number(result['computed'])} %{at_rounding}"
    if check == "change":
        return f"{result['computed']:+.1f} points{at_rounding}; {result['detail']}"
    if check in {"greater", "balanced"}:
        return f"{result['detail']} (difference {result['computed']:+.1f} points)"
    return str(result["detail"])


def failure_line(survey: Survey, ident: str, result: pd.Series) -> str:
    """One line for a failed finding: id, file and row, published claim, computed value, the check."""
    value = "" if _missing(result["value"]) else f" (value {result['value']:g})"
    return (
        f"finding {ident} ({_where(survey, ident)}): published {result['published']!r}{value}; "
        f"computed {_computed(result)}; failed check {describe_check(survey.findings.loc[ident])}"
    )


def verify_findings(survey: Survey) -> pd.DataFrame:
    """Return :func:`check_findings` if every finding holds; else raise :class:`FindingsNotHeld`."""
    checked = check_findings(survey)
    failed = checked.index[~checked["passed"]]
    if len(failed):
        lines = [f"{len(failed)} published finding(s) not reproduced by the survey data:"]
        lines += [failure_line(survey, str(ident), checked.loc[ident]) for ident in failed]
        raise FindingsNotHeld(lines, [str(ident) for ident in failed])
    return checked
