"""Loading and validating the survey files: tidy output, codebook consistency, and every bad-input case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ccg_leadership.datafiles import DataFileError
from ccg_leadership.survey import stats
from ccg_leadership.survey.data import load_survey
from ccg_leadership.survey.findings import check_findings

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEY = load_survey(DATA)
RESPONSES = DATA / "survey" / "responses.csv"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def _edit_responses(root: Path, edit) -> Path:
    path = root / "survey" / "responses.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join(edit(lines)), encoding="utf-8")
    return path


def _set_cell(lines: list[str], line: int, column: str, value: str) -> list[str]:
    header = lines[0].split(",")
    cells = lines[line].split(",")
    cells[header.index(column)] = value
    lines[line] = ",".join(cells)
    return lines


def test_long_format_has_one_row_per_answer() -> None:
    long = SURVEY.responses
    assert list(long.columns) == ["respondent_id", "wave", "role", "item", "response"]
    raw = pd.read_csv(RESPONSES, dtype=str, keep_default_na=False)
    items = [c for c in raw.columns if c not in ("respondent_id", "wave", "role")]
    answered = int((raw[items] != "").to_numpy().sum())
    assert len(long) == answered
    assert set(long["wave"]) == {2014, 2016}
    first = raw.iloc[0]
    mine = long[long["respondent_id"] == first["respondent_id"]].set_index("item")["response"]
    assert {k: str(v) for k, v in mine.items()} == {i: first[i] for i in items if first[i] != ""}


def test_codebook_covers_every_theme_and_matches_the_schema() -> None:
    table = SURVEY.items
    themes = " ".join(table["theme"]).lower()
    for word in [
        "my ccg",
        "nhs england",
        "gp versus manager",
        "vision",
        "secondary care",
        "patients and the public",
        "centrality",
        "primary-care clinicians",
        "collaborations",
        "plans versus tangible change",
        "workload",
        "survival",
        "value of commissioning",
    ]:
        assert word in themes, word
    schema = yaml.safe_load((DATA / "schema" / "survey_responses.yml").read_text(encoding="utf-8"))
    for item, row in table.iterrows():
        assert schema["columns"][item]["isin"] == row["codes"], item
        assert row["codes"] == list(range(1, len(row["codes"]) + 1))
    assert SURVEY.option_labels("vision_setter")[3] == "Managers and clinicians equally"
    assert SURVEY.option_labels("plans_exceed_change")[5] == "Strongly agree"


def test_roles_are_the_seven_of_the_issue_with_labels() -> None:
    roles = SURVEY.roles
    assert list(roles.index) == [
        "chair",
        "accountable_officer",
        "chief_finance_officer",
        "gp_member",
        "other_clinical",
        "lay_member",
        "other_manager",
    ]
    schema = yaml.safe_load((DATA / "schema" / "survey_responses.yml").read_text(encoding="utf-8"))
    assert schema["columns"]["role"]["isin"] == list(roles.index)
    assert SURVEY.role_group_members("manager") == [
        "accountable_officer",
        "chief_finance_officer",
        "other_manager",
    ]
    assert SURVEY.role_label("gp_member") == "GP governing-body member"
    with pytest.raises(KeyError, match="known"):
        SURVEY.role_label("dean")


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        pytest.param(
            lambda ls: [ls[0].replace(",role,", ",job,"), *ls[1:]],
            r"responses\.csv: line 1 \(header\), column role: missing column\(s\) role",
            id="missing-column",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 3, "role", "dean"),
            r"responses\.csv: row 3 \(line 4\), column role: not an allowed value \(found "
            r"'dean'; expected one of",
            id="unknown-role",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 5, "vision_setter", "4"),
            r"responses\.csv: row 5 \(line 6\), column vision_setter: not an allowed value "
            r"\(found 4; expected one "
            r"of 1, 2, 3\)",
            id="out-of-range-code",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 7, "plans_exceed_change", "agree"),
            r"responses\.csv: row 7 \(line 8\), column plans_exceed_change: not a whole "
            r"number \(found 'agree'",
            id="non-numeric-code",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 9, "respondent_id", ls[2].split(",")[0]),
            r"responses\.csv: row 9 \(line 10\), column respondent_id: repeated respondent_id "
            r"\(found 'S1\d-\d+'; "
            r"expected a value no other row has \(as on line 3\)\)",
            id="duplicate-respondent",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 11, "wave", "2015"),
            r"responses\.csv: row 11 \(line 12\), column wave: not an allowed value \(found "
            r"2015; expected one of "
            r"2014, 2016\)",
            id="wrong-wave",
        ),
        pytest.param(
            lambda ls: _set_cell(ls, 4, "wave", "2016" if ls[4].startswith("S14") else "2014"),
            r"responses\.csv: row 4 \(line 5\), column wave: does not match respondent "
            r"S1[46]-\d+ \(found 201[46]",
            id="wave-not-matching-id",
        ),
        pytest.param(
            lambda ls: [ls[0] + ",extra", *[line + ",1" for line in ls[1:] if line]],
            r"responses\.csv: line 1 \(header\), column extra: unexpected column \(found "
            r"'extra'; expected only",
            id="unexpected-column",
        ),
        pytest.param(lambda ls: [], r"responses\.csv: line 1: file is empty", id="empty-file"),
        pytest.param(
            lambda ls: ls[:1], r"responses\.csv: line 2: has a header but no data rows", id="header-only"
        ),
    ],
)
def test_bad_respondent_file_names_file_row_and_column(tmp_path: Path, edit, pattern: str) -> None:
    root = _copy(tmp_path)
    _edit_responses(root, edit)
    with pytest.raises(DataFileError, match=pattern):
        load_survey(root)


def test_wrong_encoding_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    path = root / "survey" / "responses.csv"
    path.write_bytes(
        path.read_text(encoding="utf-8").replace("other_manager", "other_m\xe4nager", 1).encode("latin-1")
    )
    with pytest.raises(DataFileError, match=r"responses\.csv: line \d+: not valid UTF-8"):
        load_survey(root)


def test_role_missing_from_roles_file_is_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    roles = root / "survey" / "roles.csv"
    roles.write_text(
        "\n".join(
            line
            for line in roles.read_text(encoding="utf-8").split("\n")
            if not line.startswith("lay_member")
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        DataFileError,
        match=r"responses\.csv: row \d+ \(line \d+\), column role: unknown role \(found 'lay_member'",
    ):
        load_survey(root)


def test_bad_codebook_and_findings_are_named(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    book = root / "survey" / "codebook.csv"
    book.write_text(
        book.read_text(encoding="utf-8").replace(",3,adequate,Adequate,", ",x,adequate,Adequate,", 1),
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match=r"codebook\.csv: row \d+ \(line \d+\), column code"):
        load_survey(root)
    book.write_text(
        book.read_text(encoding="utf-8")
        .replace(",x,adequate,Adequate,", ",3,adequate,Adequate,")
        .replace(",3,adequate,", ",3,poor,", 1),
        encoding="utf-8",
    )
    with pytest.raises(
        DataFileError,
        match=r"codebook\.csv: row \d+ \(line \d+\), column key: repeated within item \w+ \(found 'poor'",
    ):
        load_survey(root)
    book.write_text((DATA / "survey" / "codebook.csv").read_text(encoding="utf-8"), encoding="utf-8")
    findings = root / "published" / "findings.csv"
    findings.write_text(
        findings.read_text(encoding="utf-8").replace(",share,33%", ",guess,33%"), encoding="utf-8"
    )
    with pytest.raises(DataFileError, match=r"findings\.csv: row 1 \(line 2\), column check"):
        load_survey(root)


def test_loading_and_computing_never_write_to_data(tmp_path: Path) -> None:

    root = _copy(tmp_path)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    load_survey(root)
    load_survey(root)
    load_survey(root)
    check_findings(load_survey(root))
    stats.by_role(load_survey(root), "ccg_relative_influence", "4|5", 2016)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in root.rglob("*") if p.is_file()}
    assert after == before


def test_yaml_and_schema_readers_give_what_pyyaml_and_pandera_give() -> None:
    import pandera.pandas as pa

    from ccg_leadership import schemas
    from ccg_leadership.datafiles import load_yaml

    def typed(value: object) -> object:
        if isinstance(value, dict):
            return [(typed(k), typed(v)) for k, v in value.items()]
        if isinstance(value, list):
            return [typed(v) for v in value]
        return type(value).__name__, value

    files = sorted(DATA.rglob("*.yml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert typed(load_yaml(text)) == typed(yaml.safe_load(text)), path
    for path in sorted((DATA / "schema").glob("*.yml")):
        loaded = schemas.load_schema(path.stem, DATA)
        assert loaded == pa.DataFrameSchema.from_yaml(path), path
        assert loaded.to_yaml() == pa.DataFrameSchema.from_yaml(path).to_yaml()
    with pytest.raises(yaml.YAMLError):
        load_yaml("key: [unclosed")
