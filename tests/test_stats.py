"""Survey statistics agree with statsmodels/scipy called directly, and return glue-ready values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint, proportions_ztest

from ccg_leadership.survey import stats
from ccg_leadership.survey.data import load_survey

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEY = load_survey(DATA)
RAW = pd.read_csv(DATA / "survey" / "responses.csv", dtype={"respondent_id": str, "role": str})


def tally(item: str, wave: int, codes: list[int], roles: list[str] | None = None) -> tuple[int, int]:
    rows = RAW[RAW["wave"] == wave]
    if roles is not None:
        rows = rows[rows["role"].isin(roles)]
    answered = rows[item].dropna()
    return int(answered.isin(codes).sum()), int(len(answered))


def test_share_by_wave_matches_counts_and_wilson() -> None:
    frame = stats.share_by_wave(SURVEY, "vision_setter", 3)
    assert list(frame.index) == [2014, 2016]
    for wave in (2014, 2016):
        count, n = tally("vision_setter", wave, [3])
        low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
        row = frame.loc[wave]
        assert (row["count"], row["n"]) == (count, n)
        assert row["share"] == pytest.approx(100 * count / n)
        assert (row["low"], row["high"]) == pytest.approx((100 * low, 100 * high))
        assert "Wilson" in row["method"]
        assert type(row["share"]) is float and type(row["n"]) is int
    assert list(frame["provenance"]) == ["reported", "reported"]  # 33 % and 54 % are published


def test_share_provenance_is_derived_when_nothing_is_published() -> None:
    frame = stats.share_by_wave(SURVEY, "comm_public", "4|5")
    assert set(frame["provenance"]) == {"derived"}
    assert frame.attrs["interval_provenance"] == "derived"
    managers = stats.share_by_wave(SURVEY, "primary_care_link", 1, population="managers")
    assert managers.loc[2016, "provenance"] == "reported" and managers.loc[2014, "provenance"] == "derived"


def test_wave_change_matches_newcombe_and_z_test() -> None:
    change = stats.wave_change(SURVEY, "vision_setter", 3)
    c1, n1 = tally("vision_setter", 2014, [3])
    c2, n2 = tally("vision_setter", 2016, [3])
    low, high = confint_proportions_2indep(c2, n2, c1, n1, method="newcomb", compare="diff")
    z, p = proportions_ztest(np.array([c2, c1]), np.array([n2, n1]))
    assert change.difference == pytest.approx(100 * (c2 / n2 - c1 / n1))
    assert (change.low, change.high) == pytest.approx((100 * low, 100 * high))
    assert (change.z, change.p_value) == pytest.approx((z, p))
    assert change.significant is True and change.provenance == "reported"
    assert type(change.p_value) is float and type(change.n_first) is int
    assert change.as_frame().loc[0, "difference"] == pytest.approx(change.difference)


def test_vision_shift_significant_but_centrality_fall_not() -> None:
    assert stats.wave_change(SURVEY, "vision_setter", 3).p_value < 0.05
    centrality = stats.wave_change(SURVEY, "leadership_centrality", [3, 4])
    assert centrality.difference < 0
    assert centrality.p_value >= 0.05 and centrality.significant is False
    assert centrality.low < 0 < centrality.high


def test_distribution_in_codebook_order_with_wilson_intervals() -> None:
    frame = stats.distribution(SURVEY, "plans_exceed_change", wave=2016)
    assert list(frame["code"]) == [1, 2, 3, 4, 5]
    assert list(frame["label"])[0] == "Strongly disagree"
    counts = RAW.loc[RAW["wave"] == 2016, "plans_exceed_change"].dropna().astype(int).value_counts()
    n = int(counts.sum())
    for _, row in frame.iterrows():
        low, high = proportion_confint(int(counts.get(row["code"], 0)), n, method="wilson")
        assert row["count"] == counts.get(row["code"], 0) and row["n"] == n
        assert (row["low"], row["high"]) == pytest.approx((100 * low, 100 * high))
    assert sum(frame["share"]) == pytest.approx(100)
    assert max(frame["share"]) <= 40  # the report's agreement chart tops out at 40 %
    both = stats.distribution(SURVEY, "vision_setter")
    assert sorted(set(both["wave"])) == [2014, 2016]


def test_compare_distributions_matches_scipy_chi_square() -> None:
    result = stats.compare_distributions(SURVEY, "leadership_centrality")
    table = np.array(
        [[tally("leadership_centrality", w, [c])[0] for c in (1, 2, 3, 4)] for w in (2014, 2016)]
    )
    expected = sps.chi2_contingency(table, correction=False)
    assert result.method == "Pearson chi-square"
    assert (result.statistic, result.p_value, result.dof) == pytest.approx(
        (expected.statistic, expected.pvalue, expected.dof)
    )
    assert result.min_expected >= 5


def test_compare_distributions_falls_back_when_sparse(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    path = root / "survey" / "responses.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    lay = frame[frame["role"] == "lay_member"]
    small = pd.concat([lay[lay["wave"] == "2014"].head(12), lay[lay["wave"] == "2016"].head(12)])
    small.to_csv(path, index=False, lineterminator="\n")
    result = stats.compare_distributions(load_survey(root), "collaboration_builder")
    assert result.min_expected < 5
    table = np.array(
        [
            [
                int((small.loc[small["wave"] == w, "collaboration_builder"] == str(c)).sum())
                for c in (1, 2, 3, 4)
            ]
            for w in ("2014", "2016")
        ]
    )
    table = table[:, table.sum(axis=0) > 0]
    if table.shape == (2, 2):
        assert result.method == "Fisher exact test"
        assert result.p_value == pytest.approx(sps.fisher_exact(table).pvalue)
    else:
        assert "permutation" in result.method
        assert result.statistic == pytest.approx(sps.chi2_contingency(table, correction=False).statistic)
        assert 0 < result.p_value <= 1
        again = stats.compare_distributions(load_survey(root), "collaboration_builder")
        assert again.p_value == result.p_value  # seeded


def test_by_role_matches_counts_and_is_derived() -> None:
    frame = stats.by_role(SURVEY, "ccg_relative_influence", "4|5", 2016)
    assert list(frame.index)[:2] == ["chair", "accountable_officer"]
    for role, row in frame.iterrows():
        count, n = tally("ccg_relative_influence", 2016, [4, 5], [role])
        assert (row["n"], row["count"]) == (n, count)
        assert row["share"] == pytest.approx(100 * count / n)
    assert set(frame["provenance"]) == {"derived"}
    assert set(frame["suppressed"]) == {""}


def test_round_half_up_and_codes() -> None:
    assert stats.round_half_up(32.5) == 33.0 and stats.round_half_up(0.125, 2) == 0.13
    assert stats.codes("4|5") == stats.codes([5, 4]) == (4, 5) and stats.codes(3) == (3,)
    with pytest.raises(KeyError, match="no survey item"):
        stats.share_by_wave(SURVEY, "not_an_item", 1)


def test_options_can_be_named_by_key_and_unknown_options_are_refused() -> None:
    by_code = stats.share_by_wave(SURVEY, "vision_setter", 3)
    by_key = stats.share_by_wave(SURVEY, "vision_setter", "both_equally")
    assert by_key.equals(by_code)
    change = stats.wave_change(SURVEY, "leadership_centrality", "significant_proportion|nearly_all")
    assert change.difference == stats.wave_change(SURVEY, "leadership_centrality", [3, 4]).difference
    with pytest.raises(KeyError, match="no option agreee; options: strongly_disagree"):
        stats.by_role(SURVEY, "plans_exceed_change", "agreee", 2016)
    with pytest.raises(KeyError, match=r"no option code \[7\]"):
        stats.share_by_wave(SURVEY, "plans_exceed_change", 7)


def test_wave_change_refuses_an_empty_group(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    path = root / "survey" / "responses.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[~((frame["wave"] == "2014") & (frame["role"] == "chair"))]
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(ValueError, match="no answers from 'chair' in 2014"):
        stats.wave_change(load_survey(root), "vision_setter", 3, population="chair")
    with pytest.raises(ValueError, match="no answers to 'vision_setter' from 'chair'"):
        stats.distribution(load_survey(root), "vision_setter", 2014, population="chair")
    assert "chair" not in stats.by_role(load_survey(root), "vision_setter", 3, 2014).index


def test_vectorised_wilson_equals_one_statsmodels_call_per_interval() -> None:
    pairs = [(c, n) for n in range(1, 61) for c in range(n + 1)] + [(0, 1280), (1280, 1280), (17, 641)]
    expected = [
        tuple(100 * float(v) for v in proportion_confint(c, n, alpha=0.05, method="wilson")) for c, n in pairs
    ]
    # one vectorised call for all the new pairs; identical floats, not merely close ones
    assert stats.wilson_intervals([c for c, _ in pairs], [n for _, n in pairs]) == expected
    assert [stats.wilson(c, n) for c, n in pairs[::97]] == expected[::97]
    repeated = stats.wilson_intervals([5, 3, 5], [40, 40, 40])  # order kept, repeats allowed
    assert repeated == [stats.wilson(5, 40), stats.wilson(3, 40), stats.wilson(5, 40)]
    assert stats.wilson_intervals([], []) == []


@pytest.mark.parametrize("population", ["all", "managers", "gp_member", "chair|lay_member"])
def test_answer_counts_equal_the_raw_answers(population: str) -> None:
    roles = {"all": None, "managers": ["accountable_officer", "chief_finance_officer", "other_manager"]}.get(
        population, population.split("|")
    )
    for item in ("vision_setter", "ccg_relative_influence", "primary_care_link"):
        for wave in (2014, 2016):
            rows = RAW[RAW["wave"] == wave]
            if roles is not None:
                rows = rows[rows["role"].isin(roles)]
            raw = rows[item].dropna().astype(int).value_counts()
            assert stats.answer_counts(SURVEY, item, wave, population) == {
                int(k): int(v) for k, v in raw.items()
            }
    with pytest.raises(KeyError, match=r"no answers to 'vision_setter' in wave 2015; waves: \[2014, 2016\]"):
        stats.answer_counts(SURVEY, "vision_setter", 2015)
    with pytest.raises(KeyError, match="no survey item"):
        stats.answer_counts(SURVEY, "not_an_item", 2016)


def test_statistics_follow_an_edited_respondent_file(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    before = stats.share_by_wave(load_survey(root), "vision_setter", 3)
    assert before.loc[2016, "share"] < 100
    path = root / "survey" / "responses.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["wave"] == "2016", "vision_setter"] = "3"
    frame.to_csv(path, index=False, lineterminator="\n")
    after = stats.share_by_wave(load_survey(root), "vision_setter", 3)
    assert after.loc[2016, "share"] == 100 and after.loc[2016, "n"] == int((frame["wave"] == "2016").sum())
    assert after.loc[2014, "count"] == before.loc[2014, "count"]
    assert stats.answer_counts(load_survey(root), "vision_setter", 2016) == {3: after.loc[2016, "n"]}
