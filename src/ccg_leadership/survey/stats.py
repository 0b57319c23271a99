"""Survey statistics, computed from the respondent rows with statsmodels and scipy.

Every function takes the loaded :class:`~ccg_leadership.survey.data.Survey` and an item id from the
codebook; ``category`` is one option code or key, or
several counted together (a list of codes, or a string such as ``"4|5"`` or ``"agree|strongly_agree"``;
keys are in ``data/survey/codebook.csv``); ``population`` is ``"all"``, ``"managers"``
(accountable officers, chief finance officers, other managers) or role ids joined by ``|``. Shares are
percentages of those who answered the item, as plain Python floats; counts are plain ints, so values
can go straight into myst-nb ``glue``.

Methods (stated once in the statistical-methods appendix):

- ``share_by_wave``: share per wave with a Wilson score 95 % interval
  (``statsmodels.stats.proportion.proportion_confint(method="wilson")``).
- ``wave_change``: difference between waves (second minus first, percentage points) with a Newcombe
  hybrid-score 95 % interval (``confint_proportions_2indep(method="newcomb")``) and a pooled
  two-proportion z-test (``proportions_ztest``); ``significant`` means p < 0.05.
- ``distribution``: share of every option (codebook order) with Wilson intervals, per wave, optionally
  by role, with disclosure control (``ccg_leadership.disclosure``).
- ``compare_distributions``: Pearson chi-square test of the wave-by-option table
  (``scipy.stats.chi2_contingency``, no continuity correction); if any expected count is below 5, a
  2 x 2 table uses Fisher's exact test and a larger table a Monte Carlo permutation version of the
  chi-square test (fixed seed, ``PERMUTATIONS`` resamples).
- ``by_role``: share per role with Wilson intervals and disclosure control applied.

Speed: the Survey holds the answers counted once (by item, wave, role and option, ``answer_counts``);
every statistic adds up those counts, and each table's Wilson intervals are
computed in one vectorised statsmodels call (``wilson_intervals``, memoised by count and base).

Provenance: a share is ``reported`` when a published finding (``data/published/findings.csv``, check
``share`` or ``change``) is about the same item, wave, population and categories and the computed value
equals it at the published rounding; otherwise ``derived``. Intervals, tests and role breakdowns are
always ``derived`` (they depend on the assumed sample sizes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from ..provenance import Provenance
from ..rounding import round_half_up
from . import disclosure
from .data import Survey

ALPHA = 0.05
PERMUTATIONS = 9999
MIN_EXPECTED = 5
PERMUTATION_SEED = 2018


def interval_level() -> float:
    """Return the confidence level of every interval, in percent (``100 * (1 - ALPHA)``): its one source."""
    return float(round((1 - ALPHA) * 100, 6))


def alpha_pct() -> float:
    """Return the significance level of every test, in percent (``100 * ALPHA``): its one source."""
    return float(round(ALPHA * 100, 6))


LEVEL = f"{interval_level():g}%"
"""The interval level as every chart, table and alt text prints it (e.g. ``95%``)."""
ALPHA_TEXT = f"{alpha_pct():g}%"
"""The significance level as tables print it (e.g. ``5%``)."""
WILSON = f"Wilson score {LEVEL} interval"
NEWCOMBE = f"Newcombe hybrid score {LEVEL} interval; pooled two-proportion z-test"

Category = int | str | Iterable[int]


def codes(category: Category) -> tuple[int, ...]:
    """Normalise a category (``3``, ``"3|4"``, ``[3, 4]``) to a sorted tuple of option codes."""
    if isinstance(category, int):
        return (category,)
    if isinstance(category, str):
        return tuple(sorted(int(c) for c in category.split("|")))
    return tuple(sorted(int(c) for c in category))


def resolve(survey: Survey, item: str, category: Category) -> tuple[int, ...]:
    """Return the option codes of ``category`` for ``item``, accepting codes or option keys.

    ``3``, ``"3"``, ``"both_equally"``, ``"agree|strongly_agree"``, ``[4, 5]`` are all accepted; a
    code or key the codebook does not list for the item raises KeyError naming the valid ones.
    """
    keys = survey.option_codes(item)
    parts = category.split("|") if isinstance(category, str) else None
    if parts is not None and not all(p.strip().isdigit() for p in parts):
        unknown = [p for p in parts if p not in keys]
        if unknown:
            raise KeyError(f"{item}: no option {', '.join(unknown)}; options: {', '.join(keys)}")
        return tuple(sorted(keys[p] for p in parts))
    wanted = codes(category)
    unknown = [c for c in wanted if c not in keys.values()]
    if unknown or not wanted:
        valid = ", ".join(f"{c} ({k})" for k, c in keys.items())
        raise KeyError(f"{item}: no option code {unknown or category!r}; options: {valid}")
    return wanted


def answers(survey: Survey, item: str, wave: int | None = None, population: str = "all") -> pd.DataFrame:
    """Return the answers to ``item`` (columns wave, role, response) for a wave and population."""
    survey.option_codes(item)  # KeyError naming the known items if ``item`` is not one
    frame = survey.answers.get(item)
    if frame is None:
        frame = survey.responses.iloc[:0][["wave", "role", "response"]]
    if wave is not None:
        if int(wave) not in set(frame["wave"]):
            raise KeyError(f"no answers to {item!r} in wave {wave}; waves: {sorted(set(frame['wave']))}")
        frame = frame[frame["wave"] == int(wave)]
    members = survey.population_roles(population)
    if members is not None:
        frame = frame[frame["role"].isin(members)]
    return frame.copy()


def _cells(
    survey: Survey, item: str, wave: int | None, population: str
) -> dict[tuple[int, str], dict[int, int]]:
    """Answer counts per code in each (wave, role) of ``population``, checked exactly as :func:`answers`."""
    survey.option_codes(item)
    table = survey.tallies.get(item, {})
    if wave is not None:
        if not any(w == int(wave) for w, _ in table):
            answers(survey, item, wave, population)  # raises the KeyError naming the item's waves
        table = {key: counts for key, counts in table.items() if key[0] == int(wave)}
    members = survey.population_roles(population)
    if members is not None:
        keep = set(members)
        table = {key: counts for key, counts in table.items() if key[1] in keep}
    return table


def _per_wave(cells: dict[tuple[int, str], dict[int, int]]) -> dict[int, dict[int, int]]:
    """Add up the roles: answer counts per code in each wave (waves in ascending order)."""
    waves: dict[int, dict[int, int]] = {}
    for (wave, _role), counts in sorted(cells.items()):
        total = waves.setdefault(wave, {})
        for code, count in counts.items():
            total[code] = total.get(code, 0) + count
    return waves


def _count(counts: dict[int, int], category: tuple[int, ...]) -> tuple[int, int]:
    """Return (count in category, base n) from answer counts per code."""
    return sum(counts.get(code, 0) for code in set(category)), sum(counts.values())


def answer_counts(survey: Survey, item: str, wave: int, population: str = "all") -> dict[int, int]:
    """Return the number of answers per option code to ``item`` in ``wave`` from ``population``.

    The same counts as ``answers(survey, item, wave, population)["response"].value_counts()`` (and
    the same errors), from the Survey's tallies.
    """
    return _per_wave(_cells(survey, item, wave, population)).get(int(wave), {})


def count_share(responses: pd.Series, category: Category) -> tuple[int, int]:
    """Return (count in category, base n) for a series of option codes."""
    return int(responses.isin(codes(category)).sum()), int(len(responses))


_WILSON: dict[tuple[int, int], tuple[float, float]] = {}
"""Memoised Wilson intervals (percent) by (count, n)."""


def wilson(count: int, n: int) -> tuple[float, float]:
    """Return the Wilson score 95 % interval of count/n in percent (statsmodels; memoised)."""
    return wilson_intervals([count], [n])[0]


def wilson_intervals(counts: Iterable[int], ns: Iterable[int]) -> list[tuple[float, float]]:
    """Return the Wilson 95 % intervals (percent) of many count/n pairs, in order.

    Pairs not computed before go to statsmodels' ``proportion_confint`` in one vectorised call; the
    values are identical to one call per pair (the same float operations, element by element).
    """
    pairs = [(int(c), int(n)) for c, n in zip(counts, ns, strict=True)]
    new = sorted({pair for pair in pairs if pair not in _WILSON})
    if new:
        low, high = proportion_confint(
            np.array([c for c, _ in new]), np.array([n for _, n in new]), alpha=ALPHA, method="wilson"
        )
        for pair, lo, hi in zip(new, low, high, strict=True):
            _WILSON[pair] = (float(lo) * 100, float(hi) * 100)
    return [_WILSON[pair] for pair in pairs]


def _published(
    survey: Survey, check: str, item: str, wave: str, population: str, category: Category
) -> list[dict]:
    """Published findings of one check about the same item, wave, population and categories."""
    wanted = codes(category)
    rows = published_index(survey).get((check, item, wave, population), ())
    return [row for row in rows if codes(row["category"]) == wanted]


def published_index(survey: Survey) -> dict[tuple[str, str, str, str], tuple[dict, ...]]:
    """Group the published findings by (check, item, wave, population)."""
    groups: dict[tuple[str, str, str, str], list[dict]] = {}
    for _, row in survey.findings.iterrows():
        key = (row["check"], row["item"], row["wave"], row["population"])
        groups.setdefault(key, []).append(row.to_dict())
    return {key: tuple(rows) for key, rows in groups.items()}


def provenance_of(
    survey: Survey, value: float, check: str, item: str, wave: str, population: str, category: Category
) -> str:
    """Return ``reported`` if ``value`` equals a published finding at its rounding, else ``derived``."""
    return _kind(value, _published(survey, check, item, wave, population, category))


def _kind(value: float, published: Iterable[dict]) -> str:
    """``reported`` if ``value`` equals one of these published findings at its rounding, else ``derived``."""
    for row in published:
        if round_half_up(value, int(row["rounding"])) == float(row["value"]):
            return Provenance.REPORTED.value
    return Provenance.DERIVED.value


class _Shares:
    """Provenance of the shares in one table: the published findings grouped once, on first use."""

    def __init__(self, survey: Survey, item: str, population: str) -> None:
        self.survey, self.item, self.population = survey, item, population
        self._index: dict | None = None

    def kind(self, share: float, wave: int, category: tuple[int, ...]) -> str:
        """Provenance of ``share`` of ``category`` in ``wave`` (check ``share`` of the findings)."""
        if self._index is None:
            self._index = published_index(self.survey)
        rows = self._index.get(("share", self.item, str(wave), self.population), ())
        wanted = codes(category)
        return _kind(share, [row for row in rows if codes(row["category"]) == wanted])


def _prefetch_intervals(cells: Iterable[tuple[int, int, str]]) -> None:
    """Compute the Wilson intervals a table will show ((count, n, reason) per cell) in one call."""
    shown = [(count, n) for count, n, reason in cells if not reason and not disclosure.share_hidden(n)]
    wilson_intervals([c for c, _ in shown], [n for _, n in shown])


def _plain(rows: list[dict], columns: list[str] | None = None) -> pd.DataFrame:
    """Build a frame whose cells stay plain Python ints/floats/None (object columns), ready for glue."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def share_by_wave(survey: Survey, item: str, category: Category, population: str = "all") -> pd.DataFrame:
    """Share answering ``category`` per wave, with a Wilson 95 % interval.

    Returns a frame indexed by wave with n, count, share, low, high (percent), count_display,
    share_display, suppressed, method and provenance (of the share; intervals are always derived).
    Disclosure control: no share on a base below 10; for a subgroup (``population`` other than
    ``"all"``) a count of 1 to 4 is suppressed too (values None, ``[c]`` displayed).
    """
    category = resolve(survey, item, category)
    lines = []
    for wave, counts in _per_wave(_cells(survey, item, None, population)).items():
        count, n = _count(counts, category)
        reason = disclosure.PRIMARY if population != "all" and disclosure.is_low_count(count) else ""
        lines.append((wave, count, n, reason))
    _prefetch_intervals(line[1:] for line in lines)
    shares = _Shares(survey, item, population)
    rows = [
        {"wave": int(wave), **_cell(count, n, reason, partial(shares.kind, wave=wave, category=category))}
        for wave, count, n, reason in lines
    ]
    frame = _plain(rows).set_index("wave")
    frame.attrs["interval_provenance"] = Provenance.DERIVED.value
    return frame


@dataclass(frozen=True)
class WaveChange:
    """Change in a share between two waves (second minus first), with interval and test."""

    item: str
    category: str
    population: str
    first: int
    second: int
    n_first: int
    n_second: int
    count_first: int
    count_second: int
    share_first: float
    share_second: float
    difference: float
    low: float
    high: float
    z: float
    p_value: float
    significant: bool
    disclosive: bool
    """True for a subgroup with a count of 1 to 4 or a base below 10: do not display the counts."""
    method: str
    provenance: str

    def as_frame(self) -> pd.DataFrame:
        """Return the result as a one-row frame."""
        return pd.DataFrame([asdict(self)])


def wave_change(
    survey: Survey,
    item: str,
    category: Category,
    population: str = "all",
    first: int = 2014,
    second: int = 2016,
) -> WaveChange:
    """Difference of shares (second - first, percentage points): Newcombe 95 % interval, z-test p-value.

    Not suppressed (it is a comparison, not a table); ``disclosive`` flags results whose counts must not
    be shown under the disclosure rule.
    """
    category = resolve(survey, item, category)
    c1, n1 = _count(answer_counts(survey, item, first, population), category)
    c2, n2 = _count(answer_counts(survey, item, second, population), category)
    if not n1 or not n2:
        raise ValueError(f"{item}: no answers from {population!r} in {first if not n1 else second}")
    low, high = confint_proportions_2indep(c2, n2, c1, n1, method="newcomb", compare="diff", alpha=ALPHA)
    z, p = proportions_ztest([c2, c1], [n2, n1])
    difference = 100 * (c2 / n2 - c1 / n1)
    label = "|".join(map(str, codes(category)))
    return WaveChange(
        item=item,
        category=label,
        population=population,
        first=int(first),
        second=int(second),
        n_first=n1,
        n_second=n2,
        count_first=c1,
        count_second=c2,
        share_first=100 * c1 / n1,
        share_second=100 * c2 / n2,
        difference=difference,
        low=float(low) * 100,
        high=float(high) * 100,
        z=float(z),
        p_value=float(p),
        significant=bool(p < ALPHA),
        disclosive=population != "all"
        and any(disclosure.is_low_count(c) for c in (c1, c2))
        or min(n1, n2) < disclosure.MIN_BASE,
        method=NEWCOMBE,
        provenance=provenance_of(
            survey, difference, "change", item, f"{first}-{second}", population, category
        ),
    )


def distribution(
    survey: Survey, item: str, wave: int | None = None, by: str | None = None, population: str = "all"
) -> pd.DataFrame:
    """Share of every option of ``item`` (codebook order) per wave, optionally ``by="role"``.

    Returns a tidy frame with columns wave, [role, role_label,] code, key, label, n, count, share, low,
    high, count_display, share_display, suppressed, method, provenance. Disclosure control applies to
    breakdowns (``by="role"`` or a ``population`` other than ``"all"``; row totals = each line's base,
    column totals = each wave's option counts): suppressed cells have count, share, low and high set to
    None and ``[c]`` in the display columns. Shares on bases below 10 are None and shown as ``[x]``.
    ValueError if ``population`` gave no answers (in ``wave``).
    """
    if by not in (None, "role"):
        raise ValueError(f"by must be None or 'role', got {by!r}")
    labels = survey.option_labels(item)
    option_keys = {code: key for key, code in survey.option_codes(item).items()}
    cells = _cells(survey, item, wave, population)
    if by == "role":
        role_table = survey.roles
        order = {r: i for i, r in enumerate(role_table.index)}
        role_labels = {r: str(label) for r, label in role_table["label"].items()}
        lines = sorted(cells.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], len(order)), kv[0][1]))
    else:
        lines = [((w, None), counts) for w, counts in _per_wave(cells).items()]
    if not lines:
        raise ValueError(f"no answers to {item!r} from {population!r} (wave {wave})")
    matrix = [[counts.get(code, 0) for code in labels] for _, counts in lines]
    reasons = _distribution_reasons([key[0] for key, _ in lines], matrix, by == "role", population != "all")
    _prefetch_intervals(
        (count, sum(line), reason)
        for line, line_reasons in zip(matrix, reasons, strict=True)
        for count, reason in zip(line, line_reasons, strict=True)
    )
    shares = _Shares(survey, item, population) if by is None else None
    rows = []
    for ((line_wave, role), _), line, line_reasons in zip(lines, matrix, reasons, strict=True):
        n = sum(line)
        for (code, label), count, reason in zip(labels.items(), line, line_reasons, strict=True):
            row: dict = {"wave": int(line_wave)}
            if by == "role":
                row.update(role=role, role_label=role_labels[role])
            kind_of = None
            if shares is not None:
                kind_of = partial(shares.kind, wave=line_wave, category=(int(code),))
            row.update(_cell(count, n, reason, kind_of), code=int(code), key=option_keys[code], label=label)
            rows.append(row)
    keys = ["wave", "role"] if by == "role" else ["wave"]
    columns = keys + (["role_label"] if by == "role" else []) + ["code", "key", "label"] + list(_CELL_COLUMNS)
    return _plain(rows, columns)


def _distribution_reasons(
    waves: list[int], matrix: list[list[int]], by_role: bool, subgroup: bool
) -> list[list[str]]:
    """Suppression reason per cell of a distribution; each wave is its own table (lines = bases).

    A wave's option counts are the column totals published for that wave; without a breakdown
    (``by_role`` False and the whole sample) nothing is suppressed.
    """
    if not (by_role or subgroup):
        return [["" for _ in line] for line in matrix]
    reasons: list[list[str]] = []
    for wave in dict.fromkeys(waves):
        part = [line for w, line in zip(waves, matrix, strict=True) if w == wave]
        status = disclosure.suppression_status(part, row_totals=True, column_totals=by_role)
        reasons.extend([str(reason) for reason in line] for line in status)
    return reasons


_CELL_COLUMNS = (
    "n",
    "count",
    "share",
    "low",
    "high",
    "count_display",
    "share_display",
    "suppressed",
    "method",
    "provenance",
)


def _cell(count: int, n: int, reason: str, kind_of: Callable[[float], str] | None = None) -> dict:
    """One table cell after disclosure control (values None where hidden).

    ``kind_of(share)`` gives the provenance of a shown share (None: always derived).
    """
    if reason:
        return {
            "n": n,
            "count": None,
            "share": None,
            "low": None,
            "high": None,
            "count_display": disclosure.CONFIDENTIAL,
            "share_display": disclosure.CONFIDENTIAL,
            "suppressed": reason,
            "method": WILSON,
            "provenance": Provenance.DERIVED.value,
        }
    if disclosure.share_hidden(n):
        share = low = high = None
        share_display = disclosure.NOT_SHOWN
    else:
        share = 100 * count / n
        low, high = wilson(count, n)
        share_display = f"{round_half_up(share):.0f}"
    kind = Provenance.DERIVED.value
    if kind_of is not None and share is not None:
        kind = kind_of(share)
    return {
        "n": n,
        "count": count,
        "share": share,
        "low": low,
        "high": high,
        "count_display": str(count),
        "share_display": share_display,
        "suppressed": "",
        "method": WILSON,
        "provenance": kind,
    }


def by_role(survey: Survey, item: str, category: Category, wave: int) -> pd.DataFrame:
    """Share answering ``category`` in each role (display order) for one wave, disclosure-controlled.

    Returns a frame indexed by role with role_label, n, count, share, low, high, count_display,
    share_display, suppressed ("" / "primary" / "secondary"), method, provenance (always derived).
    The whole-wave count (``share_by_wave``) is treated as a published column total, so a lone
    suppressed role count triggers secondary suppression. Suppressed values are None.
    """
    category = resolve(survey, item, category)
    role_table = survey.roles
    cells = _cells(survey, item, wave, "all")
    tallies = {role: _count(counts, category) for (_, role), counts in cells.items()}
    present = [r for r in role_table.index if r in tallies]
    reasons = disclosure.suppression_status(
        [[tallies[r][0]] for r in present], row_totals=False, column_totals=True
    )
    lines = [(*tallies[role], str(reason[0])) for role, reason in zip(present, reasons, strict=True)]
    _prefetch_intervals(lines)
    rows = [
        {"role": role, "role_label": str(role_table.loc[role, "label"]), **_cell(*line)}
        for role, line in zip(present, lines, strict=True)
    ]
    return _plain(rows).set_index("role")


def role_shares(survey: Survey, item: str, category: Category, wave: int) -> dict[str, float]:
    """Unsuppressed share per role (for checks against published role findings, not for display)."""
    category = resolve(survey, item, category)
    shares = {}
    for (_, role), counts in sorted(_cells(survey, item, wave, "all").items()):
        count, n = _count(counts, category)
        shares[role] = 100 * count / n
    return shares


@dataclass(frozen=True)
class DistributionTest:
    """Result of comparing an item's answer distribution between two waves."""

    item: str
    population: str
    first: int
    second: int
    n_first: int
    n_second: int
    statistic: float
    dof: int
    p_value: float
    min_expected: float
    significant: bool
    method: str
    provenance: str


def compare_distributions(
    survey: Survey, item: str, population: str = "all", first: int = 2014, second: int = 2016
) -> DistributionTest:
    """Test whether the answer distribution differs between waves (chi-square; exact if sparse)."""
    codes_ = list(survey.option_labels(item))
    tallies = [answer_counts(survey, item, w, population) for w in (first, second)]
    table = np.array([[counts.get(c, 0) for c in codes_] for counts in tallies])
    table = table[:, table.sum(axis=0) > 0]
    expected = scipy_stats.contingency.expected_freq(table)
    if expected.min() >= MIN_EXPECTED:
        result = scipy_stats.chi2_contingency(table, correction=False)
        statistic, p, dof, method = result.statistic, result.pvalue, int(result.dof), "Pearson chi-square"
    elif table.shape == (2, 2):
        result = scipy_stats.fisher_exact(table)
        statistic, p, dof, method = result.statistic, result.pvalue, 1, "Fisher exact test"
    else:
        permutation = scipy_stats.PermutationMethod(n_resamples=PERMUTATIONS, rng=PERMUTATION_SEED)
        result = scipy_stats.chi2_contingency(table, correction=False, method=permutation)
        statistic, p = result.statistic, result.pvalue
        dof = (table.shape[0] - 1) * (table.shape[1] - 1)
        method = f"chi-square, permutation p-value ({PERMUTATIONS} resamples)"
    return DistributionTest(
        item=item,
        population=population,
        first=int(first),
        second=int(second),
        n_first=int(table[0].sum()),
        n_second=int(table[1].sum()),
        statistic=float(statistic),
        dof=int(dof),
        p_value=float(p),
        min_expected=float(expected.min()),
        significant=bool(p < ALPHA),
        method=method,
        provenance=Provenance.DERIVED.value,
    )
