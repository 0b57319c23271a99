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

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.errors as pe
import yaml

from .. import failures, provenance
from ..datafiles import DataFileError, load_yaml, not_utf8, once_per_version
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
    lines: dict[tuple[str, ...], int] = dataclasses.field(default_factory=dict)
    """The file line of each (record, field) and (record, field, key), for messages."""

    def where(self, record: str, name: str, key: str | None = None) -> str:
        """``<file>: record R, field F[, key K] (line N)``: where an error about a field points."""
        return _Places(self.files, self.lines).at(record, name, key)

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


@dataclass
class _Places:
    """Where each record and field is: the file, and the line of each field and key (for messages)."""

    files: dict[str, Path]
    lines: dict[tuple[str, ...], int]

    def at(self, record: str, field: str | None = None, key: str | None = None) -> str:
        """``<file>: record R, field F (line N)``; the line of ``key`` inside the field if given."""
        where = f"{self.files[record]}: record {record}"
        if field is None:
            return where
        line = self.lines.get((record, field, key)) if key else None
        line = line or self.lines.get((record, field))
        detail = f", key {key}" if key and key != "value" else ""
        return f"{where}, field {field}{detail}" + (f" (line {line})" if line else "")


def _build(root: Path) -> CaseRecords:
    files = case_files(root)
    if not files:
        raise DataFileError(f"{root / 'cases'}: no case records (case-<n>.yml) found")
    value_rows, provenance_rows = [], []
    places = _Places({}, {})
    for path in files:
        places.files[path.stem] = path
        values, fields = _read_record(path, places)
        value_rows.append(values)
        provenance_rows.extend(fields)
    values = pd.DataFrame(value_rows)
    prov = pd.DataFrame(provenance_rows)
    values = _validate(values, load_schema("cases", root), places)
    prov = _validate(prov, load_schema("cases_provenance", root), places)
    _check_provenance_rules(prov, places)
    _check_organisations(values, places)
    _check_same_ccg_same_context(values, places)
    return CaseRecords(
        values=values.set_index("record"),
        provenance=prov.set_index(["record", "field"]),
        files=places.files,
        lines=places.lines,
        themes=read_table(root / THEMES, "cases_themes", root).set_index("theme"),
    )


def _field_lines(record: str, text: str) -> dict[tuple[str, ...], int]:
    """The file line of each top-level field (``(record, field)``) and of each key inside it."""
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    lines: dict[tuple[str, ...], int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        lines[(record, str(key.value))] = key.start_mark.line + 1
        if isinstance(value, yaml.MappingNode):
            for inner, _ in value.value:
                lines[(record, str(key.value), str(inner.value))] = inner.start_mark.line + 1
    return lines


def _load_record(path: Path, places: _Places) -> object:
    """Parse one record file; a syntax error names the file, line and column."""
    record = path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{not_utf8(path, exc)} (record {record})") from None
    try:
        data = load_yaml(text)
        places.lines.update(_field_lines(record, text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DataFileError(f"{path}: record {record}{where}: not valid YAML: {problem}") from None
    return data


def _read_record(path: Path, places: _Places) -> tuple[dict[str, str], list[dict[str, str | None]]]:
    """Parse one YAML record into a values row and one provenance row per field."""
    record = path.stem
    data = _load_record(path, places)
    if not isinstance(data, dict):
        raise DataFileError(
            f"{path}: record {record}, line 1: expected a mapping of fields (found "
            f"{'an empty file' if data is None else type(data).__name__}; expected field: value pairs)"
        )
    unknown = sorted(set(map(str, data)) - set(ALL_FIELDS))
    if unknown:
        raise DataFileError(
            f"{places.at(record, unknown[0])}: unknown field (found {unknown[0]!r}; expected one of "
            f"{', '.join(ALL_FIELDS)})"
        )
    values: dict[str, str | None] = {"record": record, **dict.fromkeys(PARTS)}
    rows: list[dict[str, str | None]] = []
    for field in ALL_FIELDS:
        where = places.at(record, field)
        entry = data.get(field)
        if entry is None and field in PARTS:
            continue
        if field not in data:
            raise DataFileError(
                f"{path}: record {record}, field {field}: missing (expected a field {field} with value and "
                f"provenance: every record needs {', '.join(FIELDS)})"
            )
        if not isinstance(entry, dict) or "value" not in entry or "provenance" not in entry:
            found = (
                type(entry).__name__ if not isinstance(entry, dict) else "keys " + ", ".join(map(str, entry))
            )
            raise DataFileError(
                f"{where}: not a field entry (found {found}; expected a mapping with value and "
                "provenance, and source when reported)"
            )
        extra = sorted(set(map(str, entry)) - {"value", "provenance", "source", "note"})
        if extra:
            raise DataFileError(
                f"{places.at(record, field, extra[0])}: unknown key (found {extra[0]!r}; expected value, "
                "provenance, source, note)"
            )
        value = entry["value"]
        if field == "organisations":
            if not isinstance(value, list) or not value:
                raise DataFileError(
                    f"{places.at(record, field, 'value')}: not a list (found {value!r}; expected a "
                    "non-empty list of organisation types)"
                )
            value = "; ".join(str(v).strip() for v in value)
        elif not isinstance(value, str | int | float) or isinstance(value, bool):
            raise DataFileError(
                f"{places.at(record, field, 'value')}: not a text value (found "
                f"{type(value).__name__} {value!r}; expected text)"
            )
        for key in ("provenance", "source", "note"):
            if isinstance(entry.get(key), dict | list):
                raise DataFileError(
                    f"{places.at(record, field, key)}: not a text value (found {entry[key]!r}; expected text)"
                )
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


def _validate(frame: pd.DataFrame, schema, places: _Places) -> pd.DataFrame:
    """Validate ``frame`` lazily; report failures by file, record, field and line."""
    try:
        return schema.validate(frame, lazy=True)
    except pe.SchemaErrors as exc:
        lines = []
        for _, case in exc.failure_cases.iterrows():
            worded = failures.words(schema, case, frame, [])
            if worded is None:
                continue
            column, problem, expected, found = worded
            index = case.get("index")
            if index is None or (isinstance(index, float) and index != index):
                where = f"{', '.join(str(p) for p in places.files.values())}: field {column}"
            else:
                row = frame.loc[index]
                if "field" in frame.columns:  # provenance rows: one per (record, field)
                    where = places.at(str(row["record"]), str(row["field"]), str(column))
                else:
                    where = places.at(str(row["record"]), str(column), "value")
            detail = f"found {found}; expected {expected}" if found is not None else f"expected {expected}"
            lines.append(f"{where}: {problem} ({detail})")
        lines = list(dict.fromkeys(lines))
        more = (
            [f"... and {len(lines) - failures.LIMIT} more problem(s)"] if len(lines) > failures.LIMIT else []
        )
        raise DataFileError("\n".join(lines[: failures.LIMIT] + more)) from None


def _check_provenance_rules(prov: pd.DataFrame, places: _Places) -> None:
    """A reported field must name its source; an illustrative one must not claim a source.

    A part of the report's account (``PARTS``) must be reported: an editor-written narrative about a
    placeholder case would read as a finding of the study.
    """
    for _, row in prov.iterrows():
        record, field = str(row["record"]), str(row["field"])
        source = text_or_none(row["source"])
        if field in PARTS and row["provenance"] != provenance.Provenance.REPORTED:
            raise DataFileError(
                f"{places.at(record, field, 'provenance')}: a part of the report's account must be taken "
                "from the report (provenance reported, with its source); leave the field out rather than "
                "write an illustrative one"
            )
        if row["provenance"] == provenance.Provenance.REPORTED and source is None:
            raise DataFileError(
                f"{places.at(record, field, 'provenance')}: provenance is reported but no source is given "
                "(expected a source id, S1-S11)"
            )
        if row["provenance"] == provenance.Provenance.ILLUSTRATIVE and source is not None:
            raise DataFileError(
                f"{places.at(record, field, 'source')}: provenance is illustrative but a source is given "
                f"(found {source!r}; expected no source, or provenance reported)"
            )


def _check_organisations(values: pd.DataFrame, places: _Places) -> None:
    for _, row in values.iterrows():
        for name in str(row["organisations"]).split("; "):
            if name not in ORGANISATION_SECTORS:
                raise DataFileError(
                    f"{places.at(str(row['record']), 'organisations', 'value')}: unknown organisation type "
                    f"(found {name!r}; expected one of {', '.join(ORGANISATION_SECTORS)})"
                )


def _check_same_ccg_same_context(values: pd.DataFrame, places: _Places) -> None:
    """Two cases in one CCG must agree on the CCG's region, setting and deprivation."""
    for _, group in values.groupby("ccg"):
        first = group.iloc[0]
        for _, row in group.iloc[1:].iterrows():
            for field in ("region", "setting", "deprivation"):
                if row[field] != first[field]:
                    raise DataFileError(
                        f"{places.at(str(row['record']), field, 'value')}: {row[field]!r} differs from "
                        f"{first[field]!r} in {first['record']} (same {row['ccg']}; expected the same value)"
                    )


def page_name(record: str) -> str:
    """Return the book page (docname, without extension) of a record: ``chapters/cases/<record>``."""
    return f"chapters/cases/{record}"
