"""The study's design: phases, dates and design facts (chapters 1 and 2)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.patches import Patch

from . import provenance, style
from .datafiles import DataFileError, check_field_counts
from .paths import data_dir
from .schemas import read_table


def load_phases(root: Path | None = None) -> pd.DataFrame:
    """Return the study phases (``data/study/phases.csv``), validated, indexed by phase number."""
    root = root or data_dir()
    return read_table(root / "study" / "phases.csv", "phases", root).set_index("phase").sort_index()


def load_facts(root: Path | None = None) -> pd.DataFrame:
    """Return the design facts (``data/study/facts.csv``), validated, indexed by key."""
    root = root or data_dir()
    return read_table(root / "study" / "facts.csv", "facts", root).set_index("key")


def fact(key: str, root: Path | None = None) -> int | str:
    """Return one design fact: an ``int`` for counts and years, else the text (e.g. an ISO date)."""
    facts = load_facts(root)
    if key not in facts.index:
        raise KeyError(f"no fact {key!r} in data/study/facts.csv; known: {', '.join(facts.index)}")
    value = str(facts.loc[key, "value"]).strip()
    return int(value) if value.isdigit() else value


def facts(root: Path | None = None) -> dict[str, int | str]:
    """Return every design fact (see :func:`fact`), keyed by name."""
    return {str(key): fact(str(key), root) for key in load_facts(root).index}


SMALL_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)


def in_words(number: int) -> str:
    """Write a count as prose does: words up to twenty ("six CCGs"), digits above."""
    return SMALL_NUMBERS[number] if 0 <= number < len(SMALL_NUMBERS) else str(number)


def fact_in_words(key: str, root: Path | None = None) -> str:
    """Return a count fact written as prose does (see :func:`in_words`)."""
    value = fact(key, root)
    if not isinstance(value, int):
        raise TypeError(f"fact {key!r} is not a count: {value!r}")
    return in_words(value)


def _months(start_key: str, end_key: str, root: Path | None) -> int:
    start = pd.Timestamp(str(fact(start_key, root)))
    end = pd.Timestamp(str(fact(end_key, root)))
    return int((end.year - start.year) * 12 + end.month - start.month + 1)


def study_months(root: Path | None = None) -> int:
    """Return the length of the study period stated in Chapter 1, in whole calendar months (inclusive)."""
    return _months("study_start", "study_end", root)


def funded_months(root: Path | None = None) -> int:
    """Return the length of the funded period (S7: three years), in whole calendar months (inclusive)."""
    return _months("funded_start", "funded_end", root)


def phase_count(root: Path | None = None) -> int:
    """Return the number of phases, the one source of that count: the rows of ``data/study/phases.csv``.

    The design fact ``phases`` in ``data/study/facts.csv`` must agree; if it does not, a DataFileError
    names that file, the row and both values.
    """
    count = int(len(load_phases(root)))
    facts = load_facts(root)
    if "phases" in facts.index and str(facts.loc["phases", "value"]) != str(count):
        row = list(facts.index).index("phases") + 1
        raise DataFileError(
            f"{(root or data_dir()) / 'study' / 'facts.csv'}: row {row} (line {row + 1}), column value: "
            f"phases = {facts.loc['phases', 'value']} but data/study/phases.csv has {count} phases; "
            "expected the same number"
        )
    return count


def check_phase_units(root: Path | None = None) -> None:
    """Check that each phase's ``units`` equals the design fact its ``units_fact`` names.

    The timeline table prints a phase's units (15 CCGs) and the prose prints the fact
    (``scoping_ccgs``): one count in two files, so the build refuses them disagreeing. A DataFileError
    names ``phases.csv``, the row, line and column, and both values.
    """
    root = root or data_dir()
    path = root / "study" / "phases.csv"
    phases = read_table(path, "phases", root)  # in file order, as the rows are counted
    lines = check_field_counts(path, path.read_text(encoding="utf-8-sig"))
    facts = load_facts(root)
    for row, phase in enumerate(phases.to_dict("records"), start=1):
        key, number = phase.get("units_fact"), phase["phase"]
        if key is None or pd.isna(key) or not str(key).strip():
            continue
        where = f"{path}: row {row} (line {lines[row - 1]})"
        if key not in facts.index:
            raise DataFileError(
                f"{where}, column units_fact: no fact {key!r} in data/study/facts.csv "
                f"(found {key!r}; expected one of {', '.join(facts.index)})"
            )
        stated = str(facts.loc[key, "value"]).strip()
        units = phase["units"]
        if pd.isna(units) or str(int(units)) != stated:
            raise DataFileError(
                f"{where}, column units: phase {number} has {units} {phase['unit_label']} but the fact "
                f"{key} in data/study/facts.csv says {stated} (found {units}; expected {stated})"
            )


def month_year(key: str, root: Path | None = None) -> str:
    """Return a date fact as prose writes it (``November 2013``)."""
    return f"{pd.Timestamp(str(fact(key, root))):%B %Y}"


def timeline_table(root: Path | None = None) -> pd.DataFrame:
    """Return the phases as a reader-facing table with a provenance label for their timing."""
    phases = load_phases(root)
    table = phases[["name", "method", "start", "end"]].copy()
    table["units studied"] = [
        "" if u is None or str(u) == "<NA>" else f"{int(u)} {lab}"
        for u, lab in zip(phases["units"], phases["unit_label"], strict=True)
    ]
    table["timing"] = [_timing_label(t) for t in phases["timing_provenance"]]
    table.index.name = "phase"
    return table


def _timing_label(kind: str) -> str:
    if kind == "reported-year":
        return "Year reported; months illustrative"
    return provenance.label(kind)


TIMELINE_SOURCE = (
    "Source: Storey et al. 2018 (phases, survey years); months within the years, and the timing of "
    "phases whose dates are not published, are illustrative."
)


def timeline_figure(root: Path | None = None) -> style.ChartImage:
    """Draw the phases on a time axis; phases whose timing is not published are hatched."""
    phases = load_phases(root)
    start, end = pd.Timestamp(str(fact("study_start", root))), pd.Timestamp(str(fact("study_end", root)))
    fig, ax = style.new_figure(7.5, 3.4)
    for row, (number, phase) in enumerate(phases.iterrows()):
        left = pd.Timestamp(phase["start"] + "-01")
        right = pd.Timestamp(phase["end"] + "-01") + pd.offsets.MonthEnd(1)
        reported = phase["timing_provenance"] == "reported-year"
        ax.barh(
            row,
            (right - left).days,
            left=left,
            height=0.6,
            color=style.PALETTE[0] if reported else "white",
            edgecolor=style.PALETTE[0],
            hatch=None if reported else "///",
            linewidth=1.2,
        )
        ax.text(left, row - 0.42, f"{number}. {phase['name']}", fontsize=9, va="bottom")
    funded = pd.Timestamp(str(fact("funded_start", root))), pd.Timestamp(str(fact("funded_end", root)))
    ax.axvspan(*funded, color=style.NEUTRAL, alpha=0.25, zorder=0)
    ax.set_yticks([])
    ax.set_ylim(len(phases) - 0.4, -1.0)
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.spines["left"].set_visible(False)
    ax.legend(
        handles=[
            Patch(facecolor=style.PALETTE[0], label="Survey year reported by the study"),
            Patch(
                facecolor="white",
                edgecolor=style.PALETTE[0],
                hatch="///",
                label="Timing illustrative (not published)",
            ),
            Patch(
                facecolor=style.NEUTRAL,
                alpha=0.25,
                label=f"Funded period, {funded[0]:%b %Y} to {funded[1]:%b %Y}",
            ),
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, -0.32),
        ncol=3,
        fontsize=8,
    )
    style.headline(
        fig,
        "The national surveys framed the fieldwork",
        f"{in_words(phase_count(root)).capitalize()} phases, {start:%B %Y} to {end:%B %Y}; "
        "only the survey years are published",
    )
    alt = (
        f"Timeline of the study's {phase_count(root)} phases between {start:%B %Y} and {end:%B %Y}. "
        + "; ".join(
            f"phase {n}, {p['name']}, drawn from {p['start']} to {p['end']}"
            + (" (year reported)" if p["timing_provenance"] == "reported-year" else " (timing illustrative)")
            for n, p in phases.iterrows()
        )
        + "."
    )
    return style.finish(fig, alt, TIMELINE_SOURCE)
