"""Unit tests of the study-design helpers, the provenance labels and the house style."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ccg_leadership import provenance, study, style
from ccg_leadership.datafiles import DataFileError

DATA = Path(__file__).resolve().parents[1] / "data"


def test_design_facts_match_the_fact_sheet() -> None:
    assert study.fact("phases") == 5
    assert study.fact("scoping_ccgs") == 15
    assert study.fact("case_ccgs") == 6
    assert study.fact("cases") == 8
    assert study.fact("ccgs_with_two_cases") == 2
    # 6 CCGs, two of which contributed two cases, give 8 cases
    assert study.fact("case_ccgs") + study.fact("ccgs_with_two_cases") == study.fact("cases")
    assert (study.fact("survey_first_year"), study.fact("survey_second_year")) == (2014, 2016)


def test_study_period_is_37_calendar_months() -> None:
    # 1 Nov 2013 to 30 Nov 2016 inclusive
    assert study.study_months() == 37


def test_funded_period_is_three_years() -> None:
    # December 2013 to November 2016 (fact sheet S7: "3 years"), the period Fig 2.1 shades
    assert study.funded_months() == 36
    phases = study.load_phases()
    assert max(phases["end"]) <= str(study.fact("funded_end"))[:7]
    assert min(phases["start"]) >= str(study.fact("funded_start"))[:7]


def test_phases_are_the_five_of_the_design() -> None:
    phases = study.load_phases()
    assert list(phases.index) == [1, 2, 3, 4, 5]
    surveys = phases[phases["name"].str.contains("survey")]
    assert list(surveys["start"].str[:4]) == ["2014", "2016"]
    assert set(surveys["timing_provenance"]) == {"reported-year"}


def test_timeline_figure_carries_alt_text() -> None:
    image = study.timeline_figure()
    assert image.png.startswith(b"\x89PNG")
    assert style.read_alt(image.png) == image.alt
    assert "5 phases" in image.alt and "timing illustrative" in image.alt


def test_timeline_png_is_deterministic() -> None:
    assert study.timeline_figure().png == study.timeline_figure().png


def test_unknown_provenance_is_rejected_with_the_allowed_values() -> None:
    with pytest.raises(ValueError, match="reported, derived, illustrative"):
        provenance.parse("guessed")
    assert provenance.label("Reported") == "Reported by the study"


def _broken_copy(tmp_path: Path, edit) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    path = root / "study" / "phases.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def test_bad_phase_month_names_file_row_and_column(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, lambda t: t.replace("2016-01,2016-11", "2016-13,2016-11"))
    with pytest.raises(DataFileError, match=r"phases\.csv: row 4 \(line 5\), column start"):
        study.load_phases(root)


def test_missing_column_is_named(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, lambda t: t.replace("timing_provenance", "timing"))
    with pytest.raises(DataFileError, match="missing column.*timing_provenance"):
        study.load_phases(root)


def test_empty_and_non_utf8_files_are_refused(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, lambda t: "")
    with pytest.raises(DataFileError, match="empty"):
        study.load_phases(root)
    path = root / "study" / "phases.csv"
    path.write_bytes("phase,name\n1,Sc\xf6ping\n".encode("latin-1"))
    with pytest.raises(DataFileError, match="not valid UTF-8"):
        study.load_phases(root)


def test_loading_never_writes_to_data(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, lambda t: t)
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    study.load_phases(root)
    study.load_facts(root)
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


def test_counts_are_written_as_prose_writes_them() -> None:
    assert study.in_words(6) == "six"
    assert study.in_words(20) == "twenty"
    assert study.in_words(21) == "21"
    assert study.fact_in_words("cases") == "eight"
    with pytest.raises(TypeError, match="not a count"):
        study.fact_in_words("study_start")


def test_phase_units_and_the_fact_stating_them_must_agree(tmp_path: Path) -> None:
    """The scoping phase's units (timeline table) and the fact scoping_ccgs (prose) are one count."""
    study.check_phase_units(DATA)  # the book's own files agree
    root = _broken_copy(tmp_path, lambda t: t.replace(",15,CCGs,scoping_ccgs,", ",14,CCGs,scoping_ccgs,"))
    with pytest.raises(DataFileError, match=r"phases\.csv: row 1 \(line 2\), column units: .*says 15"):
        study.check_phase_units(root)
    root = _broken_copy(tmp_path / "b", lambda t: t.replace(",case_ccgs,", ",case_ccg,"))
    with pytest.raises(DataFileError, match=r"phases\.csv: row 3 \(line 4\), column units_fact: no fact"):
        study.check_phase_units(root)
