"""Survey charts and tables of Chapter 3, checked without building the book.

Oracles: the published findings file read with the csv module, the raw respondent file counted with
pandas directly, WCAG contrast arithmetic worked by hand, and statsmodels called directly.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from ccg_leadership import html, style
from ccg_leadership.survey import charts as survey_charts
from ccg_leadership.survey import numbers as survey_numbers
from ccg_leadership.survey import stats
from ccg_leadership.survey import tables as survey_tables
from ccg_leadership.survey.data import load_survey

SURVEY = load_survey()

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def published() -> dict[str, float]:
    """Published values from data/published/findings.csv, read without the package."""
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8") as handle:
        return {row["id"]: float(row["value"]) for row in csv.DictReader(handle) if row["value"]}


def raw() -> pd.DataFrame:
    return pd.read_csv(REPO / "data" / "survey" / "responses.csv")


# --- style additions ---------------------------------------------------------------------------


def test_contrast_ratio_matches_hand_worked_values() -> None:
    assert style.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast_ratio("#12436D", "#12436D") == pytest.approx(1.0)
    # #777777: channel 0.4667 -> linear ((0.4667 + 0.055) / 1.055) ** 2.4 = 0.1845; (1.05)/(0.2345)
    assert style.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_diverging_palette_neighbours_and_text_are_readable() -> None:
    low_strong, low, neutral, high, high_strong = style.DIVERGING_5
    assert neutral == style.NEUTRAL
    assert style.contrast_ratio(low_strong, low) >= 3
    assert style.contrast_ratio(high, high_strong) >= 3
    for colour in style.DIVERGING_5:
        assert style.contrast_ratio(colour, style.text_colour_on(colour)) >= 4.5, colour


def test_new_figure_default_is_still_one_axes() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    fig, ax = style.new_figure()
    assert isinstance(ax, Axes) and len(fig.axes) == 1
    plt.close(fig)
    fig, axes = style.new_figure(ncols=2, width_ratios=(3, 1))
    assert len(axes) == 2 and axes[0].get_position().width > axes[1].get_position().width
    plt.close(fig)


# --- charts ----------------------------------------------------------------------------------------

CHARTS = [
    survey_charts.influence_chart,
    survey_charts.vision_shift,
    survey_charts.communication_trend,
    survey_charts.centrality_by_wave,
    survey_charts.primary_care_link,
    survey_charts.collaboration_builders,
    survey_charts.agreement_levels,
    survey_charts.engagement_chart,
    survey_charts.future_chart,
    survey_charts.role_breakdown,
]


@pytest.fixture(scope="module")
def images() -> dict[str, style.ChartImage]:
    return {chart.__name__: chart(SURVEY) for chart in CHARTS}


def test_every_chart_is_a_png_with_its_alt_text_inside(images) -> None:
    for name, image in images.items():
        assert image.png.startswith(PNG_SIGNATURE), name
        assert len(image.alt) > 80, name
        assert style.read_alt(image.png) == image.alt, name


def test_alt_texts_carry_the_published_numbers(images) -> None:
    facts = published()
    vision = images["vision_shift"].alt
    assert f"2014 {facts['Q1']:.0f}%" in vision and f"2016 {facts['Q2']:.0f}%" in vision
    collaboration = images["collaboration_builders"].alt
    for key in ("Q7", "Q8", "Q9"):
        assert f" {facts[key]:.0f}%" in collaboration, key
    assert f"GP governing-body members {facts['Q6']:.0f}%" in images["primary_care_link"].alt
    assert f"Levels 4 and 5 together: {facts['Q10']:.0f}%" in images["agreement_levels"].alt
    centrality = images["centrality_by_wave"].alt
    assert f"nearly all {facts['Q3']:.0f}%" in centrality
    assert f"a significant proportion {facts['Q4']:.0f}%" in centrality
    assert "not statistically significant" in centrality  # Q5


def test_centrality_change_matches_statsmodels_on_raw_counts(images) -> None:
    from statsmodels.stats.proportion import proportions_ztest

    data = raw()
    counts, bases = [], []
    for wave in (2016, 2014):
        answers = data.loc[data["wave"] == wave, "leadership_centrality"].dropna()
        counts.append(int(answers.isin([3, 4]).sum()))
        bases.append(len(answers))
    _, p_value = proportions_ztest(counts, bases)
    assert p_value >= 0.05  # the fact sheet: fell, not significantly
    assert f"p = {p_value:.2f}" in images["centrality_by_wave"].alt


def test_suppressed_split_is_drawn_as_one_hatched_total() -> None:
    rows = survey_charts.diverging_rows(SURVEY, (("workload_impedes_engagement", 2016, "gp_member", "x"),))
    line = rows.iloc[0]
    data = raw()
    gps = data[(data["wave"] == 2016) & (data["role"] == "gp_member")]["workload_impedes_engagement"].dropna()
    low_counts = [int((gps == code).sum()) for code in (1, 2)]
    assert any(1 <= c <= 4 for c in low_counts), "fixture assumption: a small count among GP members"
    assert survey_charts.missing(line["share_1"]) and survey_charts.missing(line["share_2"])
    assert line["low"] == pytest.approx(100 * sum(low_counts) / len(gps))
    segments = survey_charts._side_segments(line, "low")
    assert len(segments) == 1 and segments[0][3] is True
    assert segments[0][1] == pytest.approx(line["low"])


# --- tables and glue values --------------------------------------------------------------------------


def test_chapter_numbers_are_plain_and_reproduce_published_values() -> None:
    numbers = survey_numbers.chapter_numbers(SURVEY)
    assert all(type(v) in (int, float) for v in numbers.values())
    facts = published()
    expected = {
        "vision_2014": "Q1",
        "vision_2016": "Q2",
        "vision_change": "Q2a",
        "central_nearly_all": "Q3",
        "central_significant": "Q4",
        "central_2016": "Q4a",
        "link_gp_managers": "Q6",
        "collab_managers": "Q7",
        "collab_jointly": "Q8",
        "collab_clinicians": "Q9",
        "collab_three": "Q9a",
        "plans_agree": "Q10",
    }
    for key, finding in expected.items():
        assert numbers[key] == facts[finding], (key, finding)
    assert abs(numbers["nhse_high_2014"] - facts["Q12"]) <= 5  # "about half"
    assert numbers["central_p"] >= 0.05 and numbers["central_change"] < 0  # Q5


def test_p_bound() -> None:
    assert survey_numbers.p_bound(1e-9) == 0.001
    assert survey_numbers.p_bound(0.004) == 0.01
    assert survey_numbers.p_bound(0.03) == 0.05
    with pytest.raises(ValueError, match="not below"):
        survey_numbers.p_bound(0.2)


def test_role_grid_hides_small_counts_and_shows_the_rest_exactly() -> None:
    grid = survey_tables.role_distribution_table(SURVEY, "ccg_relative_influence", 2016)
    data = raw()
    wave = data[data["wave"] == 2016]
    labels = {code: label for code, label in enumerate(grid.columns[2:], start=1)}
    role_ids = {SURVEY.role_label(r): r for r in wave["role"].unique()}
    hidden_per_column = dict.fromkeys(labels.values(), 0)
    for _, row in grid.iterrows():
        answers = wave.loc[wave["role"] == role_ids[row["Role"]], "ccg_relative_influence"].dropna()
        assert row["Base n"] == len(answers)
        hidden = 0
        for code, label in labels.items():
            true = int((answers == code).sum())
            if row[label] == "[c]":
                hidden += 1
                hidden_per_column[label] += 1
            else:
                assert int(row[label]) == true, (row["Role"], label)
                assert not 1 <= true <= 4, (row["Role"], label, "small count shown")
        assert hidden != 1, f"{row['Role']}: a lone [c] is recoverable from the base"
    assert all(h != 1 for h in hidden_per_column.values()), hidden_per_column


def test_tables_carry_provenance_badges() -> None:
    block = survey_tables.details_html("x", survey_tables.distribution_table(SURVEY, "vision_setter"))
    assert block.startswith("<details") and "<summary>x</summary>" in block
    assert "provenance-reported" in block and "provenance-derived" in block
    assert "sample sizes are assumed" in block
    roles = html.table_html(survey_tables.role_table(SURVEY, 2016))
    assert "provenance-derived" in roles and "provenance-reported" not in roles


def test_distribution_table_uses_display_values_for_hidden_cells() -> None:
    table = survey_tables.distribution_table(SURVEY, "workload_impedes_engagement", 2016, "gp_member")
    hidden = table[table["Count"] == "[c]"]
    assert len(hidden) >= 2
    assert (hidden["Share %"] == "[c]").all() and (hidden["95% CI (Wilson)"] == "[c]").all()
    assert (
        stats.share_by_wave(SURVEY, "workload_impedes_engagement", 1, "gp_member").loc[2016, "share"] is None
    )


def test_every_chart_carries_its_provenance_inside_the_image(images) -> None:
    """A copied chart keeps its label: the line is drawn in a strip at the bottom of the PNG itself."""
    import io

    from PIL import Image

    for name, image in images.items():
        assert image.alt.endswith(style.RECONSTRUCTED), name
        with Image.open(io.BytesIO(image.png)) as png:
            rgb = png.convert("RGB")
            # the bottom quarter-inch above the white margin every chart is framed with
            top = rgb.height - round((0.25 + style.MARGIN_IN) * style.DPI)
            strip = rgb.crop((0, top, rgb.width // 2, rgb.height - round(style.MARGIN_IN * style.DPI)))
            grey = sum(
                1
                for r, g, b in strip.get_flattened_data()
                if abs(r - 0x50) < 40 and abs(b - 0x5F) < 40 and g < 140
            )
        assert grey > 100, f"{name}: no provenance text drawn at the bottom of the image"


def test_chart_sample_sizes_are_called_assumed(images) -> None:
    """The respondent counts are the edition's assumption (B12): no bare 'n = ' in labels or alt text."""
    import re

    from ccg_leadership.survey.selections import INFLUENCE_ROWS

    labels = survey_charts.diverging_rows(SURVEY, INFLUENCE_ROWS)["label"]
    assert all("assumed n = " in label for label in labels)
    for name, image in images.items():
        assert not re.search(r"(?<!assumed )\bn = \d", image.alt), name


def test_provenance_line_does_not_deny_the_published_values() -> None:
    """Some charted values are the report's (captions say Reported), so the stamp must not deny them."""
    assert "not the study" not in style.RECONSTRUCTED
    assert "published" in style.RECONSTRUCTED and "illustrative" in style.RECONSTRUCTED


def test_influence_chart_draws_nhs_england_for_2014_only() -> None:
    """The report's 'about half' for NHS England's influence is one figure (2014): no 2016 row (B15)."""
    from ccg_leadership.survey.selections import INFLUENCE_ROWS

    rows = survey_charts.diverging_rows(SURVEY, INFLUENCE_ROWS)
    assert list(rows.loc[rows["item"] == "nhse_influence", "wave"]) == [2014]
    assert len(rows) == 5


def test_one_interval_format_in_tables_and_explorer() -> None:
    """Wilson intervals print one way everywhere (C25): whole percent, 'low to high'."""
    from ccg_leadership.survey import explorer

    assert html.interval(33.04, 41.06) == "33 to 41"
    assert html.interval(None, 41.0, missing="[c]") == "[c]"
    table = survey_tables.influence_table(SURVEY).astype(str)
    assert not table.apply(lambda column: column.str.contains(r"\d\.\d to ")).any().any()
    frame = stats.distribution(SURVEY, "vision_setter", 2016)
    view = explorer.options_view_html(frame, "title", "subtitle")
    for row in frame[frame["provenance"] != "reported"].itertuples():
        assert f">{html.interval(row.low, row.high)}<" in view
