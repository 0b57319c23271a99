"""The survey inputs, loaded and validated once per file version as one :class:`Survey` object.

Files (all validated with the pandera schemas in ``data/schema/``, never written):

- ``data/survey/responses.csv``: one row per respondent, ``respondent_id, wave, role`` and one column
  per codebook item holding an option code (blank = no answer). The rows are RECONSTRUCTED and
  illustrative (see ``data/reconstruction.yml``); an author holding the original files can replace them
  with the same columns and rebuild.
- ``data/survey/codebook.csv``: one row per item and option (options in order), with theme, the
  editors' paraphrase of the question, scale type and chapter.
- ``data/survey/roles.csv``: governing-body roles with reader-facing labels and broad groups.
- ``data/published/findings.csv``: the published findings (the oracle), see ``survey.findings``.

``load_survey(data=None) -> Survey`` is the one entry point; everything else in ``ccg_leadership.survey``
is a plain function of the Survey. Bad input raises ``DataFileError`` naming file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..datafiles import DataFileError, once_per_version, row_where
from ..paths import data_dir
from ..schemas import read_table, schema_path

ID_COLUMNS = ("respondent_id", "wave", "role")
WAVES = (2014, 2016)

Tallies = dict[str, dict[tuple[int, str], dict[int, int]]]
"""Per item, the number of answers per option code in each (wave, role) that has any answers."""


@dataclass(frozen=True, eq=False)
class Survey:
    """The validated survey: respondents, codebook, roles, published findings and answer counts.

    Built by :func:`load_survey`; every frame is shared and must be treated as read-only.
    """

    folder: Path
    """The data folder the survey was read from."""
    respondents: pd.DataFrame
    """The wide respondent file, one row per respondent (item codes as nullable ints)."""
    responses: pd.DataFrame
    """Tidy answers: respondent_id, wave, role, item, response (int code); blank answers left out."""
    codebook: pd.DataFrame
    """One row per item and option (options in order)."""
    items: pd.DataFrame
    """One row per item (codebook order): theme, question, scale, chapter, codes, keys, options."""
    roles: pd.DataFrame
    """Roles indexed by role id in display order: label, group, note."""
    findings: pd.DataFrame
    """The published findings, indexed by id."""
    answers: dict[str, pd.DataFrame]
    """The answers (wave, role, response) to each item."""
    tallies: Tallies

    def options(self, item: str) -> tuple[tuple[int, ...], tuple[str, ...], tuple[str, ...]]:
        """Return the option codes, keys and labels of ``item``; KeyError names the known items."""
        if item not in self.items.index:
            raise KeyError(f"no survey item {item!r}; known: {', '.join(self.items.index)}")
        row = self.items.loc[item]
        return tuple(row["codes"]), tuple(row["keys"]), tuple(row["options"])

    def option_labels(self, item: str) -> dict[int, str]:
        """Return ``{code: label}`` for ``item`` in codebook order."""
        codes, _, labels = self.options(item)
        return dict(zip(codes, labels, strict=True))

    def option_codes(self, item: str) -> dict[str, int]:
        """Return ``{key: code}`` for ``item`` in codebook order (e.g. ``{"managers": 1, ...}``)."""
        codes, keys, _ = self.options(item)
        return dict(zip(keys, codes, strict=True))

    def role_label(self, role: str) -> str:
        """Return the reader-facing label of a role id."""
        if role not in self.roles.index:
            raise KeyError(f"no role {role!r}; known: {', '.join(self.roles.index)}")
        return str(self.roles.loc[role, "label"])

    def role_group_members(self, group: str) -> list[str]:
        """Return the role ids of a broad group (e.g. ``"manager"``), in display order."""
        members = [r for r, g in self.roles["group"].items() if g == group]
        if not members:
            known = ", ".join(dict.fromkeys(self.roles["group"]))
            raise KeyError(f"no role group {group!r}; known: {known}")
        return members

    def population_roles(self, population: str) -> list[str] | None:
        """Resolve a population name to role ids: ``all`` -> None, ``managers``, or ids joined by ``|``."""
        if population == "all":
            return None
        if population == "managers":
            return self.role_group_members("manager")
        names = population.split("|")
        unknown = [n for n in names if n not in self.roles.index]
        if unknown:
            raise KeyError(f"unknown role(s) {', '.join(unknown)} in population {population!r}")
        return names

    def respondents_per_wave(self) -> dict[int, int]:
        """Return the number of respondents in each wave, as plain ints (the one source of these counts)."""
        counts = self.respondents.groupby("wave").size()
        return {int(wave): int(n) for wave, n in counts.items()}

    def finding_count(self) -> int:
        """Return the number of published findings (rows of ``data/published/findings.csv``)."""
        return int(len(self.findings))

    def item_count(self) -> int:
        """Return the number of survey items (questions) in the codebook."""
        return int(len(self.items))

    def respondent_total(self) -> int:
        """Return the number of respondents over all waves (the sum of :meth:`respondents_per_wave`)."""
        return sum(self.respondents_per_wave().values())

    def respondents_per_role(self) -> pd.DataFrame:
        """Return respondents per role (rows: role labels in display order) and wave (columns).

        A final ``All respondents`` row holds :meth:`respondents_per_wave`; roles without respondents
        in a wave count 0.
        """
        per_wave = self.respondents_per_wave()
        counts = self.respondents.groupby(["role", "wave"]).size()
        table = pd.DataFrame(
            {w: [int(counts.get((r, w), 0)) for r in self.roles.index] for w in per_wave},
            index=list(self.roles["label"]),
        )
        table.loc["All respondents"] = [per_wave[w] for w in per_wave]
        return table


INPUTS = {
    "responses": ("survey/responses.csv", "survey_responses"),
    "codebook": ("survey/codebook.csv", "codebook"),
    "roles": ("survey/roles.csv", "survey_roles"),
    "findings": ("published/findings.csv", "findings"),
}
"""The survey's input files (relative to ``data/``) and their schemas."""


def responses_path(data: Path | None = None) -> Path:
    """Return the path of the respondent file ``data/survey/responses.csv``."""
    return Path(data or data_dir()) / INPUTS["responses"][0]


def input_files(data: Path) -> list[Path]:
    """Every file a Survey is built from: the inputs and their schemas."""
    return [Path(data) / f for f, _ in INPUTS.values()] + [schema_path(s, data) for _, s in INPUTS.values()]


def load_survey(data: Path | None = None) -> Survey:
    """Return the validated Survey read from ``data`` (default: the book's ``data/``).

    Built once per version of its input files; a changed file is read and validated again.
    """
    folder = Path(data or data_dir()).resolve()
    return once_per_version(("survey", str(folder)), input_files(folder), lambda: _build(folder))


def read_roles(data: Path) -> pd.DataFrame:
    """Return the validated roles of ``data/survey/roles.csv``, indexed by role id in display order."""
    return _read(Path(data), "roles").sort_values("order", kind="stable").set_index("role")


def read_items(data: Path) -> pd.DataFrame:
    """Return one row per codebook item (without reading the respondent file); see ``Survey.items``."""
    return _items(_read_codebook(Path(data)))


def _build(folder: Path) -> Survey:
    roles = read_roles(folder)
    codebook = _read_codebook(folder)
    items = _items(codebook)
    respondents = _read_respondents(folder, roles, items)
    responses = _long(respondents, items)
    answers, tallies = _split(responses)
    path = folder / INPUTS["findings"][0]
    findings = read_table(path, INPUTS["findings"][1], folder).set_index("id")
    return Survey(folder, respondents, responses, codebook, items, roles, findings, answers, tallies)


def _read(folder: Path, name: str) -> pd.DataFrame:
    relative, schema = INPUTS[name]
    return read_table(folder / relative, schema, folder)


def _read_codebook(folder: Path) -> pd.DataFrame:
    """The codebook, validated; option keys must be unique within an item (they name options)."""
    path = folder / INPUTS["codebook"][0]
    book = _read(folder, "codebook")
    repeated = book.index[book.duplicated(["item", "key"])]
    if len(repeated):
        row = int(repeated[0]) + 1
        raise DataFileError(
            f"{row_where(path, row)}, column key: repeated within item "
            f"{book.loc[repeated[0], 'item']} (found {book.loc[repeated[0], 'key']!r}; expected a unique "
            "key per option)"
        )
    return book


def _items(book: pd.DataFrame) -> pd.DataFrame:
    """One row per item (codebook order): theme, question, scale, chapter, codes, keys, options."""
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


def _read_respondents(folder: Path, roles: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """The respondent file, validated against its schema, the roles and the codebook.

    Every role must appear in ``roles.csv``, every item column in the codebook, and the wave must match
    the year in the respondent id (``S14-`` for 2014, ``S16-`` for 2016).
    """
    path = folder / INPUTS["responses"][0]
    frame = _read(folder, "responses")
    known = set(roles.index)
    unknown = frame.index[~frame["role"].isin(known)]
    if len(unknown):
        row = int(unknown[0]) + 1
        raise DataFileError(
            f"{row_where(path, row)}, column role: unknown role "
            f"(found {frame.loc[unknown[0], 'role']!r}; expected one of {', '.join(sorted(known))}, "
            f"the roles of {folder / INPUTS['roles'][0]})"
        )
    mismatch = frame.index[frame["respondent_id"].str[1:3] != (frame["wave"] % 100).map("{:02d}".format)]
    if len(mismatch):
        row = int(mismatch[0]) + 1
        raise DataFileError(
            f"{row_where(path, row)}, column wave: does not match respondent "
            f"{frame.loc[mismatch[0], 'respondent_id']} (found {frame.loc[mismatch[0], 'wave']}; expected "
            "the year in the id)"
        )
    missing = [c for c in items.index if c not in frame.columns]
    if missing:
        raise DataFileError(
            f"{path}: line 1 (header), column {missing[0]}: missing column(s) {', '.join(missing)} "
            "(expected a column for every item of the codebook)"
        )
    for item, codes in items["codes"].items():
        stray = frame.index[frame[item].notna() & ~frame[item].isin(codes)]
        if len(stray):
            row = int(stray[0]) + 1
            raise DataFileError(
                f"{row_where(path, row)}, column {item}: option code not in the codebook "
                f"(found {frame.loc[stray[0], item]}; expected one of {', '.join(map(str, codes))}, "
                f"the codes of {item} in {folder / INPUTS['codebook'][0]}, or blank)"
            )
    return frame


def _long(wide: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Answers in tidy long format, sorted by wave, respondent and codebook item order."""
    item_order = list(items.index)
    long = wide.melt(id_vars=list(ID_COLUMNS), value_vars=item_order, var_name="item", value_name="response")
    long = long.dropna(subset=["response"])
    long["response"] = long["response"].astype("int64")
    long["item"] = pd.Categorical(long["item"], categories=item_order, ordered=True)
    long = long.sort_values(["wave", "respondent_id", "item"], kind="stable").reset_index(drop=True)
    long["item"] = long["item"].astype(str)
    return long


def _split(long: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], Tallies]:
    """Split the tidy answers by item and count them by item, wave, role and code (one groupby)."""
    columns = ["wave", "role", "response"]
    frames = {str(item): part[columns] for item, part in long.groupby("item", sort=False)}
    tallies: Tallies = {}
    sizes = long.groupby(["item", "wave", "role", "response"], sort=True).size()
    for (item, wave, role, code), count in sizes.items():
        tallies.setdefault(str(item), {}).setdefault((int(wave), str(role)), {})[int(code)] = int(count)
    return frames, tallies
