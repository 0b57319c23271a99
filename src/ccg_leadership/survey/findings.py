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
"""

from __future__ import annotations

import pandas as pd

from ..rounding import round_half_up
from . import stats
from .data import Survey


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
