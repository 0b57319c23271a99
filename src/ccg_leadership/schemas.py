"""Machine-readable schemas of the book's data files (pandera YAML under ``data/schema/``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import data_dir

if TYPE_CHECKING:
    import pandera.pandas as pa


def schema_path(name: str, root: Path | None = None) -> Path:
    """Return the path of the schema file ``data/schema/<name>.yml``."""
    return (root or data_dir()) / "schema" / f"{name}.yml"


@cache
def _load(path: Path) -> pa.DataFrameSchema:
    """Build the schema as ``DataFrameSchema.from_yaml`` does, parsing the YAML with libyaml."""
    from pandera.io.pandas_io import deserialize_schema

    from .tables import load_yaml

    return deserialize_schema(load_yaml(path.read_text(encoding="utf-8")))


def load_schema(name: str, root: Path | None = None) -> pa.DataFrameSchema:
    """Return the pandera schema named ``name`` (e.g. ``"phases"``)."""
    path = schema_path(name, root)
    if not path.is_file():
        raise FileNotFoundError(f"no schema {name!r}: {path} does not exist")
    return _load(path.resolve())
