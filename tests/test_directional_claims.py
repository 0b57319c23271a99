"""Lint and role: every directional claim in chapter prose names the published finding it rests on.

The lint reads the prose of every chapter (``test_typed_numbers.prose_lines``: front matter, code
cells, directive options and inline roles removed, so a ``{claim}`` is not scanned), joins each
paragraph across its line breaks and splits it into sentences. It fails for any phrase that states a
direction outside a ``{claim}`words <Qn>``` role. Phrases are patterns, not a fixed list: majorities
and halves; comparatives with "than" and "more/less" + an adjective of direction ("more often",
"less likely", "more positive"), "fewer", "outnumber", "cooler", "rated better", "as much as";
superlatives ("the most/least ...", "highest", "lowest"); verbs of change ("rose", "fell", "grew",
"increased", "declined", "dipped", "improved") and of no change ("no significant change", "stayed",
"unchanged", "not significant"). Phrases quoted as examples (inside quotation marks) are mentions,
not claims. ``NOT_SURVEY_CLAIMS`` is the small allow-list of sentences that use such words without
stating a survey result, each with its reason; an entry that no longer matches fails a test. The
findings' ids are read with the csv module. The data check's failure names every claim resting on
a failed finding.
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

COMPARED = r"(?:more|less|fewer|greater|higher|lower|stronger|weaker|larger|smaller|bigger|better|worse)"
DIRECTIONAL = re.compile(
    r"\b(?:"
    # majorities, halves and shares of people
    r"(?:a|the) majority|(?:a|the) minority|most (?:respondents|members|GPs|managers|chairs|of them)|"
    r"(?:about|around|nearly|almost|over|under|more than|less than|fewer than) half|"
    # comparisons: a comparative with "than", or an adjective/adverb of direction after more/less
    rf"{COMPARED}(?:\s+[\w-]+){{0,3}}?\s+than|"
    r"(?:more|less) (?:often|likely|positive|negative|convinced|sure|inclined|influential|so|central)|"
    r"(?!(?:rather|other|whether|either|neither|later|earlier|sooner|further|longer|under|over|after|"
    r"never|ever|number|member|together|order|matter|answer|their|every)\b)\w{2,}er(?:\s+[\w-]+){0,3}?\s+than|"
    r"(?<!a )few|many (?:members|respondents|GPs|managers|gave|doubted|said|were)|"
    r"fewer|outnumber\w*|as influential as|(?:about|broadly|just) as much as|broadly as\b|"
    r"cooler|warmer|keener|(?:rated|judged|seen|thought)(?: as)? (?:better|worse)|"
    r"hold(?:s|ing)? (?:\w+ )?back|held (?:\w+ )?back|"
    # superlatives
    r"(?:the )?(?:most|least) (?:positive|negative|convinced|likely|often|central|influential|sure|"
    r"doubtful|common|frequent|favourable)|the least|"
    r"highest|lowest|strongest|weakest|largest|smallest|greatest|biggest|"
    # change over time, and its absence
    r"rose|rise[sn]?|rising|fell|falls?|falling|fallen|grew|grow(?:s|n|ing)?|increas(?:e[sd]?|ing)|"
    r"declin(?:e[sd]?|ing)|decreas(?:e[sd]?|ing)|dropped|dipped|improv(?:e[sd]?|ing|ements?)|"
    r"worsen(?:ed|ing)?|shr[au]nk|climbed|went (?:up|down)|"
    r"no (?:(?:statistically )?significant |real |clear )?change|unchanged|stayed|held steady|"
    r"did not change(?: significantly)?|not (?:statistically )?significant(?:ly)?|"
    # the published wordings of doubt and difficulty
    r"doubted|doubtful|was falling|getting in the way|less inclined"
    r")\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
NOT_SURVEY_CLAIMS = {  # (chapter, words of the sentence): why the sentence states no survey result
    ("chapters/index.md", "clinicians came forward and improved services"): "a case-study theme, not a "
    "survey finding (data/cases/themes.csv)",
    ("chapters/06-conclusions.md", "brought about real improvements in services"): "the same case-study "
    "conclusion of the report, cited to it; not a survey finding",
    ("chapters/06-conclusions.md", "The strongest cases crossed organisational boundaries"): "a "
    "case-study conclusion of the report, cited to it; not a survey finding",
    ("chapters/06-conclusions.md", "leaders of improvement and redesign"): "improvement as a kind of "
    "work (quality improvement), not a change in a measure",
    ("chapters/06-conclusions.md", "On the doubtful side,"): "introduces the claims that follow, each a "
    "{claim}",
    ("chapters/01-introduction.md", "better value than commissioning led by administrators"): "the "
    "reform's argument before the study, not a result",
    ("chapters/03-survey-findings.md", "the text gives the direction and no number"): "explains how "
    "directions are written (the quotation opens on the line before); states none",
    ("chapters/03-survey-findings.md", "values were generated to fit the report's directions"): "names "
    "the kinds of direction the reconstruction was fitted to; states none",
    ("chapters/03-survey-findings.md", "is a little smaller than those totals"): "a base leaves out the "
    "blank answers, so it cannot exceed the respondent count: a definition, not a result",
    ("chapters/03-survey-findings.md", "rated their CCG more influential than other local bodies"): "names "
    "the answer counted (the question's wording), states no direction",
    ("chapters/03-survey-findings.md", "rating their CCG more influential than other local bodies"): "the "
    "figure caption naming the answer counted; states no direction",
    ("chapters/03-survey-findings.md", "squares mark the highest and lowest role in each panel"): "says "
    "how the chart marks the ends, computed per build; states no order",
    ("chapters/appendix-b-statistical-methods.md", "it into a check: a share equal to"): "lists the kinds "
    "of check; states no direction",
    ("chapters/glossary.md", "Each covers a larger area than a typical CCG"): "a definition of an NHS "
    "body, not a survey result",
    ("chapters/appendix-b-statistical-methods.md", "the smallest non-zero one"): "which cell the "
    "suppression rule hides: a method, not a result",
    ("chapters/05-cross-case-comparison.md", "obstacles that held redesign back"): "introduces the "
    "case-study barriers (data/cases/themes.csv), not a survey finding",
}


SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def prose_sentences(markdown: str) -> list[tuple[int, str]]:
    """(first line, text) of each sentence of the prose, joined across line breaks, quotes removed."""
    sentences: list[tuple[int, str]] = []
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        text, starts = "", []
        for number, line in paragraph:
            starts.append((len(text), number))
            text += QUOTED.sub(" ", line.strip()) + " "
        offset = 0
        for part in SENTENCE_END.split(text):
            if part.strip():
                line = max(n for at, n in starts if at <= offset)
                sentences.append((line, " ".join(part.split())))
            offset += len(part) + 1
        paragraph.clear()

    previous = None
    for number, line in prose_lines(markdown):
        if not line.strip() or (previous is not None and number != previous + 1):
            flush()
        if line.strip():
            paragraph.append((number, line))
        previous = number
    flush()
    return sentences


def directional_phrases(markdown: str) -> list[tuple[int, str, str]]:
    """(line, phrase, sentence) of each directional phrase in the prose outside claims and quotes."""
    return [
        (number, match.group(0), sentence)
        for number, sentence in prose_sentences(markdown)
        for match in DIRECTIONAL.finditer(sentence)
    ]


def published_ids() -> set[str]:
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize(
    "text",
    [
        "Most said so, a majority of members.\n",
        "Communication improved between the waves.\n",
        "GP members were the least sure.\n",
        "The positive view came more often from chairs.\n",
        "Chairs were more positive, finance officers less likely to agree.\n",
        "Agreement rose, trust fell and doubt grew.\n",
        "The share was higher than in 2014 and lower than the national one.\n",
        "Chairs were the most convinced of all; GP members outnumbered managers.\n",
        "Fewer members named clinicians, and the support for the CCG was stronger than before.\n",
        "There was no significant change; the share stayed where it was, unchanged.\n",
        "Confidence declined while the workload increased.\n",
        "Communication with hospital clinicians was rated better\nin the second survey.\n",
        "GPs were judged to count for about as much as\nmanagers.\n",
        "Members saw their CCG as a weightier local player than the other bodies.\n",
        "Few named clinicians alone, and many doubted that CCGs would survive.\n",
    ],
)
def test_lint_flags_a_bare_directional_phrase(text: str) -> None:
    assert directional_phrases(text)


def test_lint_reads_a_phrase_across_a_line_break_and_names_its_line() -> None:
    found = directional_phrases("Intro line.\n\nThe view came more\noften from chairs than others.\n")
    assert found and all(line == 3 for line, _, _ in found)
    assert found[0][1].startswith("more often") and "came more often from chairs" in found[0][2]


def test_lint_passes_a_sentence_tied_to_its_finding() -> None:
    text = "The positive view {claim}`came more often from chairs <Q16>`, as the report says.\n"
    assert directional_phrases(text) == []


def test_every_allowed_sentence_is_still_in_its_chapter_and_has_a_reason() -> None:
    stale = []
    for (path, snippet), reason in NOT_SURVEY_CLAIMS.items():
        sentences = [s for _, s in prose_sentences((REPO / path).read_text(encoding="utf-8"))]
        if not any(snippet in s for s in sentences) or len(reason.split()) < 4:
            stale.append(f"{path}: {snippet!r}")
    assert not stale, "allow-list entries that match no sentence (remove them) or lack a reason: " + str(
        stale
    )


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
