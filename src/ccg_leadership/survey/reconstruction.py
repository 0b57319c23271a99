"""Deterministic reconstruction of the survey's respondent-level data (illustrative).

The study's respondent files are not public. This module generates ``data/survey/responses.csv`` from
the assumptions in ``data/reconstruction.yml`` (seed, respondents per role and wave, item non-response,
target answer shares, role shifts), so that the published findings (``data/published/findings.csv``)
are reproduced at the report's rounding. Everything it produces is illustrative.

How answers are assigned, for each item and wave:

1. respondents are split into the target groups of the config (``all``, or ``managers`` / ``others``);
2. in each group a fixed number (``rate`` x group size, rounded down) leave the item blank;
3. the target shares are turned into exact counts of the remaining respondents by largest remainder;
4. ordered items: respondents are ranked by a latent score (role shift + standard normal noise) and
   the lowest-ranked get the lowest option; categorical items: ranked by a random permutation.

Command line (from the book root)::

    python -m ccg_leadership.survey.reconstruction --write   # regenerate the committed file (checked)
    python -m ccg_leadership.survey.reconstruction --check   # exit 1 unless the committed file is identical

Functions: ``load_config(data=None) -> dict`` (once per file version), ``generate(data=None) -> str``
(the CSV text), ``write(data=None) -> Path``, ``is_current(data=None) -> bool``; and for the data
appendix, plain functions of the loaded config: ``sample_sizes(config) -> dict[int, int]`` (the sizes
the generator was given; the book states the sizes of the respondent file instead, from
``Survey.respondents_per_wave``), ``nonresponse_pct(config) -> float`` and
``targets_table(config) -> DataFrame`` (target shares and their basis). ``data`` is the data folder
(default: the book's ``data/``).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..datafiles import DataFileError, once_per_version, read_yaml
from ..paths import data_dir
from .data import load_survey, read_items, read_roles, responses_path
from .findings import check_findings

CONFIG = "reconstruction.yml"
GROUPS = ("all", "managers", "others")


def _folder(data: Path | None) -> Path:
    return Path(data) if data is not None else data_dir()


def load_config(data: Path | None = None) -> dict:
    """Return the reconstruction assumptions (``data/reconstruction.yml``) after basic checks.

    Read once per version of the file; the dict is shared and must not be modified.
    """
    path = (_folder(data) / CONFIG).resolve()
    return once_per_version(("reconstruction", str(path)), (path,), lambda: _read_config(path))


REQUIRED = ("provenance", "seed", "item_nonresponse", "waves", "targets")
TARGET_KEYS = ("item", "wave", "group", "shares")


def _read_config(path: Path) -> dict:
    """Parse and check the configuration; every problem is a DataFileError naming the file and entry."""
    config = read_yaml(path)
    if not isinstance(config, dict):
        raise DataFileError(f"{path}: expected a mapping with keys {', '.join(REQUIRED)}")
    missing = [key for key in REQUIRED if key not in config]
    if missing:
        raise DataFileError(f"{path}: missing key(s) {', '.join(missing)}")
    if config.get("provenance") != "illustrative":
        raise DataFileError(f"{path}: key provenance: the reconstruction must be marked 'illustrative'")
    if not isinstance(config["seed"], int) or not isinstance(config["item_nonresponse"], dict):
        raise DataFileError(f"{path}: key seed must be an integer and item_nonresponse a mapping with a rate")
    rate = config["item_nonresponse"].get("rate")
    if not isinstance(rate, int | float) or not 0 <= rate < 1:
        raise DataFileError(f"{path}: key item_nonresponse.rate: expected a number from 0 to 1, got {rate!r}")
    for key, kind in (("waves", dict), ("targets", list)):
        if not isinstance(config[key], kind) or not config[key]:
            expected = "a mapping of survey years" if kind is dict else "a list of target entries"
            raise DataFileError(f"{path}: key {key}: expected {expected}, got {config[key]!r}")
    for wave, spec in config["waves"].items():
        roles = spec.get("roles") if isinstance(spec, dict) else None
        if not isinstance(roles, dict) or not all(isinstance(n, int) and n >= 0 for n in roles.values()):
            raise DataFileError(f"{path}: waves.{wave}.roles: expected role: count pairs (whole numbers)")
    for number, target in enumerate(config["targets"], start=1):
        if not isinstance(target, dict) or any(key not in target for key in TARGET_KEYS):
            raise DataFileError(f"{path}: targets entry {number}: expected keys {', '.join(TARGET_KEYS)}")
        where = f"{path}: targets entry {number} ({target['item']} {target['wave']}, {target['group']})"
        shares = target["shares"]
        if not isinstance(shares, list) or not all(isinstance(v, int | float) for v in shares):
            raise DataFileError(f"{where}: key shares: expected a list of numbers, got {shares!r}")
        if abs(sum(shares) - 100) > 1e-9:
            raise DataFileError(f"{where}: key shares: they add up to {sum(shares)}, expected 100")
        if target["group"] not in GROUPS:
            raise DataFileError(f"{where}: key group: unknown; expected one of {', '.join(GROUPS)}")
    return config


def sample_sizes(config: dict) -> dict[int, int]:
    """Return the assumed number of respondents per wave."""
    waves = config["waves"]
    return {int(w): int(sum(spec["roles"].values())) for w, spec in sorted(waves.items())}


def nonresponse_pct(config: dict) -> float:
    """Return the assumed share of respondents leaving each item blank, in percent."""
    return float(config["item_nonresponse"]["rate"] * 100)


def targets_table(config: dict) -> pd.DataFrame:
    """Return the config's target answer shares (percent, options in codebook order) and their basis.

    One row per item, wave and group of respondents, indexed by item and wave.
    """
    groups = {"all": "all", "managers": "CCG managers", "others": "all but managers"}
    rows = [
        {
            "item": t["item"],
            "wave": int(t["wave"]),
            "respondents": groups[t["group"]],
            "target shares (%)": " / ".join(f"{s:g}" for s in t["shares"]),
            "basis": t["basis"],
        }
        for t in config["targets"]
    ]
    return pd.DataFrame(rows).set_index(["item", "wave"])


def _largest_remainder(shares: list[float], n: int) -> list[int]:
    """Turn percentages into whole counts summing to ``n`` (ties go to the earlier option)."""
    exact = [s * n / 100 for s in shares]
    counts = [int(e) for e in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[: n - sum(counts)]:
        counts[i] += 1
    return counts


def _assign(
    rng: np.random.Generator,
    roles: np.ndarray,
    shares: list[float],
    codes: list[int],
    rate: float,
    shifts: dict[str, float] | None,
) -> np.ndarray:
    """Return option codes (0 = blank) for one group of respondents, in their given order."""
    size = len(roles)
    result = np.zeros(size, dtype=int)
    blank = np.sort(rng.choice(size, int(rate * size), replace=False))
    valid = np.setdiff1d(np.arange(size), blank)
    counts = _largest_remainder(shares, len(valid))
    if shifts is None:
        rank = rng.permutation(len(valid))
    else:
        latent = np.array([shifts.get(r, 0.0) for r in roles[valid]]) + rng.standard_normal(len(valid))
        rank = np.argsort(latent, kind="stable")
    result[valid[rank]] = np.repeat(codes, counts)
    return result


def _respondents(config: dict, role_order: list[str], rng: np.random.Generator) -> pd.DataFrame:
    frames = []
    for wave, spec in sorted(config["waves"].items()):
        unknown = set(spec["roles"]) - set(role_order)
        if unknown:
            raise ValueError(f"wave {wave}: unknown role(s) {', '.join(sorted(unknown))} in the config")
        roles = np.array([r for r in role_order for _ in range(int(spec["roles"].get(r, 0)))])
        roles = roles[rng.permutation(len(roles))]
        ids = [f"S{int(wave) % 100:02d}-{i:04d}" for i in range(1, len(roles) + 1)]
        frames.append(pd.DataFrame({"respondent_id": ids, "wave": int(wave), "role": roles}))
    return pd.concat(frames, ignore_index=True)


def generate(data: Path | None = None) -> str:
    """Return the CSV text of the reconstructed respondent file (deterministic for a given config).

    Reads the config, the codebook and the roles (not the respondent file it replaces).
    """
    folder = _folder(data)
    config = load_config(folder)
    rng = np.random.default_rng(int(config["seed"]))
    item_table = read_items(folder)
    roles = read_roles(folder)
    frame = _respondents(config, list(roles.index), rng)
    managers = {r for r, g in roles["group"].items() if g == "manager"}
    rate = float(config["item_nonresponse"]["rate"])
    targets = {(t["item"], int(t["wave"]), t["group"]): t for t in config["targets"]}
    shifts = config.get("role_shifts", {})
    for item, spec in item_table.iterrows():
        ordered = spec["scale"] != "categorical"
        if item in shifts and not ordered:
            raise ValueError(f"role shifts given for categorical item {item!r}")
        column = np.zeros(len(frame), dtype=int)
        for wave in sorted(config["waves"]):
            in_wave = (frame["wave"] == int(wave)).to_numpy()
            groups = [g for g in GROUPS if (item, int(wave), g) in targets]
            if groups not in (["all"], ["managers", "others"]):
                raise ValueError(f"{item} {wave}: targets must be 'all', or 'managers' and 'others'")
            for group in groups:
                is_manager = frame["role"].isin(managers).to_numpy()
                mask = in_wave & {"all": True, "managers": is_manager, "others": ~is_manager}[group]
                target = targets[(item, int(wave), group)]
                if len(target["shares"]) != len(spec["codes"]):
                    raise ValueError(f"{item} {wave}: {len(spec['codes'])} options but target has shares")
                role_shifts = shifts[item]["shifts"] if item in shifts else ({} if ordered else None)
                column[mask] = _assign(
                    rng, frame["role"].to_numpy()[mask], target["shares"], spec["codes"], rate, role_shifts
                )
        frame[item] = [None if c == 0 else int(c) for c in column]
        frame[item] = frame[item].astype("Int64")
    return frame.to_csv(index=False, lineterminator="\n")


def _verify(text: str, data: Path) -> None:
    """Raise ValueError unless ``text`` passes the schema and reproduces every published finding."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "data"
        for folder in ("survey", "schema", "published"):
            shutil.copytree(data / folder, copy / folder)
        (copy / "survey" / "responses.csv").write_text(text, encoding="utf-8")
        results = check_findings(load_survey(copy))
    failed = results[~results["passed"]]
    if len(failed):
        raise ValueError(f"reconstruction misses findings {', '.join(failed.index)}:\n{failed.to_string()}")


def write(data: Path | None = None) -> Path:
    """Generate, verify against the published findings, and write ``data/survey/responses.csv``."""
    folder = _folder(data)
    text = generate(folder)
    _verify(text, folder)
    path = responses_path(folder)
    path.write_text(text, encoding="utf-8", newline="")
    return path


def is_current(data: Path | None = None) -> bool:
    """Return True when the committed respondent file is byte-identical to a fresh generation."""
    path = responses_path(_folder(data))
    return path.is_file() and path.read_bytes() == generate(data).encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: ``--write`` or ``--check`` (optionally ``--root DATA_DIR``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate data/survey/responses.csv")
    action.add_argument("--check", action="store_true", help="fail unless the committed file is current")
    parser.add_argument("--root", type=Path, default=None, help="data folder (default: the book's data/)")
    args = parser.parse_args(argv)
    if args.write:
        print(f"wrote {write(args.root)}")
        return 0
    if is_current(args.root):
        print("responses.csv is identical to a fresh reconstruction")
        return 0
    print("responses.csv differs from a fresh reconstruction; run with --write", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
