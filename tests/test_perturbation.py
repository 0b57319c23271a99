"""One source for each quantity: perturb the respondent file, build once, and read every page.

The copy's ``data/survey/responses.csv`` loses one 2014 respondent and gains two 2016 respondents
(GP members who answered every question, so every base that includes GP members moves by the
same amount; two are added so that the overall total moves too). The expected values come from
counting the CSV rows here, not from the library. The places checked are found in the text the
unperturbed build prints (every page: its text, its images' alt texts and its widgets' views), not listed
by hand (chart subtitles are drawn into the images; each chart builds them from the same n as its alt
text):

- every number the unperturbed site states where it states a wave's respondent count or the total
  must, on the perturbed site, be the new count;
- every number the unperturbed site states where it states a moved role's respondent count, on a
  page that states a respondent count (Appendix A's role table), must be the new count;
- every base the site states (``n = N`` and ``Base n: N`` in alt texts and notes, the cells of a
  "Base n" column, ``count / N`` in the explorer's views) that equals the base of a group whose
  base the perturbation changes must state the new base.

A page that takes one of these numbers from a second source (the reconstruction's configuration, a
typed number, an old copy) keeps the old value and fails the test. The build is the only slow step.
"""

from __future__ import annotations

import csv
import difflib
import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from bookhelpers import build, copy_book

from ccg_leadership.survey.data import load_survey
from ccg_leadership.survey.findings import check_findings

ROLE = "gp_member"
POPULATIONS = {  # groups whose bases the site states: all, each role, the broad groups
    "all": None,
    "managers": {"accountable_officer", "chief_finance_officer", "other_manager"},
    "others": {"chair", "gp_member", "other_clinical", "lay_member"},
}
TOKEN = re.compile(r"\d+(?:,\d{3})*|[^\W\d]+|\S")
BASE_BEFORE = (("n", "="), ("n", ":"), ("/",))


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _complete(row: dict[str, str], items: list[str]) -> bool:
    return row["role"] == ROLE and all(row[i].strip() for i in items)


def perturb(path: Path) -> None:
    """Remove the first complete 2014 GP member and repeat the first two complete 2016 GP members."""
    header, rows = _rows(path)
    items = header[3:]
    drop = next(i for i, r in enumerate(rows) if r["wave"] == "2014" and _complete(r, items))
    copies = [dict(r) for r in rows if r["wave"] == "2016" and _complete(r, items)][:2]
    last = max(int(r["respondent_id"].split("-")[1]) for r in rows if r["wave"] == "2016")
    for offset, row in enumerate(copies, start=1):
        row["respondent_id"] = f"S16-{last + offset:04d}"
    _write(path, header, rows[:drop] + rows[drop + 1 :] + copies)


def bases(path: Path) -> dict[tuple[str, str, str], int]:
    """Answers (non-blank) per (wave, population, item), counted from the CSV; populations: see above."""
    header, rows = _rows(path)
    roles = {r["role"] for r in rows}
    groups = {**POPULATIONS, **{role: {role} for role in roles}}
    out: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        for name, members in groups.items():
            if members is None or row["role"] in members:
                for item in header[3:]:
                    out[(row["wave"], name, item)] += bool(row[item].strip())
    return dict(out)


WIDGET_STATE = re.compile(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)
TABLE = re.compile(r"<table\b.*?</table>", re.S)
ROW = re.compile(r"<tr\b.*?</tr>", re.S)
CELL = re.compile(r"(<t[hd]\b[^>]*>)(.*?)(</t[hd]>)", re.S)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for v in value for s in _strings(v)] if isinstance(value, list) else []


def _mark_base_columns(markup: str) -> str:
    """Write ``n =`` before every cell of a table column headed "Base n", so it reads as a base."""

    def table(match: re.Match[str]) -> str:
        rows = ROW.findall(match.group(0))
        if not rows:
            return match.group(0)
        heads = [re.sub(r"<[^>]+>", "", cell[1]).strip() for cell in CELL.findall(rows[0])]
        columns = {i for i, head in enumerate(heads) if head == "Base n"}
        out = match.group(0)
        for row in rows[1:] if columns else []:
            cells = CELL.findall(row)
            marked = "".join(
                a + ("n = " if i in columns else "") + b + c for i, (a, b, c) in enumerate(cells)
            )
            first, last = CELL.search(row), list(CELL.finditer(row))[-1]
            out = out.replace(row, row[: first.start()] + marked + row[last.end() :], 1)
        return out

    return TABLE.sub(table, markup)


def page_tokens(page: Path) -> list[str]:
    """The words, numbers and signs a reader sees on ``page``: its text, its images' alt texts and
    the views of its widgets (the survey explorer), with the cells of "Base n" columns marked."""
    text = page.read_text(encoding="utf-8")
    views = [s for state in WIDGET_STATE.findall(text) for s in _strings(json.loads(state)) if "<table" in s]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    markup = _mark_base_columns(" ".join([text, *views]))
    alts = " ".join(re.findall(r'\balt="([^"]*)"', markup))
    visible = html.unescape(re.sub(r"<[^>]+>", " ", markup) + " " + alts)
    return TOKEN.findall(visible)


def aligned_numbers(before: list[str], after: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Pair the numbers of two versions of a page: (old, new, the two tokens before) in matching text."""
    mask = [["#" if t[0].isdigit() else t for t in tokens] for tokens in (before, after)]
    pairs = []
    matcher = difflib.SequenceMatcher(None, *mask, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            old, new = before[block.a + k], after[block.b + k]
            if old[0].isdigit():
                context = tuple(before[max(block.a + k - 2, 0) : block.a + k])
                pairs.append((int(old.replace(",", "")), int(new.replace(",", "")), context))
    return pairs


def pages(site: Path) -> dict[str, Path]:
    """Every HTML page of a built site (not the theme's assets or the page sources)."""
    skip = {"_static", "_sources", "_images", "downloads"}
    return {
        p.relative_to(site).as_posix(): p
        for p in sorted(site.rglob("*.html"))
        if not skip & set(p.relative_to(site).parts)
    }


def _is_base(context: tuple[str, ...]) -> bool:
    return any(context[-len(before) :] == before for before in BASE_BEFORE)


@pytest.fixture(scope="module")
def perturbed(tmp_path_factory: pytest.TempPathFactory, repo: Path) -> dict[str, object]:
    """A copy of the book with the perturbed respondent file, built once; with the expected values."""
    book = copy_book(tmp_path_factory.mktemp("perturbed") / "book")
    path = book / "data" / "survey" / "responses.csv"
    perturb(path)
    not_held = check_findings(load_survey(book / "data")).query("~passed")
    assert not_held.empty, f"the perturbation breaks published findings: {list(not_held.index)}"
    result = build(book)
    assert result.returncode == 0, result.stderr[-3000:]
    return {
        "site": book / "_build" / "html",
        "before": (
            _rows(repo / "data" / "survey" / "responses.csv")[1],
            bases(repo / "data/survey/responses.csv"),
        ),
        "after": (_rows(path)[1], bases(path)),
    }


def _headline(rows: list[dict[str, str]]) -> dict[str, int]:
    waves = Counter(r["wave"] for r in rows)
    return {**{f"respondents {w}": n for w, n in waves.items()}, "respondents in all": len(rows)}


def _per_role(rows: list[dict[str, str]]) -> dict[str, int]:
    return {
        f"{role} in {wave}": n for (wave, role), n in Counter((r["wave"], r["role"]) for r in rows).items()
    }


def _moved(old: dict, new: dict) -> dict[int, tuple[str, int]]:
    """Old value -> (what, new value) for the quantities that moved, unless an unmoved one shares it."""
    kept = {v for k, v in old.items() if new.get(k) == v}
    return {v: (k, new[k]) for k, v in old.items() if new.get(k) != v and v not in kept}


def test_every_page_states_the_perturbed_counts(site: Path, perturbed: dict[str, object]) -> None:
    (old_rows, old_bases), (new_rows, new_bases) = perturbed["before"], perturbed["after"]
    old, new = _headline(old_rows), _headline(new_rows)
    assert all(old[k] != new[k] for k in old), "the perturbation must move every headline count"
    headline = _moved(old, new)
    per_role = _moved(_per_role(old_rows), _per_role(new_rows))
    changed: dict[int, set[int]] = {}  # a base value -> its new values, for values only moved groups have
    kept = {v for k, v in old_bases.items() if new_bases[k] == v}
    for key, value in old_bases.items():
        if new_bases[key] != value and value not in kept:
            changed.setdefault(value, set()).add(new_bases[key])
    stated: Counter[str] = Counter()
    base_pages: set[str] = set()
    problems = []
    before_pages, after_pages = pages(site), pages(perturbed["site"])
    for name, page in before_pages.items():
        if name not in after_pages:
            problems.append(f"{name}: missing from the perturbed site")
            continue
        pairs = aligned_numbers(page_tokens(page), page_tokens(after_pages[name]))
        # a page that states a respondent count is one whose role counts are counts, too
        counts = {**per_role, **headline} if any(v in headline for v, _, _ in pairs) else headline
        for value, now, context in pairs:
            if value in counts:
                what, want = counts[value]
                stated[what] += 1
                want = {want}
            elif _is_base(context) and value in changed:
                what, want = f"base {value}", changed[value]
                stated["bases"] += 1
                base_pages.add(name)
            else:
                continue
            if now not in want:
                problems.append(f"{name}: {what} ({' '.join(context)} {value}) became {now}, expected {want}")
    # the test must have found what it checks: every headline count in two places at least, a moved
    # role count and the bases of the charts and tables
    assert all(stated[k] >= 2 for k in old), stated
    assert any(stated[what] for what, _ in per_role.values()), stated
    assert stated["bases"] >= 100 and len(base_pages) >= 2, (stated, base_pages)
    assert not problems, "\n".join(problems)
