"""The case studies (chapters 4 and 5): structured case records, their checks, register and matrix.

Each file ``data/cases/case-<n>.yml`` is one *record*: one attempt at service redesign, the study's
unit of analysis. Every field holds a ``value`` and a ``provenance`` (``reported`` with a fact-sheet
``source`` id, or ``illustrative``), optionally a ``note``. Loading validates the values against
``data/schema/cases.yml`` and the provenance against ``data/schema/cases_provenance.yml`` and raises
:class:`~ccg_leadership.tables.DataFileError` naming the file, the record and the field.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import provenance
from .paths import data_dir
from .schemas import load_schema
from .tables import DataFileError, load_yaml, read_validated

if TYPE_CHECKING:
    import pandas as pd

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
    "context",
    "redesign",
    "leadership",
    "lessons",
)
"""Every field a record must have, in page order."""

PARTS: dict[str, str] = {
    "context": "Context",
    "redesign": "The redesign attempt",
    "leadership": "Insights about clinical leadership",
    "lessons": "Lessons",
}
"""The four parts of every case write-up (the report's standard frame) and their page headings."""

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
NOTABLE_AREAS = ("frail elderly", "long-term conditions")
"""Words naming the study's most notable redesigns: integrated care for these groups (S3)."""


@dataclass(frozen=True)
class CaseRecords:
    """The validated case records: values (one row per record) and provenance (one row per field)."""

    values: pd.DataFrame
    provenance: pd.DataFrame
    files: dict[str, Path]

    def field_provenance(self, record: str, field: str) -> tuple[str, str | None, str | None]:
        """Return (provenance, source, note) of one field of one record."""
        row = self.provenance.loc[(record, field)]
        return str(row["provenance"]), _text_or_none(row["source"]), _text_or_none(row["note"])

    def organisations(self, record: str) -> list[str]:
        """Return the organisations involved in one case, in record order."""
        return str(self.values.loc[record, "organisations"]).split("; ")


def _text_or_none(value: object) -> str | None:
    return None if value is None or value != value or str(value) in {"", "<NA>", "None"} else str(value)


def case_files(root: Path | None = None) -> list[Path]:
    """Return the record files ``data/cases/case-*.yml`` in case-number order."""
    folder = (root or data_dir()) / "cases"
    files = [p for p in folder.glob("case-*.yml") if p.stem.split("-", 1)[1].isdigit()]
    return sorted(files, key=lambda p: int(p.stem.split("-", 1)[1]))


def load_cases(root: Path | None = None) -> CaseRecords:
    """Read and validate every case record; raise DataFileError naming file, record and field."""
    import pandas as pd

    root = root or data_dir()
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
    )


def _read_record(path: Path) -> tuple[dict[str, str], list[dict[str, str | None]]]:
    """Parse one YAML record into a values row and one provenance row per field."""
    import yaml

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
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise DataFileError(
            f"{path}: record {record}, field {unknown[0]}: unknown field; allowed: {', '.join(FIELDS)}"
        )
    values: dict[str, str] = {"record": record}
    rows: list[dict[str, str | None]] = []
    for field in FIELDS:
        where = f"{path}: record {record}, field {field}"
        entry = data.get(field)
        if entry is None:
            raise DataFileError(f"{where}: missing (every record needs every field)")
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
    import pandera.errors as pe

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
    """A reported field must name its source; an illustrative one must not claim a source."""
    for _, row in prov.iterrows():
        where = f"{files[row['record']]}: record {row['record']}, field {row['field']}"
        source = _text_or_none(row["source"])
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


def verified_fact_checks(records: CaseRecords, root: Path | None = None) -> pd.DataFrame:
    """Compare the records with the study's verified aggregate facts; one row per fact.

    Expected values come from ``data/study/facts.csv`` (counts) and the fact sheet (sets, S1/S3).
    """
    import pandas as pd

    from . import study

    values = records.values
    counts = summary_counts(records)
    notable = values[_is_notable(values["service_area"])]
    notable_reported = [
        r for r in notable.index if records.field_provenance(str(r), "service_area")[0] == "reported"
    ]
    rows = [
        ("CCGs studied in depth", study.fact("case_ccgs", root), counts["ccgs"], "S1"),
        ("cases of service redesign", study.fact("cases", root), counts["cases"], "S1"),
        (
            "CCGs contributing two cases",
            study.fact("ccgs_with_two_cases", root),
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
        (
            "integrated care for frail elderly people or long-term conditions present (reported)",
            "yes",
            _yes(bool(notable_reported)),
            "S3",
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


def _is_notable(service_area: pd.Series) -> pd.Series:
    lowered = service_area.str.lower()
    return lowered.str.contains("integrated care") & (
        lowered.str.contains(NOTABLE_AREAS[0]) | lowered.str.contains(NOTABLE_AREAS[1])
    )


def page_name(record: str) -> str:
    """Return the book page (docname, without extension) of a record: ``chapters/cases/<record>``."""
    return f"chapters/cases/{record}"


def register_table(records: CaseRecords) -> pd.DataFrame:
    """Return the case register: one row per case with its labels, setting and redesign.

    Reported values carry ``(reported, Sx)`` after them; every other cell is illustrative.
    """
    import pandas as pd

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


def register_html(records: CaseRecords, page_prefix: str = "cases/") -> str:
    """Return the register as an HTML table whose case labels link to the case pages."""
    import html

    table = register_table(records)
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in ["Case", *table.columns])
    body = []
    for (record, _), (case, row) in zip(records.values.iterrows(), table.iterrows(), strict=True):
        link = f'<a href="{page_prefix}{record}.html">{html.escape(str(case))}</a>'
        cells = "".join(
            f'<td style="white-space: nowrap">{html.escape(str(v))}</td>'
            if column == "CCG"
            else f"<td>{html.escape(str(v))}</td>"
            for column, v in row.items()
        )
        body.append(f'<tr><th scope="row" style="white-space: nowrap">{link}</th>{cells}</tr>')
    label = (
        f'<p class="table-provenance"><em>Provenance:</em> {provenance.badge_html("illustrative")} '
        "Every cell is an editors' placeholder except those marked 'reported' with a source id.</p>"
    )
    return (
        label
        + '<table class="table case-register"><thead><tr>'
        + head
        + "</tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>"
    )


MATRIX_DIMENSIONS: tuple[str, ...] = ("Region", "Setting", "Deprivation", "Origin", "Driver", *SECTORS)
"""The columns of the cross-case comparison matrix."""


def comparison_matrix(records: CaseRecords) -> pd.DataFrame:
    """Return the cases × dimensions matrix as category text (sector columns: 'yes' or 'no')."""
    import pandas as pd

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
    return pd.DataFrame(rows).set_index("case")[list(MATRIX_DIMENSIONS)]


def counts_by(records: CaseRecords, field: str) -> pd.DataFrame:
    """Return the number of cases per category of ``field`` (origin or driver), all categories shown."""
    import pandas as pd

    labels = {"origin": ORIGINS, "driver": DRIVERS}[field]
    counts = records.values[field].value_counts().reindex(list(labels), fill_value=0)
    return pd.DataFrame(
        {FIELD_LABELS[field]: [labels[k] for k in labels], "cases": [int(v) for v in counts]}
    ).set_index(FIELD_LABELS[field])


def origin_by_driver(records: CaseRecords) -> pd.DataFrame:
    """Return a cross-tabulation of cases by origin (rows) and driver (columns), with totals."""
    import pandas as pd

    table = pd.crosstab(
        records.values["origin"].map(ORIGINS),
        records.values["driver"].map(DRIVERS),
        margins=True,
        margins_name="All",
    )
    order_rows = [v for v in ORIGINS.values() if v in table.index] + ["All"]
    order_cols = [v for v in DRIVERS.values() if v in table.columns] + ["All"]
    table = table.reindex(index=order_rows, columns=order_cols, fill_value=0)
    table.index.name, table.columns.name = "Where it arose", "Who drove it"
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
    table.index.name = "case"
    return table


def load_themes(root: Path | None = None) -> pd.DataFrame:
    """Return the verified cross-case themes and barriers (``data/cases/themes.csv``), validated."""
    root = root or data_dir()
    return read_validated(root / "cases" / "themes.csv", "cases_themes", root).set_index("theme")


def themes_table(kind: str, root: Path | None = None) -> pd.DataFrame:
    """Return the themes (or barriers) as a reader-facing table with their source."""
    themes = load_themes(root)
    table = themes[themes["kind"] == kind][["statement", "basis", "source"]].copy()
    table.columns = ["Finding (paraphrased)", "Published in", "Source id"]
    table.index = range(1, len(table) + 1)
    table.index.name = "#"
    return table


def table_html(frame: pd.DataFrame, kind: str, note: str = "", css_class: str = "") -> str:
    """Return ``frame`` as an HTML table preceded by its provenance badge and an optional note.

    A named index becomes the first, labelled column (so no header cell is left empty).
    """
    import html

    label = f'<p class="table-provenance"><em>Provenance:</em> {provenance.badge_html(kind)}'
    label += f" {html.escape(note)}</p>" if note else "</p>"
    named = frame.index.name is not None
    shown = frame.reset_index() if named else frame
    table = shown.to_html(classes=f"table {css_class}".strip(), border=0, escape=True, index=not named)
    return label + table


def details_html(summary: str, frame: pd.DataFrame, kind: str, note: str = "") -> str:
    """Return a collapsed ``<details>`` block holding the table behind a figure, with its provenance."""
    import html

    head = f"<details class='table-behind'><summary>{html.escape(summary)}</summary>"
    return head + table_html(frame, kind, note) + "</details>"


def survey_figures(ids: list[str], root: Path | None = None) -> dict[str, float]:
    """Return published survey percentages recomputed from the survey data, keyed by finding id.

    Each value is computed by ``ccg_leadership.findings.check_findings`` (respondent rows, rounded as
    published) and must reproduce the published value; otherwise a ValueError names the finding.
    """
    from .findings import check_findings

    checked = check_findings(root)
    figures = {}
    for ident in ids:
        row = checked.loc[ident]
        if not bool(row["passed"]) or row["computed_rounded"] is None:
            raise ValueError(f"survey finding {ident} is not reproduced by the survey data ({row['detail']})")
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


def survey_link_table(root: Path | None = None) -> pd.DataFrame:
    """Return one row per (theme, survey finding) pair the editors place side by side.

    The survey side is the published result from ``data/published/findings.csv``.
    """
    import pandas as pd

    from . import survey

    findings = survey.load_findings(root)
    themes = load_themes(root)
    rows = []
    for theme, ids in survey_links(root).items():
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


def survey_links(root: Path | None = None) -> dict[str, list[str]]:
    """Return, per theme, the fact-sheet ids of the survey findings placed beside it (may be empty)."""
    themes = load_themes(root)
    return {
        str(theme): [] if _text_or_none(link) is None else str(link).split("|")
        for theme, link in themes["survey_link"].items()
    }
