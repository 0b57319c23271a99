"""An inventory of the book's data files, for the data appendix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .paths import data_dir


def kind(relative: Path) -> str:
    """What a data file is, from its place and type (``relative`` to ``data/``)."""
    if relative.suffix == ".yml":
        if relative.parts[0] == "schema":
            return "schema"
        return "case record" if relative.parts[0] == "cases" else "configuration"
    return {".csv": "table", ".md": "documentation"}.get(relative.suffix, "other")


def data_files(root: Path | None = None) -> pd.DataFrame:
    """Return one row per data file under ``data/``: path, kind, data rows and size in bytes."""
    root = root or data_dir()
    rows = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root.parent).as_posix()
        text = path.read_text(encoding="utf-8") if path.suffix in {".csv", ".yml", ".md"} else ""
        lines = [line for line in text.splitlines() if line.strip()]
        rows.append(
            {
                "file": relative,
                "kind": kind(path.relative_to(root)),
                "data rows": max(len(lines) - 1, 0) if path.suffix == ".csv" else None,  # None: not a table
                "bytes": path.stat().st_size,
            }
        )
    return pd.DataFrame(rows, dtype=object).set_index("file")
