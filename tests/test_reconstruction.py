"""The committed respondent file is exactly what the seeded reconstruction produces from its config."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ccg_leadership.survey import reconstruction, stats
from ccg_leadership.survey import tables as survey_tables
from ccg_leadership.survey.data import load_survey

DATA = Path(__file__).resolve().parents[1] / "data"
SURVEY = load_survey(DATA)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def test_regenerated_file_is_byte_identical_to_the_committed_one(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "survey" / "responses.csv").unlink()
    written = reconstruction.write(root)
    assert written.read_bytes() == (DATA / "survey" / "responses.csv").read_bytes()


def test_check_command_accepts_the_committed_file_and_rejects_an_edit(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    command = [sys.executable, "-m", "ccg_leadership.survey.reconstruction", "--check", "--root", str(root)]
    assert subprocess.run(command, capture_output=True, check=False).returncode == 0
    path = root / "survey" / "responses.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "--write" in result.stderr


def test_write_refuses_a_config_that_breaks_a_published_finding(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    config = root / "reconstruction.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "shares: [30, 37, 33], basis: Q1", "shares: [30, 39, 31], basis: Q1"
        ),
        encoding="utf-8",
    )
    before = (root / "survey" / "responses.csv").read_bytes()
    with pytest.raises(ValueError, match="misses findings Q1, Q2a"):
        reconstruction.write(root)
    assert (root / "survey" / "responses.csv").read_bytes() == before


def test_every_assumption_is_marked_illustrative() -> None:
    config = yaml.safe_load((DATA / "reconstruction.yml").read_text(encoding="utf-8"))
    assert config["provenance"] == "illustrative"
    assert config["item_nonresponse"]["provenance"] == "illustrative"
    assert all(spec["provenance"] == "illustrative" for spec in config["waves"].values())
    assert all("basis" in target for target in config["targets"])
    header = (DATA / "reconstruction.yml").read_text(encoding="utf-8").splitlines()[:5]
    assert any("ILLUSTRATIVE" in line for line in header)


def test_sample_sizes_are_realistic_and_the_files_small() -> None:
    sizes = reconstruction.sample_sizes(reconstruction.load_config(DATA))
    assert set(sizes) == {2014, 2016}
    assert all(300 <= n <= 1000 for n in sizes.values())
    respondents = SURVEY.respondents
    assert respondents.groupby("wave").size().to_dict() == sizes == SURVEY.respondents_per_wave()
    total = (
        sum(p.stat().st_size for p in (DATA / "survey").iterdir())
        + (DATA / "published" / "findings.csv").stat().st_size
    )
    assert total < 2_000_000
    table = survey_tables.respondents_table(SURVEY)
    assert table.loc["All respondents"].to_dict() == sizes
    assert table.loc["Chair", 2016] == (respondents.query("wave == 2016")["role"] == "chair").sum()
    assert SURVEY.respondent_total() == len(respondents)


def test_every_item_is_answered_in_both_waves_with_some_blanks() -> None:
    long = SURVEY.responses
    respondents = SURVEY.respondents
    per_item = long.groupby(["item", "wave"]).size()
    for item in SURVEY.items.index:
        for wave, n in respondents.groupby("wave").size().items():
            assert 0.95 * n <= per_item[(item, wave)] < n, (item, wave)


def test_reconstruction_meets_the_significance_constraints() -> None:
    assert stats.wave_change(SURVEY, "vision_setter", 3).significant
    assert not stats.wave_change(SURVEY, "leadership_centrality", "3|4").significant
