"""Figures of the case studies: where initiatives arose around the CCG, and the cross-case matrix.

Both are drawn through :mod:`ccg_leadership.style`; text printed on the chart carries every category,
so colour is never the only cue.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.colors import to_rgb
from matplotlib.patches import FancyBboxPatch, Patch, Rectangle

from .. import style
from .records import DRIVER_SHORT, DRIVERS, ORIGINS, SECTORS, CaseRecords
from .tables import MATRIX_DIMENSIONS, comparison_matrix

DRIVER_STYLE: dict[str, tuple[str, str]] = {
    "ccg_clinical_leads": (style.PALETTE[0], "solid"),
    "manager_clinician_group": (style.PALETTE[2], "dashed"),
    "outside_leaders": (style.PALETTE[4], "dotted"),
}
"""Fill colour and border style per driver (white text on each fill has at least 7:1 contrast)."""

# Zones of the diagram in data coordinates (x0, y0, width, height) on a 10 x 6.4 canvas.
_ZONES = {
    "above": (0.2, 5.0, 9.6, 1.2),
    "below": (0.2, 0.2, 9.6, 1.2),
    "around_left": (0.2, 1.6, 2.6, 3.2),
    "around_right": (7.2, 1.6, 2.6, 3.2),
}
_CCG_BOX = (3.3, 2.3, 3.4, 1.8)


def case_positions(records: CaseRecords) -> pd.DataFrame:
    """Return where each case is drawn: case, origin, driver, x, y (cases of one origin share its zone)."""
    rows = []
    for origin in ORIGINS:
        group = records.values[records.values["origin"] == origin]
        if origin == "around":
            left, right = group.iloc[: (len(group) + 1) // 2], group.iloc[(len(group) + 1) // 2 :]
            for zone, part in (("around_left", left), ("around_right", right)):
                x0, y0, w, h = _ZONES[zone]
                for i, (_, row) in enumerate(part.iterrows()):
                    y = y0 + h - (i + 0.5) * h / max(len(part), 1) - 0.15
                    rows.append((row["case"], origin, row["driver"], x0 + w / 2, y))
        else:
            x0, y0, w, h = _ZONES[origin]
            for i, (_, row) in enumerate(group.iterrows()):
                x = x0 + (i + 0.5) * w / max(len(group), 1)
                rows.append((row["case"], origin, row["driver"], x, y0 + h / 2 - 0.12))
    return pd.DataFrame(rows, columns=["case", "origin", "driver", "x", "y"])


def origins_figure(records: CaseRecords) -> style.ChartImage:
    """Draw the CCG with zones above, below and around it, and each case in the zone where it arose."""
    positions = case_positions(records)
    fig, ax = style.new_figure(7.5, 5.2)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6.6)
    ax.set_axis_off()
    zone_text = {
        "above": "ABOVE the CCG: regional groupings",
        "below": "BELOW the CCG: localities",
        "around_left": "AROUND the CCG:\ncollaborations",
        "around_right": "AROUND the CCG:\ncollaborations",
    }
    for zone, (x0, y0, w, h) in _ZONES.items():
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0), w, h, boxstyle="round,pad=0.02", facecolor="#F3F2F1", edgecolor=style.NEUTRAL
            )
        )
        ax.text(x0 + 0.1, y0 + h - 0.08, zone_text[zone], fontsize=8, va="top", color="#505A5F")
    x0, y0, w, h = _CCG_BOX
    ax.add_patch(
        FancyBboxPatch(
            (x0, y0), w, h, boxstyle="round,pad=0.05", facecolor="white", edgecolor=style.TEXT, lw=1.5
        )
    )
    ax.text(
        x0 + w / 2, y0 + h / 2 + 0.25, "The CCG", ha="center", va="center", fontsize=12, fontweight="bold"
    )
    ax.text(
        x0 + w / 2,
        y0 + h / 2 - 0.35,
        "collaborations around it involve neighbouring\nCCGs, councils, providers, voluntary bodies",
        ha="center",
        va="center",
        fontsize=7.5,
        color="#505A5F",
    )
    for _, case in positions.iterrows():
        colour, line = DRIVER_STYLE[case["driver"]]
        ax.text(
            case["x"],
            case["y"],
            f"{case['case']}\n{DRIVER_SHORT[case['driver']]}",
            ha="center",
            va="center",
            fontsize=7.5,
            color="white",
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.35", "facecolor": colour, "edgecolor": "black", "linestyle": line},
        )
    ax.legend(
        handles=[
            Patch(facecolor=DRIVER_STYLE[k][0], edgecolor="black", linestyle=DRIVER_STYLE[k][1], label=label)
            for k, label in DRIVERS.items()
        ],
        title="Who drove it (also printed in each box)",
        title_fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=2,
        fontsize=8,
    )
    style.headline(
        fig,
        "Initiatives arose above, below and around the CCG",
        f"The {len(positions)} case records placed by where their initiative arose; "
        "which case sits where is illustrative",
    )
    alt = (
        "Diagram of a CCG in the centre with a zone above it for regional groupings, a zone below it for "
        "localities and zones on either side for collaborations around it. "
        + " ".join(
            f"{ORIGINS[o]}: "
            + (
                ", ".join(
                    f"{c} (driven by {DRIVER_SHORT[d]})"
                    for c, d in positions[positions["origin"] == o][["case", "driver"]].itertuples(
                        index=False
                    )
                )
                or "no case"
            )
            + "."
            for o in ORIGINS
        )
        + " Placement of the cases is illustrative; the three places are the study's finding."
    )
    return style.finish(fig, alt, style.PLACEHOLDER_CASES)


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """Mix ``colour`` with white (amount 0 = white, 1 = the colour)."""
    return tuple(1 - amount * (1 - c) for c in to_rgb(colour))


def matrix_colours(matrix: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, float]]:
    """Return the fill of every (dimension, category): light tints per category, teal for 'involved'."""
    colours: dict[tuple[str, str], tuple[float, float, float]] = {}
    for column in matrix.columns:
        if column in SECTORS:
            colours[(column, "yes")] = _tint(style.PALETTE[1], 0.55)
            colours[(column, "no")] = (1.0, 1.0, 1.0)
            continue
        for i, category in enumerate(sorted(matrix[column].unique())):
            colours[(column, category)] = _tint(style.PALETTE[(i * 2) % len(style.PALETTE)], 0.28)
    return colours


def matrix_figure(records: CaseRecords) -> style.ChartImage:
    """Draw the cases x dimensions matrix as coloured cells with the category printed in each cell."""
    matrix = comparison_matrix(records)
    colours = matrix_colours(matrix)
    n_rows, n_cols = matrix.shape
    widths = [1.0 for _ in matrix.columns]
    widths[list(matrix.columns).index("Driver")] = 2.0
    lefts = [sum(widths[:i]) for i in range(n_cols)]
    fig, ax = style.new_figure(7.5, 0.4 * n_rows + 1.9)
    for r, (_case, row) in enumerate(matrix.iterrows()):
        for c, column in enumerate(matrix.columns):
            value = str(row[column])
            ax.add_patch(
                Rectangle(
                    (lefts[c], r), widths[c], 1, facecolor=colours[(column, value)], edgecolor="white", lw=1.5
                )
            )
            text = ("yes" if value == "yes" else "–") if column in SECTORS else value
            ax.text(lefts[c] + widths[c] / 2, r + 0.5, text, ha="center", va="center", fontsize=7.5)
    ax.set_xlim(0, sum(widths))
    ax.set_ylim(n_rows, 0)
    ax.set_yticks([r + 0.5 for r in range(n_rows)], list(matrix.index))
    ax.set_xticks(
        [lefts[c] + widths[c] / 2 for c in range(n_cols)], [c.replace(" ", "\n") for c in matrix.columns]
    )
    ax.xaxis.tick_top()
    ax.tick_params(axis="x", length=0, labelsize=7.5)
    ax.tick_params(axis="y", length=0, labelsize=8)
    for spine in ax.spines.values():
        spine.set_visible(False)
    style.headline(
        fig,
        "The case records side by side",
        f"{n_rows} cases x {n_cols} dimensions; every cell is illustrative (the editors' placeholders)",
    )
    alt = (
        f"Matrix of {n_rows} cases (rows) by {n_cols} dimensions (columns: {', '.join(MATRIX_DIMENSIONS)}), "
        "each cell coloured by its category with the category printed in it. "
        + " ".join(
            f"{case}: "
            + ", ".join(f"{c.lower()} {v}" if c not in SECTORS else f"{c} {v}" for c, v in row.items())
            + "."
            for case, row in matrix.iterrows()
        )
        + " All values illustrative."
    )
    return style.finish(fig, alt, style.PLACEHOLDER_CASES)
