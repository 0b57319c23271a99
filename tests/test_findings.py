"""Every published finding is reproduced by the package's computations from the respondent rows.

Oracles: the fact sheet's published percentages (typed here from the fact sheet, section 4) and plain
pandas counts of the raw CSV, independent of the package's statistics code.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from ccg_leadership.survey.data import load_survey
from ccg_leadership.survey.findings import check_findings

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEY = load_survey(DATA)
RAW = pd.read_csv(DATA / "survey" / "responses.csv", dtype={"respondent_id": str, "role": str})
MANAGERS = ["accountable_officer", "chief_finance_officer", "other_manager"]

# (fact-sheet id, item, wave, roles or None, option codes, published whole percent)
PUBLISHED_SHARES = [
    ("Q1", "vision_setter", 2014, None, [3], 33),
    ("Q2", "vision_setter", 2016, None, [3], 54),
    ("Q3", "leadership_centrality", 2016, None, [4], 35),
    ("Q4", "leadership_centrality", 2016, None, [3], 25),
    ("Q4a", "leadership_centrality", 2016, None, [3, 4], 60),
    ("Q6", "primary_care_link", 2016, MANAGERS, [1], 40),
    ("Q7", "collaboration_builder", 2016, None, [1], 43),
    ("Q8", "collaboration_builder", 2016, None, [2], 51),
    ("Q9", "collaboration_builder", 2016, None, [3], 5),
    ("Q9a", "collaboration_builder", 2016, None, [1, 2, 3], 99),
    ("Q10", "plans_exceed_change", 2016, None, [4, 5], 55),
]


def whole_percent(value: float) -> int:
    return int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def raw_share(item: str, wave: int, codes: list[int], roles: list[str] | None = None) -> float:
    rows = RAW[RAW["wave"] == wave]
    if roles is not None:
        rows = rows[rows["role"].isin(roles)]
    answered = rows[item].dropna()
    return 100 * answered.isin(codes).sum() / len(answered)


def test_findings_file_lists_every_fact_sheet_finding() -> None:
    findings = SURVEY.findings
    expected = {f"Q{i}" for i in range(1, 22)} | {"Q2a", "Q2b", "Q4a", "Q9a"}
    assert expected <= set(findings["fact"])
    assert set(findings.loc[["Q2a", "Q9a"], "tag"]) == {"I"}
    assert findings.loc["Q12", "source"] == "S6"
    undated = findings[findings["wave_note"].str.contains("not stated")]
    assert len(undated) >= 15 and all("assumed" in note for note in undated["wave_note"])


@pytest.mark.parametrize(("fact", "item", "wave", "roles", "codes", "published"), PUBLISHED_SHARES)
def test_published_percentages_from_raw_counts(fact, item, wave, roles, codes, published) -> None:
    assert whole_percent(raw_share(item, wave, codes, roles)) == published, fact
    row = SURVEY.findings.loc[fact]
    assert (row["item"], int(row["wave"]), int(row["value"])) == (item, wave, published)


def test_published_change_and_about_half_from_raw_counts() -> None:
    change = raw_share("vision_setter", 2016, [3]) - raw_share("vision_setter", 2014, [3])
    assert whole_percent(change) == 54 - 33
    assert abs(raw_share("nhse_influence", 2014, [4, 5]) - 50) <= 5  # "about half" (Q12)
    assert raw_share("ccg_relative_influence", 2016, [4, 5]) > 50  # majority (Q11)
    assert raw_share("commissioning_worth_keeping", 2016, [4, 5]) > 50  # majority (Q21)


def test_directional_findings_from_raw_counts() -> None:
    influence = {r: raw_share("ccg_relative_influence", 2016, [4, 5], [r]) for r in RAW["role"].unique()}
    positive = [influence["chair"], influence["accountable_officer"]]
    sceptical = [influence["chief_finance_officer"], influence["gp_member"]]
    others = [
        v
        for r, v in influence.items()
        if r not in {"chair", "accountable_officer", "chief_finance_officer", "gp_member"}
    ]
    assert min(positive) > max(others) >= min(others) > max(sceptical)  # Q16, Q17
    redesign = {r: raw_share("gp_influence_redesign", 2016, [4, 5], [r]) for r in RAW["role"].unique()}
    assert min(redesign, key=redesign.get) == "gp_member"  # Q18
    assert raw_share("vision_setter", 2016, [2]) > raw_share("vision_setter", 2016, [1])  # Q2b
    for item in ("comm_secondary_care", "comm_public"):  # Q14, Q15
        assert raw_share(item, 2016, [4, 5]) > raw_share(item, 2014, [4, 5])
    centrality = [raw_share("leadership_centrality", w, [3, 4]) for w in (2014, 2016)]
    assert centrality[1] < centrality[0]  # Q5 direction
    assert (
        abs(
            raw_share("gp_vs_manager_influence", 2016, [4, 5])
            - raw_share("gp_vs_manager_influence", 2016, [1, 2])
        )
        <= 5
    )


def test_check_findings_passes_every_row_and_agrees_with_raw_counts() -> None:
    result = check_findings(SURVEY)
    assert len(result) == len(SURVEY.findings)
    assert result["passed"].all(), result[~result["passed"]].to_string()
    for fact, item, wave, roles, codes, published in PUBLISHED_SHARES:
        assert result.loc[fact, "computed"] == pytest.approx(raw_share(item, wave, codes, roles))
        assert result.loc[fact, "computed_rounded"] == published


def test_check_findings_fails_when_data_disagree(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    path = root / "published" / "findings.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace(",share,33%,33,", ",share,33%,34,"), encoding="utf-8"
    )
    result = check_findings(load_survey(root))
    assert not result.loc["Q1", "passed"]
    assert result.drop(index="Q1")["passed"].all()
