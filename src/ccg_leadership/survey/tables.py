"""Reader-facing survey tables: the tables behind the Chapter 3 figures.

Tables are built from :mod:`ccg_leadership.survey.stats` results, which already apply disclosure
control: a suppressed cell shows ``[c]`` and its count and share are never carried into the table.
Every table has a ``Provenance`` column (from the ``provenance`` field of the stats results) and a
visible provenance badge above it; ``details_html`` wraps a table in a native ``<details>`` toggle so
it can sit beside its figure.
"""

from __future__ import annotations

import pandas as pd

from .. import html, provenance
from ..html import percent
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

WHY_DERIVED = (
    "Computed from respondent-level data reconstructed to match the published figures; the sample "
    "sizes are assumed, so counts, intervals and tests are illustrative."
)


def respondents_table(survey: Survey) -> pd.DataFrame:
    """Respondents of the respondent file per role (rows) and wave (columns), with a total row."""
    table = survey.respondents_per_role()
    table.index.name = "role (illustrative); respondents per wave"
    return table


def _share_text(value: object, display: str) -> str:
    return percent(value, unit="", missing=display)


def _interval_text(low: object, high: object, display: str) -> str:
    return html.interval(low, high, missing=display)


def _reader_rows(frame: pd.DataFrame, label_columns: dict[str, str]) -> pd.DataFrame:
    """Turn a stats frame (n, count, share, low, high, *_display, provenance) into reader columns."""
    rows = []
    columns = {name: frame[name].tolist() for name in frame.columns}
    for values in zip(*columns.values(), strict=True):
        row = dict(zip(columns, values, strict=True))
        line = {title: row[column] for column, title in label_columns.items()}
        line.update(
            {
                "Base n": int(row["n"]),
                "Count": row["count_display"],
                "Share %": _share_text(row["share"], row["share_display"]),
                f"{stats.LEVEL} CI (Wilson)": _interval_text(row["low"], row["high"], row["share_display"]),
                "Provenance": provenance.label(row["provenance"]),
            }
        )
        rows.append(line)
    return pd.DataFrame(rows)


def distribution_table(
    survey: Survey, item: str, wave: int | None = None, population: str = "all"
) -> pd.DataFrame:
    """Every answer option of ``item`` per wave: base, count, share, Wilson interval, provenance."""
    frame = stats.distribution(survey, item, wave=wave, population=population)
    table = _reader_rows(frame, {"wave": "Wave", "label": "Answer"})
    table.insert(0, "Group", population_name(survey, population))
    return table


def rows_table(survey: Survey, rows: tuple[tuple[str, int, str, str], ...]) -> pd.DataFrame:
    """The table behind a diverging chart: every option for each (item, wave, population) row."""
    parts = []
    for item, wave, population, text in rows:
        part = distribution_table(survey, item, wave, population)
        part.insert(0, "Question", text)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def influence_table(survey: Survey) -> pd.DataFrame:
    """Table behind the influence chart."""
    return rows_table(survey, INFLUENCE_ROWS)


def engagement_table(survey: Survey) -> pd.DataFrame:
    """Table behind the GP workload and engagement chart."""
    return rows_table(survey, ENGAGEMENT_ROWS)


def future_table(survey: Survey) -> pd.DataFrame:
    """Table behind the future-of-CCGs chart."""
    return rows_table(survey, FUTURE_ROWS)


def _shares_provenance(first: int, second: int, kinds: tuple[str, str]) -> str:
    """The provenance of the two waves' shares in one cell: ``both waves: reported by the study``."""
    if kinds[0] == kinds[1]:
        return f"both waves: {provenance.label(kinds[0]).lower()}"
    return f"{first}: {provenance.label(kinds[0]).lower()}; {second}: {provenance.label(kinds[1]).lower()}"


def change_table(survey: Survey, items: dict[str, str], category: str) -> pd.DataFrame:
    """Per item: share in each wave and the change (Newcombe interval, z-test p-value), eight columns.

    The change cell carries its interval and the test cell whether it is significant at the 5% level.
    """
    rows = []
    for item, name in items.items():
        change = stats.wave_change(survey, item, category)
        shares = stats.share_by_wave(survey, item, category)
        p_text = f"{change.p_value:.3f}" if change.p_value >= 0.001 else "< 0.001"
        rows.append(
            {
                "Question": name.replace("\n", " "),
                "Answers counted": " or ".join(
                    survey.option_labels(item)[c] for c in stats.codes(change.category)
                ),
                f"{change.first} share % (n)": f"{_share_text(change.share_first, '')} ({change.n_first})",
                f"{change.second} share % (n)": f"{_share_text(change.share_second, '')} ({change.n_second})",
                "Provenance of the shares": _shares_provenance(
                    change.first,
                    change.second,
                    (shares.loc[change.first, "provenance"], shares.loc[change.second, "provenance"]),
                ),
                f"Change, points ({stats.LEVEL} Newcombe interval)": (
                    f"{change.difference:+.1f} ({change.low:+.1f} to {change.high:+.1f})"
                ),
                "p-value (z-test)": (
                    f"{p_text}; {'' if change.significant else 'not '}significant at {stats.ALPHA_TEXT}"
                ),
                "Provenance of change and test": provenance.label(change.provenance),
            }
        )
    return pd.DataFrame(rows)


def communication_table(survey: Survey) -> pd.DataFrame:
    """Table behind the communication chart (good or very good, by wave, with the change)."""
    return change_table(survey, COMMUNICATION_ITEMS, "good|very_good")


def centrality_table(survey: Survey) -> pd.DataFrame:
    """Table behind the centrality chart: every option by wave, then the change in the top two."""
    return distribution_table(survey, "leadership_centrality")


def centrality_change_table(survey: Survey) -> pd.DataFrame:
    """The change in the two most central options together, 2014 to 2016."""
    return change_table(
        survey,
        {"leadership_centrality": "Clinical leadership central in nearly all or a significant proportion"},
        "|".join(CENTRALITY_PARTS),
    )


def role_table(survey: Survey, wave: int = 2016) -> pd.DataFrame:
    """Table behind the role chart: the share in each role for both panels (disclosure-controlled)."""
    parts = []
    for item, category, text in ROLE_PANELS:
        frame = stats.by_role(survey, item, category, wave).reset_index()
        part = _reader_rows(frame, {"role_label": "Role"})
        part.insert(0, "Share who", text.replace("\n", " "))
        part.insert(1, "Wave", wave)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def role_distribution_table(survey: Survey, item: str, wave: int = 2016) -> pd.DataFrame:
    """Counts of every answer by role for one wave, as a role x option grid with ``[c]`` where hidden."""
    frame = stats.distribution(survey, item, wave=wave, by="role")
    grid = frame.pivot_table(
        index=["role_label", "n"], columns="label", values="count_display", aggfunc="first", sort=False
    )
    grid = grid.reindex(columns=list(survey.option_labels(item).values()))
    grid.index = grid.index.set_names(["Role", "Base n"])
    grid.columns.name = None
    return grid.reset_index()


def details_html(summary: str, frame: pd.DataFrame, note: str = "") -> str:
    """Return a collapsed ``<details>`` toggle holding the table behind a figure, with provenance.

    Provenance is read from the table's provenance column(s); a column holding one value on every row
    is stated once above the table.
    """
    table = html.table_html(
        frame, None, note, "survey-table", derived_note=WHY_DERIVED, fold_constants=True, label=summary
    )
    return html.details_html(summary, table)
