"""The report's published findings as readers meet them: values, year status, sections and sources.

Everything here is read from ``data/published/findings.csv`` (the findings) and
``data/published/sources.csv`` (the sources, named for readers). Nothing is computed from the
reconstructed respondent data: these are the numbers that may be quoted as the study's.

Year status: a finding's year is the survey year only where the report states it (``wave_note``
begins "year stated" or "years stated"); otherwise it is "year not stated", whatever year the
editors assumed in order to draw it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .html import table_html
from .paths import data_dir
from .schemas import read_table

YEAR_NOT_STATED = "year not stated"

SECTION_OF_ITEM: dict[str, str] = {
    "ccg_relative_influence": "ch3-influence",
    "nhse_influence": "ch3-influence",
    "gp_vs_manager_influence": "ch3-influence",
    "vision_setter": "ch3-vision",
    "comm_secondary_care": "ch3-communication",
    "comm_public": "ch3-communication",
    "leadership_centrality": "ch3-centrality",
    "primary_care_link": "ch3-link",
    "collaboration_builder": "ch3-collaboration",
    "plans_exceed_change": "ch3-plans",
    "workload_impedes_engagement": "ch3-engagement",
    "gp_engagement_declining": "ch3-engagement",
    "ccg_survival": "ch3-future",
    "commissioning_worth_keeping": "ch3-future",
}
"""The Chapter 3 section (MyST target) in which each survey item is discussed."""

CHAPTER3_PAGE = "03-survey-findings.html"


@dataclass(frozen=True)
class Published:
    """The report's published findings (by id) and their sources (by id)."""

    findings: pd.DataFrame
    sources: pd.DataFrame


def load_published(data: Path | None = None) -> Published:
    """Read and validate the published findings and sources of ``data`` (default: the book's)."""
    folder = Path(data or data_dir()).resolve()
    return Published(
        findings=read_table(folder / "published" / "findings.csv", "findings", folder).set_index("id"),
        sources=read_table(folder / "published" / "sources.csv", "sources", folder).set_index("id"),
    )


def year_status(wave: str, wave_note: str) -> str:
    """The survey year as the report gives it ("2016", "2014 to 2016"), else "year not stated"."""
    if wave_note.startswith(("year stated", "years stated")):
        return wave.replace("-", " to ")
    return YEAR_NOT_STATED


def value(ident: str, published: Published) -> int:
    """The published percentage (or percentage points) of finding ``ident``, as a whole number."""
    row = published.findings.loc[ident]
    if pd.isna(row["value"]):
        raise ValueError(f"finding {ident} in data/published/findings.csv publishes no number")
    return int(round(float(row["value"])))


def glue_values(published: Published) -> dict[str, int | str]:
    """Glue-ready values: ``pub_<id>`` (the number) and ``pub_<id>_year`` for every finding with one."""
    out: dict[str, int | str] = {}
    for ident, row in published.findings.iterrows():
        key = f"pub_{str(ident).lower()}"
        out[f"{key}_year"] = year_status(row["wave"], row["wave_note"])
        if not pd.isna(row["value"]):
            out[key] = int(round(float(row["value"])))
    return out


def findings_table(published: Published) -> pd.DataFrame:
    """One readable row per published finding: theme, what the report says, year, source."""
    findings = published.findings
    sources = published.sources
    rows = []
    for ident, row in findings.iterrows():
        said = str(row["published"])
        answer = ANSWER_OF_FINDING.get(str(ident), "")
        if answer and answer not in said:
            said = f"{answer}: {said}"
        if row["tag"] == "I":
            said += ". Worked out by the editors from published values."
        rows.append(
            {
                "Finding": str(ident),
                "Theme": row["theme"],
                "What was published": said,
                "Year": year_status(row["wave"], row["wave_note"]),
                "Source": sources.loc[row["source"], "short"],
                "section": SECTION_OF_ITEM.get(row["item"], ""),
            }
        )
    return pd.DataFrame(rows)


def sources_table(published: Published) -> pd.DataFrame:
    """One readable row per source: its id, name, kind, what the edition took from it, and link."""
    sources = published.sources.reset_index()
    sources = sources.rename(
        columns={"id": "Id", "name": "Source", "kind": "Kind", "gave": "What the edition took from it"}
    )
    sources = sources.rename(columns={"short": "Short name"})
    sources["url"] = sources["url"].fillna("")
    return sources[["Id", "Short name", "Source", "Kind", "What the edition took from it", "url"]]


def findings_html(published: Published) -> str:
    """The findings table as HTML; each theme links to its Chapter 3 section (wraps, scrolls if wide)."""
    table = findings_table(published)
    table["Theme"] = [
        f'<a href="{CHAPTER3_PAGE}#{section}">{html.escape(str(theme))}</a>'
        if section
        else html.escape(str(theme))
        for theme, section in zip(table["Theme"], table["section"], strict=True)
    ]
    return table_html(
        table.drop(columns="section"),
        [],
        css_class="ccg-findings",
        html_columns=["Theme"],
        row_headers=True,
        caption="The report's survey findings, with the year the report gives and the source each was read "
        "in. Provenance: reported by the study.",
    )


def sources_html(published: Published) -> str:
    """The sources table as HTML, each source linked where it can be read."""
    table = sources_table(published)
    table["Source"] = [
        f'<a href="{html.escape(url)}">{html.escape(str(name))}</a>' if url else html.escape(str(name))
        for name, url in zip(table["Source"], table["url"], strict=True)
    ]
    return table_html(
        table.drop(columns="url"),
        [],
        css_class="ccg-sources",
        html_columns=["Source"],
        row_headers=True,
        caption="The sources behind the published findings and the design facts; the ids are the ones the "
        "data files use.",
    )


ANSWER_OF_FINDING: dict[str, str] = {
    "Q1": "managers and clinicians equally",
    "Q2": "managers and clinicians equally",
    "Q3": "central to nearly all redesigns",
    "Q4": "central to a significant proportion",
    "Q4a": "the two answers above together",
    "Q6": "GP governing-body members",
    "Q7": "managers on their own",
    "Q8": "managers together with clinicians",
    "Q9": "clinicians",
    "Q9a": "sum of the three answers above",
    "Q10": "agree",
    "Q12": "quite a lot to very extensive",
}
"""The answer category each published percentage counts, in the editors' words."""

THEME_TITLES: dict[str, str] = {
    "collaborative_style": "A collaborative way of leading",
    "every_level": "Leadership at every level",
    "alliance": "A new alliance",
    "policy_uncertainty": "An uncertain policy environment",
    "contested_relationships": "Contested relationships",
    "multiple_agendas": "Several agendas at once",
    "structural_financial": "Hard structural and financial problems",
    "market_levers": "Market levers seldom used",
}


def survey_links_table(published: Published, themes: pd.DataFrame) -> pd.DataFrame:
    """Each case-study theme (``themes``: the case records' themes) beside the survey findings paired with it.

    The pairs come from the ``survey_link`` column of ``data/cases/themes.csv``; each survey row
    names the answer category its percentage counts, or says the report gives a direction only.
    """
    findings = published.findings
    sources = published.sources
    rows = []
    for theme, row in themes.iterrows():
        if pd.isna(row["survey_link"]) or not str(row["survey_link"]).strip():
            continue
        for ident in str(row["survey_link"]).split("|"):
            finding = findings.loc[ident]
            has_value = not pd.isna(finding["value"])
            rows.append(
                {
                    "Case-study theme": THEME_TITLES.get(str(theme), str(theme)),
                    "Survey question": finding["theme"],
                    "Answer counted": ANSWER_OF_FINDING.get(ident, "") if has_value else "(direction only)",
                    "Published result": finding["published"],
                    "Year": year_status(finding["wave"], finding["wave_note"]),
                    "Sources": "; ".join(sources.loc[[row["source"], finding["source"]], "short"]),
                }
            )
    return pd.DataFrame(rows)


def survey_links_html(published: Published, themes: pd.DataFrame) -> str:
    """The theme-to-survey pairing as an HTML table (wraps; scrolls inside its container if wide)."""
    return table_html(
        survey_links_table(published, themes),
        [],
        css_class="ccg-survey-links",
        caption="Case-study themes and the survey results the editors set beside them. Provenance: themes "
        "and survey results reported by the study; the pairing is the editors'.",
    )
