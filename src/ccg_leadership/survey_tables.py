"""Reader-facing survey tables and the numbers glued into Chapter 3.

Tables are built from :mod:`ccg_leadership.stats` results, which already apply disclosure control:
a suppressed cell shows ``[c]`` and its count and share are never carried into the table. Every table
has a ``Provenance`` column (from the ``provenance`` field of the stats results) and a visible
provenance badge above it; ``details_html`` wraps a table in a native ``<details>`` toggle so it can
sit beside its figure.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from . import provenance, stats, survey
from .survey_charts import (
    CENTRALITY_PARTS,
    COMMUNICATION_ITEMS,
    ENGAGEMENT_ROWS,
    FUTURE_ROWS,
    INFLUENCE_ROWS,
    ROLE_PANELS,
    missing,
    population_name,
)

if TYPE_CHECKING:
    import pandas as pd

WHY_DERIVED = (
    "Computed from respondent-level data reconstructed to match the published figures; the sample "
    "sizes are assumed, so counts, intervals and tests are illustrative."
)


def _share_text(value: object, display: str) -> str:
    return display if missing(value) else f"{stats.round_half_up(float(value)):.0f}"


def _interval_text(low: object, high: object, display: str) -> str:
    if missing(low) or missing(high):
        return display
    return f"{low:.1f} to {high:.1f}"


def _reader_rows(frame: pd.DataFrame, label_columns: dict[str, str]) -> pd.DataFrame:
    """Turn a stats frame (n, count, share, low, high, *_display, provenance) into reader columns."""
    import pandas as pd

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
                "95% CI (Wilson)": _interval_text(row["low"], row["high"], row["share_display"]),
                "Provenance": provenance.label(row["provenance"]),
            }
        )
        rows.append(line)
    return pd.DataFrame(rows)


def distribution_table(
    item: str, wave: int | None = None, population: str = "all", root: Path | None = None
) -> pd.DataFrame:
    """Every answer option of ``item`` per wave: base, count, share, Wilson interval, provenance."""
    frame = stats.distribution(item, wave=wave, population=population, root=root)
    table = _reader_rows(frame, {"wave": "Wave", "label": "Answer"})
    table.insert(0, "Group", population_name(population))
    return table


def rows_table(rows: tuple[tuple[str, int, str, str], ...], root: Path | None = None) -> pd.DataFrame:
    """The table behind a diverging chart: every option for each (item, wave, population) row."""
    import pandas as pd

    parts = []
    for item, wave, population, text in rows:
        part = distribution_table(item, wave, population, root)
        part.insert(0, "Question", text)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def influence_table(root: Path | None = None) -> pd.DataFrame:
    """Table behind the influence chart."""
    return rows_table(INFLUENCE_ROWS, root)


def engagement_table(root: Path | None = None) -> pd.DataFrame:
    """Table behind the GP workload and engagement chart."""
    return rows_table(ENGAGEMENT_ROWS, root)


def future_table(root: Path | None = None) -> pd.DataFrame:
    """Table behind the future-of-CCGs chart."""
    return rows_table(FUTURE_ROWS, root)


def change_table(items: dict[str, str], category: str, root: Path | None = None) -> pd.DataFrame:
    """Per item: share in each wave and the change (Newcombe interval, z-test p-value)."""
    import pandas as pd

    rows = []
    for item, name in items.items():
        change = stats.wave_change(item, category, root=root)
        shares = stats.share_by_wave(item, category, root=root)
        rows.append(
            {
                "Question": name.replace("\n", " "),
                "Answers counted": " or ".join(
                    survey.option_labels(item, root)[c] for c in stats.codes(change.category)
                ),
                f"{change.first} share % (n)": f"{_share_text(change.share_first, '')} ({change.n_first})",
                f"{change.second} share % (n)": f"{_share_text(change.share_second, '')} ({change.n_second})",
                f"{change.first} provenance": provenance.label(shares.loc[change.first, "provenance"]),
                f"{change.second} provenance": provenance.label(shares.loc[change.second, "provenance"]),
                "Change (points)": f"{change.difference:+.1f}",
                "95% interval (Newcombe)": f"{change.low:+.1f} to {change.high:+.1f}",
                "p-value (z-test)": f"{change.p_value:.3f}" if change.p_value >= 0.001 else "< 0.001",
                "Significant at 5%": "yes" if change.significant else "no",
                "Provenance of change and test": provenance.label(
                    "derived" if change.provenance == "derived" else change.provenance
                ),
            }
        )
    return pd.DataFrame(rows)


def communication_table(root: Path | None = None) -> pd.DataFrame:
    """Table behind the communication chart (good or very good, by wave, with the change)."""
    return change_table(COMMUNICATION_ITEMS, "good|very_good", root)


def centrality_table(root: Path | None = None) -> pd.DataFrame:
    """Table behind the centrality chart: every option by wave, then the change in the top two."""
    return distribution_table("leadership_centrality", root=root)


def centrality_change_table(root: Path | None = None) -> pd.DataFrame:
    """The change in the two most central options together, 2014 to 2016."""
    return change_table(
        {"leadership_centrality": "Clinical leadership central in nearly all or a significant proportion"},
        "|".join(CENTRALITY_PARTS),
        root,
    )


def role_table(wave: int = 2016, root: Path | None = None) -> pd.DataFrame:
    """Table behind the role chart: the share in each role for both panels (disclosure-controlled)."""
    import pandas as pd

    parts = []
    for item, category, text in ROLE_PANELS:
        frame = stats.by_role(item, category, wave, root=root).reset_index()
        part = _reader_rows(frame, {"role_label": "Role"})
        part.insert(0, "Share who", text.replace("\n", " "))
        part.insert(1, "Wave", wave)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def role_distribution_table(item: str, wave: int = 2016, root: Path | None = None) -> pd.DataFrame:
    """Counts of every answer by role for one wave, as a role x option grid with ``[c]`` where hidden."""
    frame = stats.distribution(item, wave=wave, by="role", root=root)
    grid = frame.pivot_table(
        index=["role_label", "n"], columns="label", values="count_display", aggfunc="first", sort=False
    )
    grid = grid.reindex(columns=list(survey.option_labels(item, root).values()))
    grid.index = grid.index.set_names(["Role", "Base n"])
    grid.columns.name = None
    return grid.reset_index()


def table_html(frame: pd.DataFrame, note: str = "", css_class: str = "survey-table") -> str:
    """Return ``frame`` as an HTML table preceded by provenance badges for the kinds it holds.

    To keep the table narrow, a column holding one value on every row (of several) is left out and
    stated once above the table instead; so is a provenance column when all rows share one kind.
    """
    kinds = []
    columns = [c for c in frame.columns if "rovenance" in str(c)]
    labels = {str(v) for c in columns for v in frame[c]}
    for kind in provenance.Provenance:
        if provenance.label(kind) in labels:
            kinds.append(kind)
    if not kinds:
        kinds = [provenance.Provenance.DERIVED]
    constant = [c for c in frame.columns if len(frame) > 1 and frame[c].astype(str).nunique() == 1]
    badges = " ".join(provenance.badge_html(k) for k in kinds)
    head = f'<p class="table-provenance"><em>Provenance:</em> {badges}'
    if provenance.Provenance.DERIVED in kinds:
        head += f" {html.escape(WHY_DERIVED)}"
    head += f" {html.escape(note)}</p>" if note else "</p>"
    shared = [
        f"{html.escape(str(c))}: {html.escape(str(frame[c].iloc[0]))}" for c in constant if c not in columns
    ]
    if shared:
        head += f'<p class="table-constants">Every row: {"; ".join(shared)}.</p>'
    body = frame.drop(columns=constant).to_html(
        classes=f"table {css_class}", border=0, escape=True, index=False
    )
    return head + f'<div class="pst-scrollable-table-container">{body}</div>'


def details_html(summary: str, frame: pd.DataFrame, note: str = "") -> str:
    """Return a collapsed ``<details>`` toggle holding the table behind a figure, with provenance."""
    return (
        f"<details class='table-behind'><summary>{html.escape(summary)}</summary>"
        + table_html(frame, note)
        + "</details>"
    )


P_BOUNDS = (0.001, 0.01, ALPHA_BOUND := stats.ALPHA)


def p_bound(p_value: float) -> float:
    """Return the smallest of 0.001, 0.01 and alpha that ``p_value`` is below (for "p < ..." prose).

    Raises ValueError for a p-value at or above alpha: such a result is reported with its own value.
    """
    for bound in P_BOUNDS:
        if p_value < bound:
            return float(bound)
    raise ValueError(f"p = {p_value:.3f} is not below {ALPHA_BOUND}; report the value itself")


def _pct(value: float | None, what: str) -> float:
    if value is None:
        raise ValueError(f"{what}: value is suppressed and cannot be shown")
    return stats.round_half_up(float(value))


def chapter_numbers(root: Path | None = None) -> dict[str, float | int]:
    """Every number glued into Chapter 3, computed from the survey data (shares rounded half up).

    Keys are glue names without the ``ch3_`` prefix. Shares are whole percentages as floats; p-values
    and interval ends are unrounded floats; counts are ints.
    """

    def share(item: str, category: str, wave: int, population: str = "all") -> float:
        value = stats.share_by_wave(item, category, population, root).loc[wave, "share"]
        return _pct(value, f"{item} {category} {wave} {population}")

    def role_share(item: str, category: str, wave: int, role: str) -> float:
        return _pct(stats.by_role(item, category, wave, root).loc[role, "share"], f"{item} {role}")

    out: dict[str, float | int] = {}
    per_wave = survey.respondents_per_wave(root)
    out["respondents_2014"], out["respondents_2016"] = per_wave[2014], per_wave[2016]
    # influence (Q11, Q12, Q13)
    for wave in (2014, 2016):
        out[f"ccg_more_{wave}"] = share("ccg_relative_influence", "somewhat_more|much_more", wave)
        out[f"ccg_less_{wave}"] = share("ccg_relative_influence", "much_less|somewhat_less", wave)
        out[f"nhse_high_{wave}"] = share("nhse_influence", "quite_a_lot|very_extensive", wave)
    out["weight_gps_2016"] = share("gp_vs_manager_influence", "gps_somewhat_more|gps_much_more", 2016)
    out["weight_managers_2016"] = share(
        "gp_vs_manager_influence", "managers_much_more|managers_somewhat_more", 2016
    )
    out["weight_equal_2016"] = share("gp_vs_manager_influence", "about_equal", 2016)
    # vision (Q1, Q2, Q2a, Q2b)
    vision = stats.wave_change("vision_setter", "both_equally", root=root)
    out["vision_2014"] = _pct(vision.share_first, "vision 2014")
    out["vision_2016"] = _pct(vision.share_second, "vision 2016")
    out["vision_change"] = stats.round_half_up(vision.difference)
    out["vision_change_low"], out["vision_change_high"] = vision.low, vision.high
    out["vision_p"] = vision.p_value
    out["vision_p_bound"] = p_bound(vision.p_value)
    out["vision_clinicians_2016"] = share("vision_setter", "clinicians", 2016)
    out["vision_managers_2016"] = share("vision_setter", "managers", 2016)
    # communication (Q14, Q15)
    for item, key in (("comm_secondary_care", "comm_secondary"), ("comm_public", "comm_public")):
        change = stats.wave_change(item, "good|very_good", root=root)
        out[f"{key}_2014"] = _pct(change.share_first, item)
        out[f"{key}_2016"] = _pct(change.share_second, item)
        out[f"{key}_change"] = float(change.difference)
        out[f"{key}_p"] = change.p_value
        out[f"{key}_p_bound"] = p_bound(change.p_value)
    # centrality (Q3, Q4, Q4a, Q5)
    out["central_nearly_all"] = share("leadership_centrality", "nearly_all", 2016)
    out["central_significant"] = share("leadership_centrality", "significant_proportion", 2016)
    central = stats.wave_change("leadership_centrality", "|".join(CENTRALITY_PARTS), root=root)
    out["central_2014"] = _pct(central.share_first, "centrality 2014")
    out["central_2016"] = _pct(central.share_second, "centrality 2016")
    out["central_change"] = float(central.difference)
    out["central_change_low"], out["central_change_high"] = central.low, central.high
    out["central_p"] = central.p_value
    # primary-care link (Q6) and collaborations (Q7-Q9a)
    out["link_gp_managers"] = share("primary_care_link", "gp_members", 2016, "managers")
    out["link_managers_managers"] = share("primary_care_link", "managers", 2016, "managers")
    out["link_jointly_managers"] = share("primary_care_link", "jointly", 2016, "managers")
    out["link_gp_all"] = share("primary_care_link", "gp_members", 2016)
    out["n_managers_2016"] = int(stats.share_by_wave("primary_care_link", 1, "managers", root).loc[2016, "n"])
    out["collab_managers"] = share("collaboration_builder", "managers_alone", 2016)
    out["collab_jointly"] = share("collaboration_builder", "jointly", 2016)
    out["collab_clinicians"] = share("collaboration_builder", "clinicians", 2016)
    out["collab_three"] = share("collaboration_builder", "managers_alone|jointly|clinicians", 2016)
    # plans vs change (Q10)
    out["plans_agree"] = share("plans_exceed_change", "agree|strongly_agree", 2016)
    out["plans_disagree"] = share("plans_exceed_change", "strongly_disagree|disagree", 2016)
    # roles (Q16-Q18)
    for role in ("chair", "accountable_officer", "chief_finance_officer", "gp_member"):
        out[f"role_ccg_more_{role}"] = role_share(
            "ccg_relative_influence", "somewhat_more|much_more", 2016, role
        )
        out[f"role_redesign_{role}"] = role_share("gp_influence_redesign", "agree|strongly_agree", 2016, role)
    redesign = stats.by_role("gp_influence_redesign", "agree|strongly_agree", 2016, root)
    others = [s for r, s in redesign["share"].items() if r != "gp_member" and s is not None]
    out["role_redesign_next_lowest"] = _pct(min(others), "next-lowest role")
    out["redesign_all_2016"] = share("gp_influence_redesign", "agree|strongly_agree", 2016)
    # GP workload and engagement (Q19)
    out["workload_agree_gp"] = share("workload_impedes_engagement", "agree|strongly_agree", 2016, "gp_member")
    out["workload_disagree_gp"] = share(
        "workload_impedes_engagement", "strongly_disagree|disagree", 2016, "gp_member"
    )
    out["declining_agree_gp"] = share("gp_engagement_declining", "agree|strongly_agree", 2016, "gp_member")
    out["declining_disagree_gp"] = share(
        "gp_engagement_declining", "strongly_disagree|disagree", 2016, "gp_member"
    )
    # future (Q20, Q21)
    out["survival_unlikely_2016"] = share("ccg_survival", "very_unlikely|unlikely", 2016)
    out["survival_likely_2016"] = share("ccg_survival", "likely|very_likely", 2016)
    out["survival_unlikely_2014"] = share("ccg_survival", "very_unlikely|unlikely", 2014)
    out["keep_commissioning_2016"] = share("commissioning_worth_keeping", "agree|strongly_agree", 2016)
    out["alpha_pct"] = float(stats.ALPHA * 100)
    out["interval_level"] = float(round((1 - stats.ALPHA) * 100, 6))
    for key, value in out.items():
        if not isinstance(value, int | float) or type(value).__module__ != "builtins":
            raise TypeError(f"{key}: {type(value)} is not a plain int or float")
    return out
