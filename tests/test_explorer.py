"""The survey explorer: every view is computed, correct against the statistics, and switchable."""

from __future__ import annotations

import html as htmllib
import re
from functools import cache

import pytest

from ccg_leadership.survey import explorer, stats
from ccg_leadership.survey.data import load_survey

SURVEY = load_survey()


@cache
def views() -> tuple[explorer.View, ...]:
    return tuple(explorer.survey_views(SURVEY))


def cell_texts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", html)]


def test_every_item_wave_and_breakdown_has_a_view() -> None:
    items = list(SURVEY.items.index)
    waves = sorted(SURVEY.respondents_per_wave())
    keys = {(v.item, v.wave, v.breakdown) for v in views()}
    expected = {(i, str(w), b) for i in items for w in waves for b in explorer.BREAKDOWNS}
    assert keys == expected
    assert len(views()) == len(items) * len(waves) * len(explorer.BREAKDOWNS)


def test_overall_view_prints_the_distribution_and_marks_published_values() -> None:
    view = next(
        v for v in views() if (v.item, v.wave, v.breakdown) == ("vision_setter", "2016", "All respondents")
    )
    table = stats.distribution(SURVEY, "vision_setter", 2016)
    texts = cell_texts(view.html)
    for row in table.itertuples():
        assert f"{row.share_display}%" in texts
        assert (f"{row.count_display} / {row.n}" in texts) == (row.provenance != "reported")
    # the 54 % "both equally" share is a published figure, so that row says so (fact sheet Q2), and it
    # carries no count or interval of the reconstruction under that label (B13)
    both = re.search(r"Managers and clinicians equally</th>(.*?)</tr>", view.html).group(1)
    assert ">54%<" in both and ">Reported by the study<" in both
    assert " / " not in both and both.count(f">{explorer.NOT_SHOWN}<") == 2
    assert explorer.REPORTED_ROW_NOTE in htmllib.unescape(view.html)
    mainly = re.search(r"Mainly managers</th>(.*?)</tr>", view.html).group(1)
    assert ">Computed from reconstructed data<" in mainly
    assert "(paraphrased)" in view.html
    assert "The report: Managers and clinicians equally: 54%" in re.sub(r"<[^>]+>", "", view.html)


def test_views_include_the_published_groups_and_combined_answers() -> None:
    """CCG managers are the group behind a published figure; combined answers the report quotes are rows."""
    managers = next(
        v for v in views() if (v.item, v.wave, v.breakdown) == ("primary_care_link", "2016", "CCG managers")
    )
    n = stats.share_by_wave(SURVEY, "primary_care_link", 1, "managers").loc[2016, "n"]
    assert f"CCG managers, assumed n = {n} answering" in managers.html
    gp_row = re.search(r"GP governing-body members</th>(.*?)</tr>", managers.html)
    assert gp_row is not None and ">Reported by the study<" in gp_row.group(1)
    plans = next(
        v
        for v in views()
        if (v.item, v.wave, v.breakdown) == ("plans_exceed_change", "2016", "All respondents")
    )
    combined = re.search(
        r'<tr class="ccg-combined"><th scope="row">Combined: Agree or Strongly agree</th>(.*?)</tr>',
        plans.html,
    )
    share = stats.share_by_wave(SURVEY, "plans_exceed_change", "4|5").loc[2016]
    assert combined is not None and f">{share['share_display']}%<" in combined.group(1)
    assert ">Reported by the study<" in combined.group(1)
    assert "Combined" not in next(
        v.html
        for v in views()
        if (v.item, v.wave, v.breakdown) == ("plans_exceed_change", "2014", "All respondents")
    )


def test_role_view_shows_suppression_markers_and_no_suppressed_share() -> None:
    table = stats.distribution(SURVEY, "plans_exceed_change", 2016, by="role")
    suppressed = table[table["suppressed"] != ""]
    assert len(suppressed) > 0, "the fixture item should have suppressed cells"
    view = next(
        v for v in views() if (v.item, v.wave, v.breakdown) == ("plans_exceed_change", "2016", "By role")
    )
    for role_label, group in table.groupby("role_label", sort=False):
        row_html = re.search(re.escape(role_label) + r"</th>(.*?)</tr>", view.html).group(1)
        shown = cell_texts(row_html)[1:]  # first cell is the base
        expected = [d if str(d).startswith("[") else f"{d}%" for d in group["share_display"]]
        assert shown == expected, role_label
        # a suppressed cell has no bar width that would reveal its share
        for cell, supp in zip(
            re.findall(r"<td[^>]*>.*?</td>", row_html)[1:], group["suppressed"], strict=True
        ):
            if supp:
                assert "width:0.0%" in cell


def test_live_explorer_switches_view_through_real_callbacks() -> None:
    pytest.importorskip("ipywidgets")
    box = explorer.live_explorer(list(views()))
    panel, shown = box.children[1], box.children[2]
    note, item_dd, (wave_dd, breakdown_dd) = panel.children[0], panel.children[1], panel.children[2].children
    assert "paraphrases" in note.value
    items = list(dict.fromkeys(v.item for v in views()))
    lookup = {(v.item, v.wave, v.breakdown): v.html for v in views()}
    assert shown.value == lookup[(items[0], "2014", "All respondents")]
    item_dd.index = items.index("collaboration_builder")
    wave_dd.index = 1
    breakdown_dd.index = list(explorer.BREAKDOWNS).index("By role")
    assert shown.value == lookup[("collaboration_builder", "2016", "By role")]


def test_static_explorer_nests_one_stack_per_selection_level() -> None:
    box = explorer.static_explorer(list(views()))
    outer = box.children[2]
    items = list(dict.fromkeys(v.item for v in views()))
    assert len(outer.children) == len(items)
    for middle in outer.children:
        assert len(middle.children) == 2  # waves
        for inner in middle.children:
            assert len(inner.children) == len(explorer.BREAKDOWNS)
    first = outer.children[0].children[0].children[0].value
    assert first == next(v.html for v in views() if v.item == items[0])


def test_missing_combination_says_so() -> None:
    text = explorer.missing_view_html("Some item", "2014", "By role")
    assert "not asked" in text and "2014" in text


def test_a_view_without_published_figures_says_where_they_are() -> None:
    """A computed share that equals a published one elsewhere is not mistaken for it (B16)."""
    view = next(
        v for v in views() if (v.item, v.wave, v.breakdown) == ("leadership_centrality", "2014", "GP members")
    )
    text = htmllib.unescape(re.sub(r"<[^>]+>", "", view.html))
    assert "The report's figures for this question belong to the 2016 survey" in text
    assert "Reported by the study" not in text
