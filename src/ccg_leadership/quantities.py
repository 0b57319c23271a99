"""One source for each quantity the book states in more than one place.

Every number below is computed by exactly one function; every page, chart, alt text and table note
that states it calls that function (directly, or through a glue value or a table built from it).
``tests/test_quantities.py`` checks that each source exists and each glue key is used;
``tests/test_perturbation.py`` moves the respondent counts and reads every page of one build.

Quantity: its one source; where it is stated.

- respondents per wave: ``Survey.respondents_per_wave``; Ch. 3 ``ch3_respondents_*`` (through
  ``survey.numbers``), App. A ``appa_n_*`` and the total row of its role table.
- respondents in all: ``Survey.respondent_total``; Ch. 6 ``ch6_respondent_rows``. (App. A's
  inventory counts the data rows of every CSV with ``inventory.data_files``; for the respondent file
  that is the same number, and the perturbation test checks both move together.)
- respondents per role and wave: ``Survey.respondents_per_role``; App. A role table
  (``survey.tables.respondents_table``).
- base n of a share (answers to an item): column ``n`` of ``stats.share_by_wave`` / ``stats.by_role``;
  chart subtitles and alt texts, the tables' "Base n", the explorer, Ch. 3 ``ch3_n_managers_2016``.
- published findings: ``Survey.finding_count``; App. A ``appa_findings``, Ch. 6 ``ch6_survey_findings``.
- survey items: ``Survey.item_count``; App. A ``appa_items``, the explorer's ``exp_items``.
- interval level: ``stats.interval_level`` (printed as ``stats.LEVEL``); Ch. 3 ``ch3_interval_level``,
  ``exp_level``, App. B ``appb_level``, and every chart, table header and alt text that names it.
- significance level: ``stats.alpha_pct`` (printed as ``stats.ALPHA_TEXT``); App. B ``appb_alpha_pct``
  and the test column of the change tables.
- blank answers per item (assumed): ``reconstruction.nonresponse_pct``; Ch. 3 ``ch3_nonresponse_pct``,
  App. A ``appa_nonresponse_pct``.
- phases of the study: ``study.phase_count`` (rows of ``phases.csv``; the fact ``phases`` must agree);
  home ``idx_phases``, Ch. 1 ``ch1_phases``, Ch. 2 ``ch2_phases``, the timeline's subtitle and alt text.
- study period: ``study.study_months`` and ``study.month_year``; Ch. 1 ``ch1_months``, ``ch1_start``,
  ``ch1_end``; the timeline's subtitle and alt text read the same facts.
- funded period: ``study.funded_months``; Ch. 2 ``ch2_months``; the timeline's legend.
- CCGs studied in depth, cases of service redesign, survey years: ``study.fact`` (``case_ccgs``,
  ``cases``, ``survey_first_year``, ``survey_second_year``); home, Ch. 1, 2, 4, 5, 6, the case fact checks.
- case records of this edition: ``cases.tables.summary_counts``; Ch. 4 ``ch4_records`` (and the glued
  ``ch5_records``), the case fact checks.
- fields of the case records by provenance: ``cases.tables.provenance_summary``; Ch. 4, 5 and 6
  ``ch*_record_fields`` / ``ch*_reported_fields``, App. A's provenance table.
- a published percentage: ``published.glue_values``; home, Ch. 3, 5, 6 ``*_pub_<id>``.

Stated in one place only (nothing to keep in step): the number of roles (App. A), themes and barriers
(Ch. 5), disclosure thresholds and test settings (App. B), the grant and CCG counts of the context.
"""

from __future__ import annotations

SOURCES: dict[str, str] = {
    "respondents per wave": "ccg_leadership.survey.data:Survey.respondents_per_wave",
    "respondents in all": "ccg_leadership.survey.data:Survey.respondent_total",
    "respondents per role and wave": "ccg_leadership.survey.data:Survey.respondents_per_role",
    "published findings": "ccg_leadership.survey.data:Survey.finding_count",
    "survey items": "ccg_leadership.survey.data:Survey.item_count",
    "interval level": "ccg_leadership.survey.stats:interval_level",
    "significance level": "ccg_leadership.survey.stats:alpha_pct",
    "blank answers per item": "ccg_leadership.survey.reconstruction:nonresponse_pct",
    "phases of the study": "ccg_leadership.study:phase_count",
    "study period": "ccg_leadership.study:study_months",
    "funded period": "ccg_leadership.study:funded_months",
    "case records": "ccg_leadership.cases.tables:summary_counts",
    "fields of the case records": "ccg_leadership.cases.tables:provenance_summary",
}
"""The table above as data: quantity -> ``module:attribute`` of its one source (checked by a test)."""

GLUE_KEYS: dict[str, tuple[str, ...]] = {
    "respondents per wave": ("ch3_respondents_2014", "ch3_respondents_2016", "appa_n_2014", "appa_n_2016"),
    "respondents in all": ("ch6_respondent_rows",),
    "published findings": ("appa_findings", "ch6_survey_findings"),
    "survey items": ("appa_items", "exp_items"),
    "interval level": ("ch3_interval_level", "exp_level", "appb_level"),
    "significance level": ("appb_alpha_pct",),
    "blank answers per item": ("ch3_nonresponse_pct", "appa_nonresponse_pct"),
    "phases of the study": ("idx_phases", "ch1_phases", "ch2_phases"),
    "case records": ("ch4_records",),
}
"""The glue keys under which the chapters state each quantity (checked: each is used in a chapter)."""
