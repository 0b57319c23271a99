"""Ids one data file uses and another defines: every one must resolve, or the build stops naming the cell.

The source ids in the ``source`` columns (facts, phases, findings, themes, case records) must be rows
of ``published/sources.csv``; the finding ids in the themes' ``survey_link`` must be rows of
``published/findings.csv``. Each schema checks the form of an id; only this module knows that the id
it names exists. Files are only read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cases.records import CaseRecords
from .datafiles import DataFileError
from .schemas import read_table

SOURCES = ("published/sources.csv", "sources")
FINDINGS = ("published/findings.csv", "findings")
USES_SOURCES = {
    "study/facts.csv": "facts",
    "study/phases.csv": "phases",
    "published/findings.csv": "findings",
    "cases/themes.csv": "cases_themes",
}
"""The tables (relative to ``data/``) whose ``source`` column names a source id, and their schemas."""


def _table(data: Path, relative: str, schema: str) -> pd.DataFrame:
    return read_table(data / relative, schema, data)


def _unknown(path: Path, frame: pd.DataFrame, column: str, known: set[str], defined_in: Path) -> None:
    """Raise DataFileError at the first cell of ``column`` naming an id (``|``-separated) not in ``known``."""
    for position, cell in enumerate(frame[column]):
        if cell is None or (not isinstance(cell, str) and pd.isna(cell)) or not str(cell).strip():
            continue
        missing = [ident for ident in str(cell).split("|") if ident not in known]
        if missing:
            raise DataFileError(
                f"{path}: row {position + 1} (line {position + 2}), column {column}: unknown id "
                f"(found {missing[0]!r}; expected one of the ids of {defined_in}: {', '.join(sorted(known))})"
            )


def check_references(data: Path, cases: CaseRecords | None = None) -> None:
    """Raise DataFileError unless every source and finding id used under ``data`` is defined there.

    ``cases``: the loaded case records, whose fields' source ids are checked as well.
    """
    data = Path(data)
    sources_path = data / SOURCES[0]
    sources = set(_table(data, *SOURCES)["id"])
    for relative, schema in USES_SOURCES.items():
        if (data / relative).is_file():
            _unknown(data / relative, _table(data, relative, schema), "source", sources, sources_path)
    themes = data / "cases/themes.csv"
    if themes.is_file():
        findings = set(_table(data, *FINDINGS)["id"])
        frame = _table(data, "cases/themes.csv", "cases_themes")
        _unknown(themes, frame, "survey_link", findings, data / FINDINGS[0])
    if cases is None:
        return
    for (record, name), row in cases.provenance.iterrows():
        source = row["source"]
        if isinstance(source, str) and source and source not in sources:
            raise DataFileError(
                f"{cases.where(record, name, 'source')}: unknown source id (found {source!r}; expected one "
                f"of the ids of {sources_path}: {', '.join(sorted(sources))})"
            )
