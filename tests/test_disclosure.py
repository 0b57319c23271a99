"""Disclosure control hides what it should and nothing more (hand-made frames, hand-checked results)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ccg_leadership.survey import disclosure, stats
from ccg_leadership.survey.data import load_survey

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEY = load_survey(DATA)
P, S = disclosure.PRIMARY, disclosure.SECONDARY


def reasons(rows: list[list[int]], *, row_totals: bool, column_totals: bool) -> list[list[str]]:
    frame = pd.DataFrame(rows)
    return disclosure.suppression_reasons(
        frame, row_totals=row_totals, column_totals=column_totals
    ).values.tolist()


def test_nothing_is_hidden_without_low_counts() -> None:
    assert reasons([[0, 5, 12], [30, 9, 0]], row_totals=True, column_totals=True) == [
        ["", "", ""],
        ["", "", ""],
    ]


def test_low_counts_are_primary_and_zero_or_five_are_not() -> None:
    assert reasons([[1], [4], [0], [5]], row_totals=False, column_totals=False) == [[P], [P], [""], [""]]


def test_lone_suppressed_cell_in_a_column_gets_a_secondary_partner() -> None:
    # the total 46 is published: 3 = 46 - 20 - 15 - 8 unless another cell goes; the smallest positive (8) goes
    assert reasons([[20], [3], [15], [8], [0]], row_totals=False, column_totals=True) == [
        [""],
        [P],
        [""],
        [S],
        [""],
    ]


def test_two_primary_cells_need_no_secondary() -> None:
    assert reasons([[20], [3], [2], [15]], row_totals=False, column_totals=True) == [[""], [P], [P], [""]]


def test_secondary_suppression_along_rows_and_columns() -> None:
    assert reasons([[10, 3, 12], [8, 9, 11]], row_totals=True, column_totals=False) == [
        [S, P, ""],
        ["", "", ""],
    ]
    assert reasons([[10, 3, 12], [8, 9, 11]], row_totals=True, column_totals=True) == [[S, P, ""], [S, S, ""]]


def test_ties_go_to_the_first_cell_in_display_order() -> None:
    assert reasons([[7], [2], [7]], row_totals=False, column_totals=True) == [[S], [P], [""]]


def test_plain_grid_gives_the_same_reasons_as_a_frame() -> None:
    grid = [[0, 3, 12], [7, 1, 2], [4, 0, 9]]
    expected = [["", P, S], [S, P, P], [P, "", S]]  # worked by hand: rows then columns, until stable
    assert disclosure.suppression_status(grid, row_totals=True, column_totals=True).tolist() == expected
    assert reasons(grid, row_totals=True, column_totals=True) == expected
    assert disclosure.suppression_status(grid, row_totals=False, column_totals=False).tolist() == [
        ["", P, ""],
        ["", P, P],
        [P, "", ""],
    ]
    assert disclosure.suppression_status([], row_totals=True, column_totals=True).shape == (0, 0)


def test_small_base_rule() -> None:
    assert disclosure.share_hidden(9) and not disclosure.share_hidden(10)


@pytest.fixture
def small_survey(tmp_path: Path) -> Path:
    """A 2016 wave of 118 respondents answering only collaboration_builder, built by hand."""
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    columns = pd.read_csv(root / "survey" / "responses.csv", nrows=0).columns
    plan = {  # role: (respondents, how many answer option 1; the rest answer option 2)
        "chair": (6, 5),
        "accountable_officer": (20, 3),
        "chief_finance_officer": (12, 0),
        "gp_member": (30, 12),
        "other_clinical": (15, 7),
        "lay_member": (10, 9),
        "other_manager": (25, 20),
    }
    rows, number = [], 0
    for role, (size, yes) in plan.items():
        for i in range(size):
            number += 1
            row = dict.fromkeys(columns, "")
            row.update(respondent_id=f"S16-{number:04d}", wave="2016", role=role)
            row["collaboration_builder"] = "1" if i < yes else "2"
            rows.append(row)
    pd.DataFrame(rows, columns=columns).to_csv(
        root / "survey" / "responses.csv", index=False, lineterminator="\n"
    )
    return root


def test_by_role_hides_what_it_should_and_nothing_more(small_survey: Path) -> None:
    frame = stats.by_role(load_survey(small_survey), "collaboration_builder", 1, 2016)
    assert frame["suppressed"].to_dict() == {
        "chair": S,  # smallest positive count left once the accountable officers' 3 is hidden
        "accountable_officer": P,
        "chief_finance_officer": "",
        "gp_member": "",
        "other_clinical": "",
        "lay_member": "",
        "other_manager": "",
    }
    for role in ("chair", "accountable_officer"):
        assert frame.loc[role, "count"] is None and frame.loc[role, "share"] is None
        assert frame.loc[role, "count_display"] == frame.loc[role, "share_display"] == "[c]"
    assert (
        frame.loc["chief_finance_officer", "count"] == 0
        and frame.loc["chief_finance_officer", "share"] == 0.0
    )
    assert (
        frame.loc["gp_member", "share"] == pytest.approx(40.0)
        and frame.loc["gp_member", "share_display"] == "40"
    )
    # lay members: base exactly 10 still gets a percentage
    assert frame.loc["lay_member", "share"] == pytest.approx(90.0)
    assert list(frame["n"]) == [6, 20, 12, 30, 15, 10, 25]


def test_small_base_hides_the_share_but_not_a_safe_count(small_survey: Path) -> None:
    path = small_survey / "survey" / "responses.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[frame["role"] == "accountable_officer", "collaboration_builder"] = "1"  # 20 of 20: no low count
    frame.to_csv(path, index=False, lineterminator="\n")
    table = stats.by_role(load_survey(small_survey), "collaboration_builder", 1, 2016)
    assert set(table["suppressed"]) == {""}
    chair = table.loc["chair"]
    assert (chair["count"], chair["count_display"]) == (5, "5")
    assert chair["share"] is None and chair["low"] is None and chair["share_display"] == disclosure.NOT_SHOWN


def test_distribution_by_role_protects_every_published_total(small_survey: Path) -> None:
    table = stats.distribution(load_survey(small_survey), "collaboration_builder", wave=2016, by="role")
    truth = load_survey(small_survey).responses
    counts = truth.groupby(["role", "response"]).size()
    for _, row in table.iterrows():
        true = int(counts.get((row["role"], row["code"]), 0))
        if disclosure.is_low_count(true):
            assert row["suppressed"] == P
        elif row["suppressed"] != S:
            assert row["count"] == true and row["suppressed"] == ""
    hidden = table[table["suppressed"] != ""]
    assert hidden["count"].isna().all() and (hidden["count_display"] == "[c]").all()
    for key in ("role", "code"):  # no line with a published total has exactly one hidden cell
        per_line = table.assign(h=table["suppressed"] != "").groupby(key)["h"].sum()
        assert not (per_line == 1).any(), per_line
    # accountable officers: 3 answer option 1 and 17 option 2; both cells must go (row total 20 is shown)
    officers = table[table["role"] == "accountable_officer"].set_index("code")["suppressed"]
    assert officers.to_dict() == {1: P, 2: S, 3: "", 4: ""}


def test_role_breakdown_over_both_waves_protects_each_wave_separately() -> None:
    table = stats.distribution(SURVEY, "ccg_relative_influence", by="role")
    hidden = table.assign(h=table["suppressed"] != "")
    assert hidden["h"].any()
    for key in (["wave", "role"], ["wave", "code"]):
        per_line = hidden.groupby(key)["h"].sum()
        assert not (per_line == 1).any(), per_line[per_line == 1]
    assert hidden.loc[hidden["h"], "count"].isna().all()


def test_subgroup_shares_are_controlled_but_whole_wave_tables_are_not(small_survey: Path) -> None:
    officers = stats.share_by_wave(
        load_survey(small_survey), "collaboration_builder", 1, population="accountable_officer"
    )
    assert officers.loc[2016, "suppressed"] == P and officers.loc[2016, "count"] is None
    everyone = stats.share_by_wave(load_survey(small_survey), "collaboration_builder", 1)
    assert everyone.loc[2016, "count"] == 56 and everyone.loc[2016, "suppressed"] == ""
    table = stats.distribution(
        load_survey(small_survey), "collaboration_builder", 2016, population="accountable_officer"
    )
    assert table.set_index("code")["suppressed"].to_dict() == {1: P, 2: S, 3: "", 4: ""}
    whole = stats.distribution(load_survey(small_survey), "collaboration_builder", 2016)
    assert set(whole["suppressed"]) == {""}


def test_wave_change_flags_disclosive_subgroup_counts() -> None:
    data = SURVEY.responses
    answers = data[data["item"] == "collaboration_builder"]
    for role in ("chair", "lay_member"):
        mine = answers[answers["role"] == role]
        counts = [int(((mine["wave"] == w) & (mine["response"] == 3)).sum()) for w in (2014, 2016)]
        expected = any(1 <= c <= 4 for c in counts)
        assert stats.wave_change(SURVEY, "collaboration_builder", 3, population=role).disclosive is expected
    assert stats.wave_change(SURVEY, "collaboration_builder", 3).disclosive is False
