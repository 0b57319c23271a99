"""The list of quantities and their one source (``ccg_leadership.quantities``) is true of the code."""

from __future__ import annotations

import importlib
import re

import pytest
from bookhelpers import REPO
from test_typed_numbers import chapter_sources

from ccg_leadership import quantities, study
from ccg_leadership.datafiles import DataFileError
from ccg_leadership.survey import stats
from ccg_leadership.survey.data import load_survey


@pytest.mark.parametrize("quantity", sorted(quantities.SOURCES))
def test_every_source_exists(quantity: str) -> None:
    module, _, attribute = quantities.SOURCES[quantity].partition(":")
    target = importlib.import_module(module)
    for part in attribute.split("."):
        target = getattr(target, part)
    assert callable(target)


def test_every_listed_glue_key_is_stated_in_a_chapter() -> None:
    prose = "\n".join(p.read_text(encoding="utf-8") for p in chapter_sources())
    stated = set(re.findall(r"\{glue:text\}`([\w]+)", prose))
    listed = {key for keys in quantities.GLUE_KEYS.values() for key in keys}
    assert listed - stated == set()
    assert set(quantities.GLUE_KEYS) <= set(quantities.SOURCES)


def test_respondent_counts_agree_with_each_other() -> None:
    survey = load_survey()
    per_wave = survey.respondents_per_wave()
    table = survey.respondents_per_role()
    assert table.loc["All respondents"].to_dict() == per_wave
    assert table.drop("All respondents").sum().to_dict() == per_wave
    assert survey.respondent_total() == sum(per_wave.values()) == len(survey.respondents)


def test_levels_print_as_the_one_source_says() -> None:
    assert f"{stats.interval_level():g}%" == stats.LEVEL and stats.interval_level() + stats.alpha_pct() == 100
    assert stats.LEVEL in stats.WILSON and stats.LEVEL in stats.NEWCOMBE


def test_phase_count_rejects_a_design_fact_that_disagrees(tmp_path) -> None:
    data = tmp_path / "data"
    (data / "study").mkdir(parents=True)
    for name in ("phases.csv", "facts.csv"):
        (data / "study" / name).write_bytes((REPO / "data" / "study" / name).read_bytes())
    (data / "schema").mkdir()
    for name in ("phases.yml", "facts.yml"):
        (data / "schema" / name).write_bytes((REPO / "data" / "schema" / name).read_bytes())
    assert study.phase_count(data) == len(study.load_phases(data))
    facts = data / "study" / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace("phases,5,", "phases,4,"), encoding="utf-8")
    with pytest.raises(DataFileError, match=r"facts\.csv: row \d+ \(line \d+\), column value: phases = 4"):
        study.phase_count(data)
