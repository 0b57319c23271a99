"""Machine-readable schemas of the book's data files (pandera YAML under ``data/schema/``)."""

from __future__ import annotations

from pathlib import Path

import pandera.pandas as pa
from pandera.io.pandas_io import deserialize_schema

from . import schema_checks
from .datafiles import DataFileError, once_per_version, read_validated, read_yaml


def schema_path(name: str, data: Path) -> Path:
    """Return the path of the schema file ``<data>/schema/<name>.yml``."""
    return Path(data) / "schema" / f"{name}.yml"


def load_schema(name: str, data: Path) -> pa.DataFrameSchema:
    """Return the pandera schema named ``name`` (e.g. ``"phases"``), built once per file version."""
    path = schema_path(name, data).resolve()
    if not path.is_file():
        raise DataFileError(f"{path}: file not found (the schema {name!r} of a data file)")
    return once_per_version(("schema", str(path)), (path,), lambda: _parse(path))


def _parse(path: Path) -> pa.DataFrameSchema:
    """Build the schema as ``DataFrameSchema.from_yaml`` does, parsing the YAML with libyaml."""
    content = read_yaml(path)
    schema_checks.register()  # the custom checks a schema may name
    try:
        return deserialize_schema(content)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # pandera's errors for a bad schema
        raise DataFileError(f"{path}: not a valid pandera schema: {type(exc).__name__}: {exc}") from None


def read_table(path: Path, schema: str, data: Path):
    """Read the CSV ``path`` validated against the schema ``<data>/schema/<schema>.yml``.

    Once per version of the file and the schema; raises DataFileError naming file, row and column.
    """
    schema_file = schema_path(schema, data)
    return read_validated(Path(path), load_schema(schema, data), schema_file)


__all__ = ["DataFileError", "load_schema", "read_table", "schema_path"]
