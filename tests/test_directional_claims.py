"""Lint and role: every directional claim in chapter prose names the published finding it rests on.

The lint scans the prose of every chapter (``test_typed_numbers.prose_lines``: front matter, code
cells, directive options and inline roles removed, so a ``{claim}`` is not scanned) for phrases that
state a direction ("a majority", "the least", "more often than", "improved", "fell somewhat", "not
statistically significant", ...) and fails for any outside a ``{claim}`words <Qn>``` role. Phrases
quoted as examples (inside quotation marks) are mentions, not claims. The findings' ids are read
with the csv module. The data check's failure names every claim resting on a failed finding.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from bookhelpers import REPO
from test_data_gate import break_majority
from test_typed_numbers import chapter_sources, prose_lines

from ccg_book import claims
from ccg_book.data_gate import DataCheckFailed, check_book_data

DIRECTIONAL = re.compile(
    r"\b(?:a majority|the least|the most positive|more often than|less often than|improved|"
    r"did not change significantly|not statistically significant|fell somewhat|fell\b|rose\b|"
    r"much less (?:positive|so)|more positive|about half|broadly as influential|about as influential|"
    r"outnumber\w*|declining|was falling|held back|doubted|doubtful|less positive|less inclined|"
    r"getting in the way|most respondents)",
    re.IGNORECASE,
)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
NOT_SURVEY_CLAIMS = {
    ("chapters/index.md", "clinicians came forward and improved services"): "a case-study theme, not a "
    "survey finding (data/cases/themes.csv)",
    ("chapters/03-survey-findings.md", "the text gives the direction and no number"): "explains how "
    "directions are written (the quotation opens on the line before); states none",
    ("chapters/03-survey-findings.md", "values were generated to fit the report's directions"): "names "
    "the kinds of direction the reconstruction was fitted to; states none",
    ("chapters/appendix-b-statistical-methods.md", "it into a check: a share equal to"): "lists the kinds "
    "of check; states no direction",
    ("chapters/06-conclusions.md", "On the doubtful side,"): "introduces the claims that follow, each a "
    "{claim}",
}


def directional_phrases(markdown: str) -> list[tuple[int, str, str]]:
    """(line, phrase, line text) of each directional phrase in the prose outside claims and quotes."""
    found = []
    for number, line in prose_lines(markdown):
        for match in DIRECTIONAL.finditer(QUOTED.sub(" ", line)):
            found.append((number, match.group(0), line.strip()))
    return found


def published_ids() -> set[str]:
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize(
    "text",
    [
        "Most said so, a majority of members.\n",
        "Communication improved between the waves.\n",
        "GP members were the least sure.\n",
    ],
)
def test_lint_flags_a_bare_directional_phrase(text: str) -> None:
    assert directional_phrases(text)


def test_lint_passes_claims_and_quoted_mentions() -> None:
    text = 'Asked, {claim}`a majority <Q11>` agreed. Where the report says "a majority", the text says so.\n'
    assert directional_phrases(text) == []


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.name)
def test_every_directional_claim_names_its_finding(source: Path) -> None:
    relative = source.relative_to(REPO).as_posix()
    bare = [
        f"{relative}:{line}: {phrase!r} in: {text}"
        for line, phrase, text in directional_phrases(source.read_text(encoding="utf-8"))
        if not any(path == relative and snippet in text for path, snippet in NOT_SURVEY_CLAIMS)
    ]
    assert not bare, "directional claims without a finding (write {claim}`words <Qn>`):\n" + "\n".join(bare)


def test_every_claim_names_published_findings() -> None:
    found = claims.find_claims(REPO)
    assert found, "the book has no {claim} roles"
    known = published_ids()
    unknown = [
        f"{c.path}:{c.line}: {c.text!r} -> {c.findings}"
        for c in found
        if not c.findings or set(c.findings) - known
    ]
    assert not unknown


def test_claim_content_is_parsed() -> None:
    assert claims.parse("about as influential as managers <Q13>") == (
        "about as influential as managers",
        ("Q13",),
    )
    assert claims.parse("improved <Q14, Q15>") == ("improved", ("Q14", "Q15"))
    with pytest.raises(ValueError, match="expected `words <finding id>`"):
        claims.parse("a majority")


def test_a_failed_finding_names_the_chapters_and_sentences_resting_on_it(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(REPO / "data", book / "data")
    shutil.copytree(REPO / "chapters", book / "chapters")
    break_majority(book / "data", "ccg_relative_influence", "2016")
    resting = [c for c in claims.find_claims(book) if "Q11" in c.findings]
    assert resting
    with pytest.raises(DataCheckFailed) as failure:
        check_book_data(book, book / "_build")
    message = str(failure.value)
    for claim in resting:
        assert f"stated in {claim.path}, line {claim.line} (finding Q11)" in message
        assert claim.text in message
