"""Reader-facing tables of the case records: register, comparison matrix, counts, checks and themes.

Plain functions of the loaded :class:`~ccg_leadership.cases.records.CaseRecords` (and, for the
published survey figures, of the :class:`~ccg_leadership.survey.data.Survey`); none reads a file.
"""

from __future__ import annotations

import html

import pandas as pd

from .. import html as html_tables
from ..survey.data import Survey
from ..survey.findings import FindingsNotHeld, check_findings, failure_line
from .records import (
    DRIVER_SHORT,
    DRIVERS,
    FIELD_LABELS,
    ORGANISATION_SECTORS,
    ORIGIN_SHORT,
    ORIGINS,
    REGISTER_LABELS,
    SECTORS,
    VERIFIED_REGIONS,
    CaseRecords,
    text_or_none,
)


def cases_per_ccg(records: CaseRecords) -> pd.Series:
    """Return the number of cases in each CCG, indexed by CCG label."""
    return records.values.groupby("ccg").size().rename("cases")


def summary_counts(records: CaseRecords) -> dict[str, int]:
    """Return the design counts implied by the records (plain ints, ready to glue)."""
    per_ccg = cases_per_ccg(records)
    return {
        "cases": int(len(records.values)),
        "ccgs": int(per_ccg.size),
        "ccgs_with_two_cases": int((per_ccg == 2).sum()),
        "ccgs_with_one_case": int((per_ccg == 1).sum()),
        "regions": int(records.values["region"].nunique()),
    }


def verified_fact_checks(records: CaseRecords, facts: dict[str, int | str]) -> pd.DataFrame:
    """Compare the records with the study's verified aggregate facts; one row per fact.

    ``facts``: the design facts (``study.facts()``, from ``data/study/facts.csv``); the sets come from
    the fact sheet (S1/S3).
    """
    values = records.values
    counts = summary_counts(records)
    rows = [
        ("CCGs studied in depth", facts["case_ccgs"], counts["ccgs"], "S1"),
        ("cases of service redesign", facts["cases"], counts["cases"], "S1"),
        (
            "CCGs contributing two cases",
            facts["ccgs_with_two_cases"],
            counts["ccgs_with_two_cases"],
            "S1",
        ),
        ("regions covered", "North, Midlands, South", ", ".join(sorted(set(values["region"]))), "S1"),
        ("settings include rural and urban", "yes", _yes({"rural", "urban"} <= set(values["setting"])), "S1"),
        (
            "areas include deprived and affluent",
            "yes",
            _yes({"deprived", "affluent"} <= set(values["deprivation"])),
            "S1",
        ),
    ]
    table = pd.DataFrame(rows, columns=["fact", "study", "records", "source"])
    table["study"] = table["study"].astype(str)
    table["records"] = table["records"].astype(str)
    expected_regions = ", ".join(sorted(VERIFIED_REGIONS))
    table.loc[table["fact"] == "regions covered", "study"] = expected_regions
    table["agrees"] = [_yes(a == b) for a, b in zip(table["study"], table["records"], strict=True)]
    return table.set_index("fact")


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def register_table(records: CaseRecords) -> pd.DataFrame:
    """Return the case register: one row per case with its labels, setting and redesign.

    Reported values carry ``(reported, Sx)`` after them; every other cell is illustrative.
    """
    columns = ["ccg", "region", "setting", "deprivation", "service_area", "origin", "driver"]
    rows = []
    for record, row in records.values.iterrows():
        cells = {"case": str(row["case"])}
        for field in columns:
            text = _display(field, str(row[field]))
            kind, source, _ = records.field_provenance(str(record), field)
            cells[field] = f"{text} (reported, {source})" if kind == "reported" else text
        rows.append(cells)
    table = pd.DataFrame(rows).set_index("case")
    return table.rename(columns=REGISTER_LABELS)


def _display(field: str, value: str) -> str:
    return {"origin": ORIGIN_SHORT, "driver": DRIVER_SHORT}.get(field, {}).get(value, value)


REPORTED_THEMES = (
    "The study reports that its most notable redesigns were integrated care for frail elderly people "
    "and for people with long-term conditions (source S3); it does not say in which CCG or region "
    "they took place, so this edition assigns them to no case."
)


def register_html(records: CaseRecords, page_prefix: str = "cases/") -> str:
    """Return the register as an HTML table whose case labels link to the case pages."""
    table = register_table(records).reset_index()
    table["case"] = [
        f'<a href="{page_prefix}{record}.html">{html.escape(str(case))}</a>'
        for record, case in zip(records.values.index, table["case"], strict=True)
    ]
    table = table.rename(columns={"case": "Case"})
    reported = any(kind == "reported" for kind in records.provenance["provenance"])
    note = "Every cell is an editors' placeholder"
    note += " except those marked 'reported' with a source id." if reported else "."
    return html_tables.table_html(
        table,
        ["reported", "illustrative"] if reported else "illustrative",
        f"{note} {REPORTED_THEMES}",
        "case-register",
        html_columns=("Case",),
    )


MATRIX_DIMENSIONS: tuple[str, ...] = ("Region", "Setting", "Deprivation", "Origin", "Driver", *SECTORS)
"""The columns of the cross-case comparison matrix."""


def comparison_matrix(records: CaseRecords) -> pd.DataFrame:
    """Return the cases × dimensions matrix as category text (sector columns: 'yes' or 'no')."""
    rows = []
    for record, row in records.values.iterrows():
        sectors = {ORGANISATION_SECTORS[o] for o in records.organisations(str(record))}
        cells = {
            "Region": row["region"],
            "Setting": row["setting"],
            "Deprivation": row["deprivation"],
            "Origin": row["origin"],
            "Driver": DRIVER_SHORT[row["driver"]],
        }
        cells.update({s: "yes" if s in sectors else "no" for s in SECTORS})
        rows.append({"case": row["case"], **cells})
    return pd.DataFrame(rows).set_index("case").rename_axis("Case")[list(MATRIX_DIMENSIONS)]


def counts_by(records: CaseRecords, field: str) -> pd.DataFrame:
    """Return the number of cases per category of ``field`` (origin or driver), all categories shown."""
    labels = {"origin": ORIGINS, "driver": DRIVERS}[field]
    counts = records.values[field].value_counts().reindex(list(labels), fill_value=0)
    return pd.DataFrame(
        {FIELD_LABELS[field]: [labels[k] for k in labels], "cases": [int(v) for v in counts]}
    ).set_index(FIELD_LABELS[field])


def origin_by_driver(records: CaseRecords) -> pd.DataFrame:
    """Return a cross-tabulation of cases by origin (rows) and driver (columns), with totals."""
    table = pd.crosstab(
        records.values["origin"].map(ORIGINS),
        records.values["driver"].map(DRIVERS),
        margins=True,
        margins_name="All",
    )
    order_rows = [v for v in ORIGINS.values() if v in table.index] + ["All"]
    order_cols = [v for v in DRIVERS.values() if v in table.columns] + ["All"]
    table = table.reindex(index=order_rows, columns=order_cols, fill_value=0)
    table.index.name = "Where it arose (rows) / who drove it (columns)"
    table.columns.name = None
    return table


def provenance_summary(records: CaseRecords) -> pd.DataFrame:
    """Return how many fields of each record are reported and illustrative."""
    table = records.provenance.reset_index().pivot_table(
        index="record", columns="provenance", values="field", aggfunc="count", fill_value=0
    )
    for kind in ("reported", "illustrative"):
        if kind not in table.columns:
            table[kind] = 0
    table = table[["reported", "illustrative"]].astype(int)
    table.index = [records.values.loc[r, "case"] for r in table.index]
    table.index.name = "Case"
    return table


def themes_table(records: CaseRecords, kind: str) -> pd.DataFrame:
    """Return the themes (or barriers) as a reader-facing table with their source."""
    themes = records.themes
    table = themes[themes["kind"] == kind][["statement", "basis", "source"]].copy()
    table.columns = ["Finding (paraphrased)", "Published in", "Source id"]
    table.index = range(1, len(table) + 1)
    table.index.name = "#"
    return table


def details_html(summary: str, frame: pd.DataFrame, kind: str, note: str = "") -> str:
    """Return a collapsed ``<details>`` block holding the table behind a figure, with its provenance."""
    return html_tables.details_html(summary, html_tables.table_html(frame, kind, note, label=summary))


def survey_figures(survey: Survey, ids: list[str]) -> dict[str, float]:
    """Return published survey percentages recomputed from the survey data, keyed by finding id.

    Each value is computed by ``survey.findings.check_findings`` (respondent rows, rounded as
    published) and must reproduce the published value; otherwise a ValueError names the finding.
    """
    checked = check_findings(survey)
    figures = {}
    for ident in ids:
        row = checked.loc[ident]
        if not bool(row["passed"]):
            raise FindingsNotHeld([failure_line(survey, ident, row)])
        if row["computed_rounded"] is None or pd.isna(row["computed_rounded"]):
            raise ValueError(f"survey finding {ident} publishes a direction, not a number to show")
        figures[ident] = float(row["computed_rounded"])
    return figures


THEME_TITLES: dict[str, str] = {
    "collaborative_style": "A collaborative style of leading",
    "every_level": "Leadership needed at every level",
    "alliance": "A new clinician-manager alliance",
    "policy_uncertainty": "An uncertain policy environment",
    "contested_relationships": "Contested relationships",
    "multiple_agendas": "Multiple agendas",
    "structural_financial": "Structural and financial problems",
    "market_levers": "Market levers rarely used",
}
"""Short reader-facing titles of the themes in ``data/cases/themes.csv``."""


def survey_link_table(records: CaseRecords, survey: Survey) -> pd.DataFrame:
    """Return one row per (theme, survey finding) pair the editors place side by side.

    The survey side is the published result from ``data/published/findings.csv``.
    """
    findings = survey.findings
    themes = records.themes
    rows = []
    for theme, ids in survey_links(records).items():
        for ident in ids:
            finding = findings.loc[ident]
            rows.append(
                {
                    "Case-study theme": THEME_TITLES.get(theme, theme),
                    "Survey finding": f"{finding['theme']} ({_survey_year(finding)})",
                    "Published result": finding["published"],
                    "Sources": f"{themes.loc[theme, 'source']}; {finding['source']}",
                }
            )
    return pd.DataFrame(rows).set_index("Case-study theme")


def _survey_year(finding: pd.Series) -> str:
    """Return the survey year as published, or say that the report does not state it."""
    stated = str(finding["wave_note"]).startswith(("year stated", "years stated"))
    return str(finding["wave"]) if stated else "year not stated"


def survey_links(records: CaseRecords) -> dict[str, list[str]]:
    """Return, per theme, the fact-sheet ids of the survey findings placed beside it (may be empty)."""
    themes = records.themes
    return {
        str(theme): [] if text_or_none(link) is None else str(link).split("|")
        for theme, link in themes["survey_link"].items()
    }
