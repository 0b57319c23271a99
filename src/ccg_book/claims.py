"""The ``{claim}`` role ties a sentence that states a direction to the published finding it rests on.

In a chapter, ``{claim}`a majority <Q11>``` renders as the words ``a majority`` and records that they
rest on finding Q11 of ``data/published/findings.csv`` (several: ``<Q14,Q15>``). A claim naming a
finding the file does not have is an error at its line, so a strict build fails naming the chapter.
Whether the finding holds is checked for every build before any page is read
(:mod:`ccg_book.data_gate`); when one fails, that message also lists every claim resting on it, with
its chapter, line and sentence (:func:`claims_on`). ``python -m ccg_book.claims [BOOK]`` lists every
claim of the book with its finding(s); ``tests/test_directional_claims.py`` fails for a directional
phrase in chapter prose that is not such a claim.
"""

from __future__ import annotations

import argparse
import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .inputs import is_input_part

if TYPE_CHECKING:
    from docutils.parsers.rst.states import Inliner
    from sphinx.application import Sphinx

ROLE = "claim"
FINDINGS = Path("data") / "published" / "findings.csv"
_CONTENT = re.compile(r"^(?P<text>.*?\S)\s*<(?P<ids>[^<>]+)>$", re.S)
_USE = re.compile(r"\{claim\}`(?P<content>[^`]+)`")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*({])")


@dataclass(frozen=True)
class Claim:
    """One ``{claim}`` in a chapter: where it is, its words, the finding ids and its sentence."""

    path: str
    line: int
    text: str
    findings: tuple[str, ...]
    sentence: str


def parse(content: str) -> tuple[str, tuple[str, ...]]:
    """Split a claim's content ``words <Q1,Q2>`` into the words and the finding ids (ValueError if not)."""
    match = _CONTENT.match(content.strip())
    if not match:
        raise ValueError(f"claim {content!r}: expected `words <finding id>`, e.g. `a majority <Q11>`")
    ids = tuple(part.strip() for part in match.group("ids").split(",") if part.strip())
    return " ".join(match.group("text").split()), ids


def finding_ids(book: Path) -> set[str]:
    """The ids of ``data/published/findings.csv`` (read with the csv module: no pandas in Sphinx)."""
    path = Path(book) / FINDINGS
    if not path.is_file():
        return set()
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle) if row.get("id")}


def _sentence(paragraph: str, offset: int) -> str:
    """The sentence of ``paragraph`` around character ``offset``, with roles shown as their words."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(paragraph) if m.end() <= offset]
    start = starts[-1]
    end_match = _SENTENCE_END.search(paragraph, offset)
    text = paragraph[start : end_match.start() if end_match else len(paragraph)]
    text = _USE.sub(
        lambda m: parse(m.group("content"))[0] if _CONTENT.match(m.group("content")) else "", text
    )
    return " ".join(text.split())


def find_claims(book: Path) -> list[Claim]:
    """Every ``{claim}`` in the book's Markdown sources (outside build output), in file and line order."""
    book = Path(book)
    found = []
    for path in sorted(book.rglob("*.md")):
        relative = path.relative_to(book)
        if not all(map(is_input_part, relative.parts)) or relative.parts[0] in {"data", "src", "tests"}:
            continue
        text = path.read_text(encoding="utf-8")
        if "{claim}" not in text:
            continue
        for paragraph_start, paragraph in _paragraphs(text):
            for use in _USE.finditer(paragraph):
                try:
                    words, ids = parse(use.group("content"))
                except ValueError:
                    words, ids = use.group("content"), ()
                line = paragraph_start + paragraph.count("\n", 0, use.start())
                sentence = _sentence(paragraph, use.start())
                found.append(Claim(relative.as_posix(), line, words, ids, sentence))
    return found


def _paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each blank-line separated block of ``text``."""
    blocks, line = [], 1
    for block in re.split(r"(\n[ \t]*\n)", text):
        if block.strip() and not re.fullmatch(r"\n[ \t]*\n", block):
            blocks.append((line, block))
        line += block.count("\n")
    return blocks


def claims_on(book: Path, ids: set[str]) -> list[str]:
    """One line per claim of the book resting on any of the finding ``ids``: chapter, line, sentence."""
    return [
        f"  stated in {claim.path}, line {claim.line} (finding {', '.join(claim.findings)}): "
        f"{claim.sentence!r}"
        for claim in find_claims(book)
        if ids & set(claim.findings)
    ]


def claim_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: Any = None,
    content: Any = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """The ``{claim}`` role: the words as plain text; an error at the line for an unknown finding."""
    env = inliner.document.settings.env
    try:
        words, ids = parse(text)
    except ValueError as error:
        message = inliner.reporter.error(str(error), line=lineno)
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    known = finding_ids(Path(env.srcdir))
    unknown = [i for i in ids if i not in known]
    if not ids or unknown:
        message = inliner.reporter.error(
            f"claim {words!r} rests on unknown finding(s) {', '.join(unknown) or '(none given)'}; "
            f"a claim names ids of {FINDINGS}",
            line=lineno,
        )
        return [inliner.problematic(rawtext, rawtext, message)], [message]
    return [nodes.Text(words)], []


def setup(app: Sphinx) -> None:
    """Register the role."""
    app.add_role(ROLE, claim_role)


def main(argv: list[str] | None = None) -> int:
    """Print every claim of the book with its finding(s)."""
    parser = argparse.ArgumentParser(prog="python -m ccg_book.claims", description=main.__doc__)
    parser.add_argument("book", type=Path, nargs="?", default=Path.cwd())
    args = parser.parse_args(argv)
    known = finding_ids(args.book)
    for claim in find_claims(args.book):
        status = "" if claim.findings and set(claim.findings) <= known else "  UNKNOWN FINDING"
        print(f"{claim.path}:{claim.line}: {', '.join(claim.findings)}: {claim.text!r}{status}")
        print(f"    {claim.sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
