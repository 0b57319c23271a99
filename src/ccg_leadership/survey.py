"""The two national surveys (2014, 2016): respondent data, codebook, roles and published findings.

Files (all validated with the pandera schemas in ``data/schema/`` on every load, never written):

- ``data/survey/responses.csv``: one row per respondent, ``respondent_id, wave, role`` and one column
  per codebook item holding an option code (blank = no answer). The rows are RECONSTRUCTED and
  illustrative (see ``data/reconstruction.yml``); an author holding the original files can replace them
  with the same columns and rebuild.
- ``data/survey/codebook.csv``: one row per item and option (options in order), with theme, the
  editors' paraphrase of the question, scale type and chapter.
- ``data/survey/roles.csv``: governing-body roles with reader-facing labels and broad groups.
- ``data/published/findings.csv``: the published findings (the oracle), see ``ccg_leadership.findings``.

Public API:

- ``load_responses(root=None) -> DataFrame``: tidy long format ``respondent_id, wave, role, item,
  response`` (answers only; ``response`` is an ``int`` option code).
- ``load_respondents(root=None) -> DataFrame``: the validated wide file, one row per respondent.
- ``respondents_per_wave(root=None) -> dict[int, int]``: respondents in each wave.
- ``load_codebook(root=None) -> DataFrame``: the codebook rows (item, theme, question, scale, code,
  label, chapter).
- ``items(root=None) -> DataFrame``: one row per item, indexed by item: theme, question, scale,
  chapter, codes, keys and options (lists in codebook order).
- ``option_labels(item, root=None) -> dict[int, str]``: option code -> label, in order.
- ``option_codes(item, root=None) -> dict[str, int]``: option key (e.g. ``both_equally``) -> code.
- ``roles(root=None) -> DataFrame``: roles indexed by role id in display order: label, group, note.
- ``role_label(role, root=None) -> str`` and ``role_group_members(group, root=None) -> list[str]``.
- ``load_findings(root=None) -> DataFrame``: the published findings, indexed by id.
- ``check_findings(root=None) -> DataFrame``: published vs computed for every finding (see
  ``ccg_leadership.findings.check_findings``).

Bad input raises ``ccg_leadership.tables.DataFileError`` naming file, row and column.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .paths import data_dir
from .tables import DataFileError, file_stamp, read_validated

if TYPE_CHECKING:
    import pandas as pd

ID_COLUMNS = ("respondent_id", "wave", "role")
WAVES = (2014, 2016)


def data_root(root: Path | None = None) -> Path:
    """Return ``root`` as a Path, or the book's ``data/`` folder when it is None."""
    return Path(root) if root is not None else data_dir()


def _root(root: Path | None) -> Path:
    return data_root(root)


def responses_path(root: Path | None = None) -> Path:
    """Return the path of the respondent file ``data/survey/responses.csv``."""
    return _root(root) / "survey" / "responses.csv"


def load_respondents(root: Path | None = None) -> pd.DataFrame:
    """Return the respondent file, validated, one row per respondent (item codes as nullable ints).

    Besides its schema, every role must appear in ``roles.csv``, every item column in the codebook, and
    the wave must match the year in the respondent id (``S14-`` for 2014, ``S16-`` for 2016).
    """
    root = _root(root)
    path = responses_path(root)
    frame = _read(path, "survey_responses", root)
    known = set(roles(root).index)
    unknown = frame.index[~frame["role"].isin(known)]
    if len(unknown):
        row = int(unknown[0]) + 1
        raise DataFileError(
            f"{path}: row {row} (line {row + 1}), column role: unknown role "
            f"{frame.loc[unknown[0], 'role']!r}; expected one of {', '.join(sorted(known))}"
        )
    mismatch = frame.index[frame["respondent_id"].str[1:3] != (frame["wave"] % 100).map("{:02d}".format)]
    if len(mismatch):
        row = int(mismatch[0]) + 1
        raise DataFileError(
            f"{path}: row {row} (line {row + 1}), column wave: {frame.loc[mismatch[0], 'wave']} does not "
            f"match respondent {frame.loc[mismatch[0], 'respondent_id']}; expected the year in the id"
        )
    missing = [c for c in items(root).index if c not in frame.columns]
    if missing:
        raise DataFileError(f"{path}: missing column(s) {', '.join(missing)} named in the codebook")
    return frame


def load_responses(root: Path | None = None) -> pd.DataFrame:
    """Return the answers in tidy long format: respondent_id, wave, role, item, response.

    One row per answer given (blank answers are left out); ``response`` is the option code as int64.
    Sorted by wave, respondent and codebook item order.
    """
    root = _root(root)
    return _long(str(responses_path(root)), file_stamp(responses_path(root)), str(root)).copy()


def _read(path: Path, schema: str, root: Path) -> pd.DataFrame:
    """Read and validate a CSV once per version of the file; return a private copy."""
    return read_validated(path, schema, root)


@cache
def _long(path: str, stamp: tuple[int, int], root: str) -> pd.DataFrame:
    import pandas as pd

    wide = load_respondents(Path(root))
    item_order = list(items(Path(root)).index)
    long = wide.melt(id_vars=list(ID_COLUMNS), value_vars=item_order, var_name="item", value_name="response")
    long = long.dropna(subset=["response"])
    long["response"] = long["response"].astype("int64")
    long["item"] = pd.Categorical(long["item"], categories=item_order, ordered=True)
    long = long.sort_values(["wave", "respondent_id", "item"], kind="stable").reset_index(drop=True)
    long["item"] = long["item"].astype(str)
    return long


def respondents_per_wave(root: Path | None = None) -> dict[int, int]:
    """Return the number of respondents in each wave of the respondent file, as plain ints."""
    counts = load_respondents(root).groupby("wave").size()
    return {int(wave): int(n) for wave, n in counts.items()}


def load_codebook(root: Path | None = None) -> pd.DataFrame:
    """Return the codebook (one row per item and option, options in order), validated.

    Option keys must be unique within an item (they name options in ``stats`` calls).
    """
    root = _root(root)
    path = root / "survey" / "codebook.csv"
    book = _read(path, "codebook", root)
    repeated = book.index[book.duplicated(["item", "key"])]
    if len(repeated):
        row = int(repeated[0]) + 1
        raise DataFileError(
            f"{path}: row {row} (line {row + 1}), column key: {book.loc[repeated[0], 'key']!r} is used twice "
            f"for item {book.loc[repeated[0], 'item']}; expected a unique key per option"
        )
    return book


def items(root: Path | None = None) -> pd.DataFrame:
    """Return one row per item (codebook order): theme, question, scale, chapter, codes, keys, options."""
    root = _root(root)
    path = root / "survey" / "codebook.csv"
    return _items_cached(str(path), file_stamp(path), str(root)).copy()


@cache
def _items_cached(path: str, stamp: tuple[int, int], root: str) -> pd.DataFrame:
    """Build the item table once per version of the codebook (it is asked for on every statistic)."""
    import pandas as pd

    book = load_codebook(Path(root))
    rows = []
    for item, group in book.groupby("item", sort=False):
        first = group.iloc[0]
        rows.append(
            {
                "item": item,
                "theme": first["theme"],
                "question": first["question"],
                "scale": first["scale"],
                "chapter": int(first["chapter"]),
                "codes": [int(c) for c in group["code"]],
                "keys": list(group["key"]),
                "options": list(group["label"]),
            }
        )
    return pd.DataFrame(rows).set_index("item")


def _options(root: Path | None) -> dict[str, tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]]:
    """Per item (codebook order): its option codes, keys and labels, built once per codebook version."""
    root = _root(root)
    path = root / "survey" / "codebook.csv"
    return _options_cached(str(path), file_stamp(path), str(root))


@cache
def _options_cached(path: str, stamp: tuple[int, int], root: str) -> dict:
    table = _items_cached(path, stamp, root)
    return {
        str(item): (tuple(codes), tuple(keys), tuple(labels))
        for item, codes, keys, labels in zip(
            table.index, table["codes"], table["keys"], table["options"], strict=True
        )
    }


def _item_options(item: str, root: Path | None) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
    options = _options(root)
    if item not in options:
        raise KeyError(f"no survey item {item!r}; known: {', '.join(options)}")
    return options[item]


def option_labels(item: str, root: Path | None = None) -> dict[int, str]:
    """Return ``{code: label}`` for ``item`` in codebook order; KeyError names the known items."""
    codes, _, labels = _item_options(item, root)
    return dict(zip(codes, labels, strict=True))


def option_codes(item: str, root: Path | None = None) -> dict[str, int]:
    """Return ``{key: code}`` for ``item`` in codebook order (e.g. ``{"managers": 1, ...}``)."""
    codes, keys, _ = _item_options(item, root)
    return dict(zip(keys, codes, strict=True))


def roles(root: Path | None = None) -> pd.DataFrame:
    """Return the roles (``data/survey/roles.csv``) indexed by role id in display order."""
    return _roles(root).copy()


def _roles(root: Path | None) -> pd.DataFrame:
    """The cached role table (shared: callers must not modify it)."""
    root = _root(root)
    path = root / "survey" / "roles.csv"
    return _roles_cached(str(path), file_stamp(path), str(root))


@cache
def _roles_cached(path: str, stamp: tuple[int, int], root: str) -> pd.DataFrame:
    frame = _read(Path(path), "survey_roles", Path(root))
    return frame.sort_values("order", kind="stable").set_index("role")


def role_label(role: str, root: Path | None = None) -> str:
    """Return the reader-facing label of a role id."""
    table = _roles(root)
    if role not in table.index:
        raise KeyError(f"no role {role!r}; known: {', '.join(table.index)}")
    return str(table.loc[role, "label"])


def role_group_members(group: str, root: Path | None = None) -> list[str]:
    """Return the role ids of a broad group (e.g. ``"manager"``), in display order."""
    table = _roles(root)
    members = [r for r, g in table["group"].items() if g == group]
    if not members:
        raise KeyError(f"no role group {group!r}; known: {', '.join(dict.fromkeys(table['group']))}")
    return members


def population_roles(population: str, root: Path | None = None) -> list[str] | None:
    """Resolve a population name to role ids: ``all`` -> None, ``managers``, or ids joined by ``|``."""
    if population == "all":
        return None
    if population == "managers":
        return role_group_members("manager", root)
    known = set(_roles(root).index)
    names = population.split("|")
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"unknown role(s) {', '.join(unknown)} in population {population!r}")
    return names


def load_findings(root: Path | None = None) -> pd.DataFrame:
    """Return the published findings (``data/published/findings.csv``), validated, indexed by id."""
    root = _root(root)
    return _read(root / "published" / "findings.csv", "findings", root).set_index("id")


def check_findings(root: Path | None = None) -> pd.DataFrame:
    """Return published vs computed for every finding; see ``ccg_leadership.findings.check_findings``."""
    from .findings import check_findings as check

    return check(root)
