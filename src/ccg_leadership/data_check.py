"""Load every data file of the book and check every published finding: what each build runs first.

:func:`check_data` raises :class:`~ccg_leadership.datafiles.DataFileError` naming file, row and column
of the first problem found in a data file, or
:class:`~ccg_leadership.survey.findings.FindingsNotHeld` listing every published finding the survey
data do not reproduce. Files are only read.
"""

from __future__ import annotations

from pathlib import Path

from . import published, study
from .cases.records import load_cases
from .references import check_references
from .survey import reconstruction
from .survey.data import load_survey
from .survey.findings import verify_findings


def check_data(data: Path) -> None:
    """Load and validate every data file under ``data``, then verify every published finding."""
    data = Path(data)
    study.load_phases(data)
    study.load_facts(data)
    study.phase_count(data)  # the phases file and the design fact must agree
    study.check_phase_units(data)  # and each phase's units and the fact stating them
    published.load_published(data)
    cases = load_cases(data) if (data / "cases").is_dir() else None  # a small test book may have none
    check_references(data, cases)
    if (data / reconstruction.CONFIG).is_file():  # optional: an author with the real answers may drop it
        reconstruction.load_config(data)
    verify_findings(load_survey(data))
