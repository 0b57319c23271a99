"""Charts of the national surveys (Chapter 3), one function per chart.

Every chart is computed from the survey data through :mod:`ccg_leadership.stats` and drawn through
:mod:`ccg_leadership.style`: a headline title stating the message, a subtitle with base n, wave and
interval method, and alt text built from the numbers drawn. Every bar or point carries its value as
text, so colour is never the only cue. Suppressed cells (disclosure control) are drawn as ``[c]``.
"""

from __future__ import annotations

import textwrap

import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import style
from ..html import interval, percent
from ..rounding import is_missing as missing
from . import stats
from .data import Survey
from .selections import (
    CENTRALITY_PARTS,
    COMMUNICATION_ITEMS,
    ENGAGEMENT_ROWS,
    FUTURE_ROWS,
    INFLUENCE_ROWS,
    ROLE_PANELS,
    population_name,
)

GREY_TEXT = "#505A5F"


def pct(value: float | None) -> str:
    """Format a share for a chart label: whole percent rounded half up, or ``[c]`` when hidden."""
    return percent(value, missing="[c]")


def headline(fig, title: str, subtitle: str, width: int = 78) -> None:
    """Set the house headline and subtitle (:func:`style.headline`), wrapped to stay inside the figure."""
    style.headline(fig, title, "\n".join(textwrap.wrap(subtitle, width)), wrap=True)


def _bases(frame: pd.DataFrame) -> str:
    """Return 'n = a (2014), b (2016)' style text for the bases in a frame with wave and n columns."""
    pairs = frame[["wave", "n"]].drop_duplicates().sort_values("wave")
    return ", ".join(f"{int(n)} ({int(w)})" for w, n in pairs.itertuples(index=False))


# --------------------------------------------------------------------------------------------------
# Diverging stacked bars for five-point scales


def diverging_rows(survey: Survey, rows: tuple[tuple[str, int, str, str], ...]) -> pd.DataFrame:
    """Return one line per chart row: label, item, wave, population, n, share_1..share_5, low, high.

    Point shares come from :func:`stats.distribution` and the two ends (points 1-2, 4-5) from
    :func:`stats.share_by_wave`; both apply disclosure control, so hidden values are None.
    """
    lines = []
    for item, wave, population, text in rows:
        dist = stats.distribution(survey, item, wave=wave, population=population)
        codes = [int(c) for c in dist["code"]]
        ends = {
            side: stats.share_by_wave(survey, item, "|".join(map(str, part)), population).loc[wave]
            for side, part in (("low", codes[:2]), ("high", codes[-2:]))
        }
        n = int(dist["n"].iloc[0])
        line = {
            "label": f"{text}\n{wave}, {population_name(survey, population)}, assumed n = {n}",
            "item": item,
            "wave": int(wave),
            "population": population,
            "n": n,
            "low_anchor": str(dist["label"].iloc[0]),
            "high_anchor": str(dist["label"].iloc[-1]),
            "low": ends["low"]["share"],
            "high": ends["high"]["share"],
        }
        for position, share in enumerate(dist["share"], start=1):
            line[f"share_{position}"] = share
        lines.append(line)
    return pd.DataFrame(lines, dtype=object)


def _side_segments(line: pd.Series, side: str) -> list[tuple[float, float, int, bool]]:
    """Return (left, width, colour index, hatched) for one side of a diverging bar.

    Points are drawn one by one when both are shown; when the split between them is suppressed but
    the side's total is not, the total is drawn as one hatched segment.
    """
    inner, outer = (2, 1) if side == "low" else (4, 5)
    sign = -1 if side == "low" else 1
    a, b = line[f"share_{inner}"], line[f"share_{outer}"]
    if not missing(a) and not missing(b):
        first = (0.0, a) if sign > 0 else (-a, a)
        second = (a, b) if sign > 0 else (-(a + b), b)
        return [(*first, inner - 1, False), (*second, outer - 1, False)]
    total = line[side]
    if missing(total):
        return []
    return [((0.0 if sign > 0 else -total), total, inner - 1, True)]


def _diverging(
    survey: Survey, rows: tuple[tuple[str, int, str, str], ...], title: str, scale_note: str
) -> style.ChartImage:
    """Draw five-point answers as diverging stacked bars, the middle point in its own panel."""
    data = diverging_rows(survey, rows)
    colours = style.DIVERGING_5
    fig, (ax, ax_mid) = style.new_figure(7.5, 0.62 * len(data) + 2.2, ncols=2, width_ratios=(4.2, 1))
    y_positions = list(range(len(data)))[::-1]
    any_hatched = False
    for y, (_, line) in zip(y_positions, data.iterrows(), strict=True):
        for side in ("low", "high"):
            segments = _side_segments(line, side)
            for left, width, index, hatched in segments:
                any_hatched = any_hatched or hatched
                ax.barh(
                    y,
                    width,
                    left=left,
                    height=0.62,
                    color=colours[index],
                    edgecolor="white",
                    linewidth=1,
                    hatch="///" if hatched else None,
                )
                if width >= 11 and not hatched:
                    ax.text(
                        left + width / 2,
                        y,
                        pct(width),
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color=style.text_colour_on(colours[index]),
                    )
            total = line[side]
            edge = (-1 if side == "low" else 1) * (0 if missing(total) else total)
            text = "[c]" if missing(total) else pct(total)
            if any(h for *_, h in segments):
                text += " (split [c])"
            ax.text(
                edge + (-1.5 if side == "low" else 1.5),
                y,
                text,
                ha="right" if side == "low" else "left",
                va="center",
                fontsize=8,
                fontweight="bold",
            )
        middle = line["share_3"]
        if missing(middle):
            ax_mid.text(1, y, "[c]", ha="left", va="center", fontsize=8)
        else:
            ax_mid.barh(y, middle, height=0.62, color=colours[2], edgecolor="white")
            ax_mid.text(middle + 1.5, y, pct(middle), ha="left", va="center", fontsize=8)
    ax.axvline(0, color=style.TEXT, linewidth=1.2)
    ax.set_yticks(y_positions, list(data["label"]), fontsize=8)
    ax.set_xlim(-80, 100)
    ax.set_xticks([-60, -40, -20, 0, 20, 40, 60, 80], ["60", "40", "20", "0", "20", "40", "60", "80"])
    ax.set_xlabel("← % at the low end (1–2)        % at the high end (4–5) →", fontsize=8)
    ax_mid.set_xlim(0, 75)
    ax_mid.set_yticks(y_positions, [""] * len(data))
    ax_mid.set_xticks([0, 25, 50])
    ax_mid.set_xlabel("% at the middle\npoint (3), apart", fontsize=8)
    for axis in (ax, ax_mid):
        axis.tick_params(axis="y", length=0)
        axis.spines["left"].set_visible(False)
    handles = [
        Patch(facecolor=colours[i], label=label)
        for i, label in ((0, "1 (lowest)"), (1, "2"), (2, "3 (middle)"), (3, "4"), (4, "5 (highest)"))
    ]
    if any_hatched:
        handles.append(
            Patch(facecolor="white", edgecolor=GREY_TEXT, hatch="///", label="1–2 or 4–5, split [c]")
        )
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=len(handles),
        fontsize=7.5,
        title=scale_note,
        title_fontsize=8,
    )
    waves = sorted(set(data["wave"]))
    headline(
        fig,
        title,
        f"Share answering each point of a five-point scale; {' and '.join(map(str, waves))}; "
        "base n in each row label; [c] suppressed small count; intervals in the table",
        width=60,
    )
    alt = (
        f"Diverging bar chart. {title}. "
        + " ".join(
            f"{line['label'].replace(chr(10), ', ')}: "
            f"{pct(None if missing(line['low']) else line['low'])} at the low end ({line['low_anchor']} "
            f"or the next point), {pct(None if missing(line['share_3']) else line['share_3'])} in the "
            f"middle, {pct(None if missing(line['high']) else line['high'])} at the high end "
            f"({line['high_anchor']} or the next point)."
            for _, line in data.iterrows()
        )
        + " Computed from reconstructed respondent data."
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


def influence_chart(survey: Survey) -> style.ChartImage:
    """Diverging bars: the CCG against other bodies, NHS England's reach, and GPs against managers."""
    data = diverging_rows(survey, INFLUENCE_ROWS[1:2])
    verb = "more" if data["high"].iloc[0] > data["low"].iloc[0] else "less"
    return _diverging(
        survey,
        INFLUENCE_ROWS,
        f"Most members saw their CCG as {verb} influential than other local bodies",
        "Scale point (each row's end labels: much less / none / managers much more = 1; "
        "much more / very extensive / GPs much more = 5)",
    )


def engagement_chart(survey: Survey) -> style.ChartImage:
    """Diverging bars: GP workload, falling GP involvement and GPs' part in redesign, GP members vs all."""
    return _diverging(
        survey,
        ENGAGEMENT_ROWS,
        "GP members saw workload as a barrier and doubted GPs' part in redesign",
        "Scale point (1 = strongly disagree, 5 = strongly agree)",
    )


def future_chart(survey: Survey) -> style.ChartImage:
    """Diverging bars: expected survival of CCGs and support for keeping commissioning, by wave."""
    return _diverging(
        survey,
        FUTURE_ROWS,
        "Doubts about the survival of CCGs, support for keeping commissioning",
        "Scale point (survival: 1 = very unlikely, 5 = very likely; commissioning: 1 = strongly "
        "disagree, 5 = strongly agree)",
    )


# --------------------------------------------------------------------------------------------------
# Changes between waves


def _wave_points(ax, y: float, frame: pd.DataFrame, label_above: bool = True) -> None:
    """Draw 2014 (hollow circle) and 2016 (filled square) shares with Wilson intervals at height y."""
    markers = {2014: ("o", "white", style.PALETTE[1]), 2016: ("s", style.PALETTE[0], style.PALETTE[0])}
    offsets = {2014: 0.14, 2016: -0.14}
    for wave, row in frame.iterrows():
        marker, face, edge = markers[int(wave)]
        yy = y + offsets[int(wave)]
        ax.errorbar(
            row["share"],
            yy,
            xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
            fmt=marker,
            markersize=7,
            markerfacecolor=face,
            markeredgecolor=edge,
            markeredgewidth=1.5,
            ecolor=edge,
            elinewidth=1.2,
            capsize=3,
        )
        ax.text(
            row["high"] + 1.2, yy, f"{int(wave)}: {pct(row['share'])}", va="center", ha="left", fontsize=8
        )


def _wave_legend(fig) -> None:
    fig.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor="white",
                markeredgecolor=style.PALETTE[1],
                markeredgewidth=1.5,
                label="2014 (hollow circle)",
            ),
            Line2D([], [], marker="s", linestyle="", color=style.PALETTE[0], label="2016 (filled square)"),
            Line2D([], [], color=GREY_TEXT, label=f"whisker: {stats.LEVEL} Wilson interval"),
        ],
        loc="outside lower center",
        ncol=3,
        fontsize=8,
    )


def vision_data(survey: Survey) -> pd.DataFrame:
    """Return the share naming each vision-setter option per wave (stats.distribution, tidy)."""
    return stats.distribution(survey, "vision_setter")


def vision_shift(survey: Survey) -> style.ChartImage:
    """Dot plot: who sets the CCG's vision, 2014 against 2016, with Wilson intervals."""
    data = vision_data(survey)
    fig, ax = style.new_figure(7.5, 3.4)
    options = list(dict.fromkeys(data["label"]))
    for y, option in enumerate(reversed(options)):
        part = data[data["label"] == option].set_index("wave")
        _wave_points(ax, y, part)
    ax.set_yticks(range(len(options)), list(reversed(options)))
    ax.set_xlim(0, 75)
    ax.set_xlabel("% of respondents")
    ax.tick_params(axis="y", length=0)
    _wave_legend(fig)
    both = data[data["key"] == "both_equally"].set_index("wave")["share"]
    direction = "more" if both[2016] > both[2014] else "fewer"
    headline(
        fig,
        f"By 2016 {direction} members saw the vision as shared by managers and clinicians",
        f"Who mainly provides the CCG's sense of direction; assumed n = {_bases(data)}; "
        f"{stats.LEVEL} Wilson intervals",
    )
    alt = "Dot plot of who sets the CCG's vision, 2014 and 2016. " + " ".join(
        f"{option}: "
        + ", ".join(
            f"{int(r['wave'])} {pct(r['share'])} ({stats.LEVEL} interval {interval(r['low'], r['high'])})"
            for _, r in data[data["label"] == option].iterrows()
        )
        + "."
        for option in options
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


def communication_data(survey: Survey) -> pd.DataFrame:
    """Return good-or-very-good shares per item and wave, with the change (Newcombe) per item."""
    frames = []
    for item in COMMUNICATION_ITEMS:
        shares = stats.share_by_wave(survey, item, "good|very_good").reset_index()
        change = stats.wave_change(survey, item, "good|very_good")
        shares["item"] = item
        shares["difference"] = change.difference
        shares["diff_low"] = change.low
        shares["diff_high"] = change.high
        shares["p_value"] = change.p_value
        frames.append(shares)
    return pd.concat(frames, ignore_index=True)


def communication_trend(survey: Survey) -> style.ChartImage:
    """Dot plot: share rating communication good or very good, 2014 and 2016, with the change."""
    data = communication_data(survey)
    fig, ax = style.new_figure(7.5, 3.0)
    items = list(COMMUNICATION_ITEMS)
    for y, item in enumerate(reversed(items)):
        part = data[data["item"] == item].set_index("wave")
        _wave_points(ax, y, part)
        first = part.iloc[0]
        ax.text(
            74,
            y,
            f"change {first['difference']:+.0f} points\n({stats.LEVEL} CI {first['diff_low']:+.0f} to "
            f"{first['diff_high']:+.0f})",
            va="center",
            ha="right",
            fontsize=8,
            color=GREY_TEXT,
        )
    ax.set_yticks(range(len(items)), [COMMUNICATION_ITEMS[i] for i in reversed(items)])
    ax.set_xlim(0, 75)
    ax.set_ylim(-0.6, len(items) - 0.4)
    ax.set_xlabel("% rating the CCG's communication good or very good")
    ax.tick_params(axis="y", length=0)
    _wave_legend(fig)
    rose = all(data.groupby("item")["difference"].first() > 0)
    headline(
        fig,
        "Communication with hospital clinicians and the public was rated better in 2016"
        if rose
        else "Ratings of the CCG's communication did not all improve",
        f"assumed n = {_bases(data[data['item'] == items[0]])} answering; {stats.LEVEL} Wilson intervals; "
        f"change with Newcombe {stats.LEVEL} interval",
    )
    alt = "Dot plot of the share rating communication good or very good. " + " ".join(
        f"{COMMUNICATION_ITEMS[item].replace(chr(10), ' ')}: "
        + ", ".join(f"{int(r['wave'])} {pct(r['share'])}" for _, r in data[data["item"] == item].iterrows())
        + f", a change of {data[data['item'] == item]['difference'].iloc[0]:+.0f} percentage points."
        for item in items
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


def _share_of(data: pd.DataFrame, wave: int, key: str) -> float | None:
    """Return the share of option ``key`` in ``wave`` from a distribution frame."""
    return data[(data["wave"] == wave) & (data["key"] == key)]["share"].iloc[0]


def centrality_data(survey: Survey) -> tuple[pd.DataFrame, stats.WaveChange]:
    """Return the centrality distribution per wave and the change in the two most central options."""
    return stats.distribution(survey, "leadership_centrality"), stats.wave_change(
        survey, "leadership_centrality", "|".join(CENTRALITY_PARTS)
    )


def centrality_by_wave(survey: Survey) -> style.ChartImage:
    """Stacked bars of a central role for clinical leadership per wave, and the change with its interval."""
    data, change = centrality_data(survey)
    fig, (ax, ax_diff) = style.new_figure(7.5, 3.3, ncols=2, width_ratios=(2.3, 1))
    colours = {"nearly_all": style.PALETTE[0], "significant_proportion": style.PALETTE[1]}
    names = {"nearly_all": "nearly all", "significant_proportion": "a significant\nproportion:"}
    waves = sorted(set(data["wave"]))
    for y, wave in enumerate(reversed(waves)):
        part = data[data["wave"] == wave].set_index("key")
        left = 0.0
        for key in CENTRALITY_PARTS:
            share = part.loc[key, "share"]
            ax.barh(y, share, left=left, height=0.55, color=colours[key], edgecolor="white")
            ax.text(
                left + share / 2,
                y,
                f"{names[key]} {pct(share)}"
                if key == "significant_proportion"
                else f"{names[key]}\n{pct(share)}",
                ha="center",
                va="center",
                fontsize=7.5,
                color=style.text_colour_on(colours[key]),
            )
            left += share
        total = stats.share_by_wave(survey, "leadership_centrality", "|".join(CENTRALITY_PARTS)).loc[wave]
        ax.errorbar(
            total["share"],
            y + 0.38,
            xerr=[[total["share"] - total["low"]], [total["high"] - total["share"]]],
            fmt="v",
            color=style.TEXT,
            capsize=3,
            markersize=5,
        )
        ax.text(total["high"] + 1.5, y + 0.38, f"together {pct(total['share'])}", va="center", fontsize=8)
    ax.set_yticks(range(len(waves)), [str(w) for w in reversed(waves)])
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.5, len(waves) - 0.1)
    ax.set_xlabel(
        "% saying clinical leadership was central in nearly all\nor in a significant proportion of redesigns"
    )
    ax.tick_params(axis="y", length=0)
    ax_diff.errorbar(
        change.difference,
        0,
        xerr=[[change.difference - change.low], [change.high - change.difference]],
        fmt="D",
        color=style.PALETTE[2],
        capsize=4,
        markersize=6,
    )
    ax_diff.axvline(0, color=style.TEXT, linewidth=1, linestyle="--")
    ax_diff.text(
        0.5,
        0.62,
        f"{change.difference:+.1f} points\n{stats.LEVEL} CI {change.low:+.1f} to {change.high:+.1f}\n"
        f"p = {change.p_value:.2f}: {'significant' if change.significant else 'not significant'}",
        transform=ax_diff.transAxes,
        ha="center",
        va="bottom",
        fontsize=8,
        bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
    )
    bound = max(abs(change.low), abs(change.high)) + 3
    ax_diff.set_xlim(-bound, bound)
    ax_diff.set_ylim(-0.8, 1.6)
    ax_diff.set_yticks([])
    ax_diff.spines["left"].set_visible(False)
    ax_diff.set_xlabel(f"Change {change.first}→{change.second}\n(percentage points)", fontsize=8)
    verdict = "not a significant change" if not change.significant else "a significant change"
    direction = "dipped" if change.difference < 0 else "rose"
    headline(
        fig,
        f"A central role for clinical leadership {direction} slightly, {verdict}",
        f"assumed n = {change.n_first} ({change.first}), {change.n_second} ({change.second}); "
        f"Wilson {stats.LEVEL} intervals "
        f"(triangles); change: Newcombe {stats.LEVEL} interval, z-test",
    )
    alt = (
        "Stacked bar chart of how often clinical leadership was central to service redesign. "
        + " ".join(
            f"{wave}: nearly all {pct(_share_of(data, wave, 'nearly_all'))}, "
            f"a significant proportion {pct(_share_of(data, wave, 'significant_proportion'))}."
            for wave in waves
        )
        + f" Together {change.share_first:.0f}% in {change.first} and {change.share_second:.0f}% in "
        f"{change.second}, a change of {change.difference:+.1f} percentage points ({stats.LEVEL} interval "
        f"{change.low:+.1f} to {change.high:+.1f}, p = {change.p_value:.2f}), "
        f"{'statistically significant' if change.significant else 'not statistically significant'}."
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


# --------------------------------------------------------------------------------------------------
# One wave, one categorical item


def option_shares(survey: Survey, item: str, wave: int, population: str, title: str) -> style.ChartImage:
    """Horizontal bars: share choosing each option of a categorical item, with Wilson intervals."""
    data = stats.distribution(survey, item, wave=wave, population=population)
    fig, ax = style.new_figure(7.5, 0.55 * len(data) + 1.5)
    ys = list(range(len(data)))[::-1]
    for y, (_, row) in zip(ys, data.iterrows(), strict=True):
        if row["share"] is None:
            ax.text(1, y, f"{row['share_display']} not shown", va="center", fontsize=8)
            continue
        colour = style.PALETTE[0] if row["provenance"] == "reported" else style.PALETTE[1]
        ax.barh(y, row["share"], height=0.6, color=colour)
        ax.errorbar(
            row["share"],
            y,
            xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
            fmt="none",
            ecolor=style.TEXT,
            capsize=3,
            elinewidth=1,
        )
        note = " (reported)" if row["provenance"] == "reported" else ""
        ax.text(row["high"] + 1.5, y, pct(row["share"]) + note, va="center", fontsize=9, fontweight="bold")
    ax.set_yticks(ys, list(data["label"]))
    ax.set_xlim(0, 75)
    ax.set_xlabel(f"% of {population_name(survey, population)}")
    ax.tick_params(axis="y", length=0)
    n = int(data["n"].iloc[0])
    headline(
        fig,
        title,
        f"{wave}, {population_name(survey, population)}, assumed n = {n}; "
        f"whiskers: {stats.LEVEL} Wilson intervals",
    )
    alt = (
        f"Bar chart. {title}. Among {population_name(survey, population)} in {wave} (assumed n = {n}): "
        + "; ".join(
            f"{row['label']} {row['share_display'] if row['share'] is None else pct(row['share'])}"
            for _, row in data.iterrows()
        )
        + "."
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


def collaboration_builders(survey: Survey) -> style.ChartImage:
    """Who mainly builds collaborations with other commissioners and providers (2016)."""
    data = stats.distribution(survey, "collaboration_builder", wave=2016).set_index("key")
    title = (
        "Managers, alone or with clinicians, build the partnerships; few name clinicians"
        if data.loc["clinicians", "share"] < 10
        else "Partnership building is shared between managers and clinicians"
    )
    return option_shares(
        survey,
        "collaboration_builder",
        2016,
        "all",
        title,
    )


def primary_care_link(survey: Survey) -> style.ChartImage:
    """Who links the CCG with other primary-care clinicians, as CCG managers see it (2016)."""
    return option_shares(
        survey,
        "primary_care_link",
        2016,
        "managers",
        "Fewer than half of CCG managers saw GP members as the link to practices",
    )


# --------------------------------------------------------------------------------------------------
# Agreement distribution and roles


def agreement_levels(survey: Survey, item: str = "plans_exceed_change", wave: int = 2016) -> style.ChartImage:
    """Column chart of the share at each agreement level 1-5, levels 4-5 marked as agreement."""
    data = stats.distribution(survey, item, wave=wave)
    fig, ax = style.new_figure(7.5, 3.6)
    agree = data[data["code"] >= 4]
    for _, row in data.iterrows():
        colour = style.PALETTE[0] if row["code"] >= 4 else style.NEUTRAL
        hatch = None if row["code"] >= 4 else "//"
        ax.bar(row["code"], row["share"], width=0.7, color=colour, hatch=hatch, edgecolor="white")
        ax.errorbar(
            row["code"],
            row["share"],
            yerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
            fmt="none",
            ecolor=style.TEXT,
            capsize=3,
            elinewidth=1,
        )
        ax.text(row["code"], row["high"] + 1, pct(row["share"]), ha="center", va="bottom", fontsize=9)
    total = float(sum(agree["share"]))
    top = float(max(agree["high"])) + 7
    ax.plot([3.6, 3.6, 5.4, 5.4], [top - 1.5, top, top, top - 1.5], color=style.PALETTE[0], linewidth=1.2)
    ax.text(
        4.5,
        top + 0.8,
        f"agree (4 or 5): {pct(total)}",
        ha="center",
        va="bottom",
        fontsize=9,
        fontweight="bold",
        color=style.PALETTE[0],
    )
    ax.set_xticks(
        list(data["code"]), [f"{c}\n{label}" for c, label in zip(data["code"], data["label"], strict=True)]
    )
    ax.set_ylim(0, top + 8)
    ax.set_ylabel("% of respondents")
    ax.set_xlabel("Level of agreement")
    n = int(data["n"].iloc[0])
    headline(
        fig,
        f"{'Most' if total > 50 else 'Fewer than half of'} members said plans had outrun delivered change",
        f"{wave}, all respondents, assumed n = {n}; whiskers: {stats.LEVEL} Wilson intervals; "
        "hatched: levels 1–3",
    )
    alt = (
        "Column chart of agreement that redesign plans ran well ahead of delivered change, "
        f"{wave}, assumed n = {n}: "
        + "; ".join(f"level {int(r['code'])} ({r['label']}) {pct(r['share'])}" for _, r in data.iterrows())
        + f". Levels 4 and 5 together: {pct(total)}."
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)


def role_data(survey: Survey, wave: int = 2016) -> pd.DataFrame:
    """Return the role breakdowns behind the role chart (``stats.by_role``, disclosure-controlled)."""
    frames = []
    for item, category, _ in ROLE_PANELS:
        frame = stats.by_role(survey, item, category, wave).reset_index()
        frame["item"] = item
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def role_breakdown(survey: Survey, wave: int = 2016) -> style.ChartImage:
    """Two dot plots by governing-body role: CCG rated more influential, and GPs shape redesign."""
    data = role_data(survey, wave)
    fig, axes = style.new_figure(7.5, 4.0, ncols=2)
    for ax, (item, _category, text) in zip(axes, ROLE_PANELS, strict=True):
        part = data[data["item"] == item].reset_index(drop=True)
        ys = list(range(len(part)))[::-1]
        ordered = part.sort_values("share", na_position="first")
        lowest, highest = ordered["role"].iloc[0], ordered["role"].iloc[-1]
        for y, (_, row) in zip(ys, part.iterrows(), strict=True):
            if row["share"] is None:
                ax.text(50, y, row["share_display"], va="center", ha="center", fontsize=8)
                continue
            marker = "s" if row["role"] in (lowest, highest) else "o"
            ax.errorbar(
                row["share"],
                y,
                xerr=[[row["share"] - row["low"]], [row["high"] - row["share"]]],
                fmt=marker,
                color=style.PALETTE[0],
                capsize=2,
                markersize=6,
            )
            ax.text(row["high"] + 2, y, pct(row["share"]), va="center", fontsize=8)
        ax.set_yticks(ys, [label.split(" (")[0] for label in part["role_label"]], fontsize=8)
        ax.set_xlim(0, 110)
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel(f"% who {text}", fontsize=8)
        ax.tick_params(axis="y", length=0)
        ax.axvline(50, color=style.NEUTRAL, linewidth=0.8, linestyle=":")
    axes[1].set_yticklabels([])
    headline(
        fig,
        "Office holders rated their CCG's influence highest; GP members doubted GPs' part in redesign",
        f"{wave}, by governing-body role; n per role in the table; {stats.LEVEL} Wilson intervals; "
        "squares: highest and lowest role",
    )
    alt = f"Two dot plots by governing-body role, {wave}. " + " ".join(
        f"Share who {text.replace(chr(10), ' ')}: "
        + "; ".join(
            f"{row['role_label']} {row['share_display'] if row['share'] is None else pct(row['share'])}"
            for _, row in data[data["item"] == item].iterrows()
        )
        + "."
        for item, _c, text in ROLE_PANELS
    )
    return style.finish(fig, alt, style.RECONSTRUCTED)
