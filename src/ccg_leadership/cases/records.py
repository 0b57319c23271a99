"""The case records (chapters 4 and 5): loading, validation and the controlled vocabularies.

Each file ``data/cases/case-<n>.yml`` is one *record*: one attempt at service redesign, the study's
unit of analysis. Every field holds a ``value`` and a ``provenance`` (``reported`` with a fact-sheet
``source`` id, or ``illustrative``), optionally a ``note``. The structured attributes (``FIELDS``) are
required; the four parts of the report's account of a case (``PARTS``) are optional and must be
``reported``: an editor-written narrative would read as a finding, so a record may not hold one.
Loading validates the values against ``data/schema/cases.yml`` and the provenance against
``data/schema/cases_provenance.yml`` and raises :class:`~ccg_leadership.datafiles.DataFileError`
naming the file, the record and the field. ``load_cases()`` returns them, with the cross-case themes,
as one :class:`CaseRecords` object, built once per version of the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.errors as pe
import yaml

from .. import provenance
from ..datafiles import DataFileError, load_yaml, once_per_version
from ..paths import data_dir
from ..schemas import load_schema, read_table, schema_path

FIELDS: tuple[str, ...] = (
    "case",
    "ccg",
    "region",
    "setting",
    "deprivation",
    "service_area",
    "origin",
    "driver",
    "organisations",
)
"""The structured attributes every record must have, in page order."""

PARTS: dict[str, str] = {
    "context": "Context",
    "redesign": "The redesign attempt",
    "leadership": "What it showed about clinical leadership",
    "lessons": "Lessons drawn",
}
"""The four parts of the report's account of a case (its standard frame) and their page headings.

Optional: a record holds a part only when it is taken from the report (provenance ``reported``).
"""

ALL_FIELDS: tuple[str, ...] = (*FIELDS, *PARTS)

FIELD_LABELS: dict[str, str] = {
    "case": "Case",
    "ccg": "CCG",
    "region": "Region of England",
    "setting": "Setting",
    "deprivation": "Deprivation",
    "service_area": "Service area",
    "origin": "Where the initiative arose",
    "driver": "Who drove it",
    "organisations": "Organisations involved",
    **PARTS,
}

ORIGINS: dict[str, str] = {
    "above": "Above the CCG (regional grouping)",
    "below": "Below the CCG (locality)",
    "around": "Around the CCG (collaboration)",
}
"""Where initiatives arose relative to the CCG; the three places are the study's finding (S1)."""

DRIVERS: dict[str, str] = {
    "ccg_clinical_leads": "CCG-sponsored clinical lead(s)",
    "manager_clinician_group": "Managers and clinicians across organisations",
    "outside_leaders": "Clinical leaders outside the CCG (e.g. GP federation)",
}
"""Who drove the redesign; the three kinds are those the study describes (S1)."""

ORIGIN_SHORT: dict[str, str] = {
    "above": "above (regional)",
    "below": "below (locality)",
    "around": "around (collaboration)",
}
DRIVER_SHORT: dict[str, str] = {
    "ccg_clinical_leads": "CCG clinical lead",
    "manager_clinician_group": "manager-clinician group",
    "outside_leaders": "leaders outside CCG",
}
REGISTER_LABELS: dict[str, str] = {
    "ccg": "CCG",
    "region": "Region",
    "setting": "Setting",
    "deprivation": "Deprivation",
    "service_area": "Service area",
    "origin": "Arose",
    "driver": "Driven by",
}

SECTORS: tuple[str, ...] = (
    "primary care",
    "secondary care",
    "community care",
    "social care",
    "voluntary sector",
)
"""Sectors whose involvement the comparison matrix shows (commissioners are in every case)."""

ORGANISATION_SECTORS: dict[str, str] = {
    "the CCG": "commissioning",
    "neighbouring CCGs": "commissioning",
    "regional group of CCGs": "commissioning",
    "GP practices": "primary care",
    "GP federation": "primary care",
    "acute hospital trust": "secondary care",
    "mental health trust": "secondary care",
    "ambulance service": "secondary care",
    "community health services provider": "community care",
    "local authority adult social care": "social care",
    "local authority public health": "social care",
    "hospice": "voluntary sector",
    "voluntary sector organisations": "voluntary sector",
}
"""The controlled list of organisation types a record may name, with the sector each belongs to."""

VERIFIED_REGIONS = frozenset({"North", "Midlands", "South"})


@dataclass(frozen=True)
class CaseRecords:
    """The validated case records: values (one row per record) and provenance (one row per field).

    ``themes`` holds the verified cross-case themes and barriers (``data/cases/themes.csv``). Built by
    :func:`load_cases`; the frames are shared and must be treated as read-only.
    """

    values: pd.DataFrame
    provenance: pd.DataFrame
    files: dict[str, Path]
    themes: pd.DataFrame

    def field_provenance(self, record: str, field: str) -> tuple[str, str | None, str | None]:
        """Return (provenance, source, note) of one field of one record."""
        row = self.provenance.loc[(record, field)]
        return str(row["provenance"]), text_or_none(row["source"]), text_or_none(row["note"])

    def has(self, record: str, field: str) -> bool:
        """Return True when the record holds ``field`` (the parts of the account are optional)."""
        return (record, field) in self.provenance.index

    def organisations(self, record: str) -> list[str]:
        """Return the organisations involved in one case, in record order."""
        return str(self.values.loc[record, "organisations"]).split("; ")


def text_or_none(value: object) -> str | None:
    return None if value is None or value != value or str(value) in {"", "<NA>", "None"} else str(value)


def case_files(data: Path) -> list[Path]:
    """Return the record files ``<data>/cases/case-*.yml`` in case-number order."""
    folder = Path(data) / "cases"
    files = [p for p in folder.glob("case-*.yml") if p.stem.split("-", 1)[1].isdigit()]
    return sorted(files, key=lambda p: int(p.stem.split("-", 1)[1]))


SCHEMAS = ("cases", "cases_provenance", "cases_themes")
THEMES = "cases/themes.csv"


def load_cases(data: Path | None = None) -> CaseRecords:
    """Read and validate every case record and the themes; raise DataFileError naming file, record, field.

    Built once per version of the record files, the themes file and their schemas.
    """
    folder = Path(data or data_dir()).resolve()
    inputs = [*case_files(folder), folder / THEMES, *(schema_path(s, folder) for s in SCHEMAS)]
    return once_per_version(("cases", str(folder)), inputs, lambda: _build(folder))


def _build(root: Path) -> CaseRecords:
    files = case_files(root)
    if not files:
        raise DataFileError(f"{root / 'cases'}: no case records (case-<n>.yml) found")
    value_rows, provenance_rows, by_record = [], [], {}
    for path in files:
        values, fields = _read_record(path)
        by_record[path.stem] = path
        value_rows.append(values)
        provenance_rows.extend(fields)
    values = pd.DataFrame(value_rows)
    prov = pd.DataFrame(provenance_rows)
    values = _validate(values, load_schema("cases", root), by_record)
    prov = _validate(prov, load_schema("cases_provenance", root), by_record)
    _check_provenance_rules(prov, by_record)
    _check_organisations(values, by_record)
    _check_same_ccg_same_context(values, by_record)
    return CaseRecords(
        values=values.set_index("record"),
        provenance=prov.set_index(["record", "field"]),
        files=by_record,
        themes=read_table(root / THEMES, "cases_themes", root).set_index("theme"),
    )


def _read_record(path: Path) -> tuple[dict[str, str], list[dict[str, str | None]]]:
    """Parse one YAML record into a values row and one provenance row per field."""
    record = path.stem
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not valid UTF-8; save the file as UTF-8") from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"{path}: record {record}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DataFileError(
            f"{path}: record {record}: expected a mapping of fields, got {type(data).__name__}"
        )
    unknown = sorted(set(data) - set(ALL_FIELDS))
    if unknown:
        raise DataFileError(
            f"{path}: record {record}, field {unknown[0]}: unknown field; allowed: {', '.join(ALL_FIELDS)}"
        )
    values: dict[str, str | None] = {"record": record, **dict.fromkeys(PARTS)}
    rows: list[dict[str, str | None]] = []
    for field in ALL_FIELDS:
        where = f"{path}: record {record}, field {field}"
        entry = data.get(field)
        if entry is None and field in PARTS:
            continue
        if entry is None:
            raise DataFileError(f"{where}: missing (every record needs every structured attribute)")
        if not isinstance(entry, dict) or "value" not in entry or "provenance" not in entry:
            raise DataFileError(f"{where}: expected a mapping with 'value' and 'provenance' (and 'source')")
        extra = sorted(set(entry) - {"value", "provenance", "source", "note"})
        if extra:
            raise DataFileError(
                f"{where}: unknown key {extra[0]!r}; allowed: value, provenance, source, note"
            )
        value = entry["value"]
        if field == "organisations":
            if not isinstance(value, list) or not value:
                raise DataFileError(f"{where}: expected a non-empty list of organisation types")
            value = "; ".join(str(v).strip() for v in value)
        elif not isinstance(value, str | int | float):
            raise DataFileError(f"{where}: expected a text value, got {type(value).__name__}")
        values[field] = " ".join(str(value).split())
        rows.append(
            {
                "record": record,
                "field": field,
                "provenance": str(entry["provenance"]).strip(),
                "source": None if entry.get("source") in (None, "") else str(entry["source"]).strip(),
                "note": None if entry.get("note") in (None, "") else " ".join(str(entry["note"]).split()),
            }
        )
    return values, rows


def _validate(frame: pd.DataFrame, schema, files: dict[str, Path]) -> pd.DataFrame:
    """Validate ``frame`` lazily; report failures by file, record and field."""
    try:
        return schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        lines = []
        for _, case in exc.failure_cases.head(5).iterrows():
            index = case.get("index")
            column = case.get("column") or "(table)"
            if index is None or (isinstance(index, float) and index != index):
                where = f"{', '.join(str(p) for p in files.values())}: field {column}"
            else:
                row = frame.iloc[int(index)]
                record = str(row["record"])
                field = str(row["field"]) if "field" in frame.columns else column
                detail = f" ({column})" if "field" in frame.columns else ""
                where = f"{files[record]}: record {record}, field {field}{detail}"
            lines.append(f"{where}: failed {case.get('check')}; got {case.get('failure_case')!r}")
        raise DataFileError("\n".join(lines)) from None


def _check_provenance_rules(prov: pd.DataFrame, files: dict[str, Path]) -> None:
    """A reported field must name its source; an illustrative one must not claim a source.

    A part of the report's account (``PARTS``) must be reported: an editor-written narrative about a
    placeholder case would read as a finding of the study.
    """
    for _, row in prov.iterrows():
        where = f"{files[row['record']]}: record {row['record']}, field {row['field']}"
        source = text_or_none(row["source"])
        if row["field"] in PARTS and row["provenance"] != provenance.Provenance.REPORTED:
            raise DataFileError(
                f"{where}: a part of the report's account must be taken from the report (provenance "
                "reported, with its source); leave the field out rather than write an illustrative one"
            )
        if row["provenance"] == provenance.Provenance.REPORTED and source is None:
            raise DataFileError(f"{where}: provenance is reported but no source id (S1-S11) is given")
        if row["provenance"] == provenance.Provenance.ILLUSTRATIVE and source is not None:
            raise DataFileError(f"{where}: provenance is illustrative but a source ({source}) is given")


def _check_organisations(values: pd.DataFrame, files: dict[str, Path]) -> None:
    for _, row in values.iterrows():
        for name in str(row["organisations"]).split("; "):
            if name not in ORGANISATION_SECTORS:
                raise DataFileError(
                    f"{files[row['record']]}: record {row['record']}, field organisations: unknown "
                    f"organisation type {name!r}; allowed: {', '.join(ORGANISATION_SECTORS)}"
                )


def _check_same_ccg_same_context(values: pd.DataFrame, files: dict[str, Path]) -> None:
    """Two cases in one CCG must agree on the CCG's region, setting and deprivation."""
    for _, group in values.groupby("ccg"):
        first = group.iloc[0]
        for _, row in group.iloc[1:].iterrows():
            for field in ("region", "setting", "deprivation"):
                if row[field] != first[field]:
                    raise DataFileError(
                        f"{files[row['record']]}: record {row['record']}, field {field}: "
                        f"{row[field]!r} differs from {first[field]!r} in {first['record']} "
                        f"(same {row['ccg']})"
                    )


def page_name(record: str) -> str:
    """Return the book page (docname, without extension) of a record: ``chapters/cases/<record>``."""
    return f"chapters/cases/{record}"
