"""What each Chapter 3 figure and the table behind it show: items, waves, populations, wordings."""

from __future__ import annotations

from .data import Survey

INFLUENCE_ROWS: tuple[tuple[str, int, str, str], ...] = (
    ("ccg_relative_influence", 2014, "all", "My CCG's influence vs other local bodies"),
    ("ccg_relative_influence", 2016, "all", "My CCG's influence vs other local bodies"),
    ("nhse_influence", 2014, "all", "How much NHS England shapes local services"),
    ("gp_vs_manager_influence", 2014, "all", "Weight in CCG decisions: managers (low) vs GPs (high)"),
    ("gp_vs_manager_influence", 2016, "all", "Weight in CCG decisions: managers (low) vs GPs (high)"),
)
"""Rows of the influence chart: item, wave, population, short description.

NHS England's influence has one row: the report's "about half" is a single figure (the 2014 wave), so
no 2016 value is drawn as if the study had one.
"""

ENGAGEMENT_ROWS: tuple[tuple[str, int, str, str], ...] = (
    ("workload_impedes_engagement", 2016, "gp_member", "Practice workload holds back GP involvement"),
    ("workload_impedes_engagement", 2016, "all", "Practice workload holds back GP involvement"),
    ("gp_engagement_declining", 2016, "gp_member", "GPs' involvement with the CCG is falling off"),
    ("gp_engagement_declining", 2016, "all", "GPs' involvement with the CCG is falling off"),
    ("gp_influence_redesign", 2016, "gp_member", "GPs shape the way services are redesigned"),
    ("gp_influence_redesign", 2016, "all", "GPs shape the way services are redesigned"),
)
"""Rows of the GP workload and engagement chart (agreement items, GP members beside everyone)."""

FUTURE_ROWS: tuple[tuple[str, int, str, str], ...] = (
    ("ccg_survival", 2014, "all", "How likely CCGs are to survive"),
    ("ccg_survival", 2016, "all", "How likely CCGs are to survive"),
    ("commissioning_worth_keeping", 2014, "all", "Commissioning is worth keeping"),
    ("commissioning_worth_keeping", 2016, "all", "Commissioning is worth keeping"),
)
"""Rows of the future-of-CCGs chart."""

COMMUNICATION_ITEMS = {
    "comm_secondary_care": "Hospital and other\nsecondary-care clinicians",
    "comm_public": "Patients and\nlocal people",
}
"""The communication items and their short chart labels."""

CENTRALITY_PARTS = ("nearly_all", "significant_proportion")
"""The two most central answers of the centrality item, counted together."""

ROLE_PANELS: tuple[tuple[str, str, str], ...] = (
    (
        "ccg_relative_influence",
        "somewhat_more|much_more",
        "rate their CCG more influential\nthan other local bodies",
    ),
    ("gp_influence_redesign", "agree|strongly_agree", "agree that GPs shape\nhow services are redesigned"),
)
"""Panels of the role chart: item, answers counted, short description."""

POPULATION_NAMES = {"all": "all respondents", "managers": "CCG managers", "gp_member": "GP members"}


def population_name(survey: Survey, population: str) -> str:
    """Return a reader-facing name for a population (``all``, ``managers`` or role ids)."""
    if population in POPULATION_NAMES:
        return POPULATION_NAMES[population]
    return " and ".join(survey.role_label(r).lower() for r in population.split("|"))
