"""Lint: no statistic typed by hand into chapter prose; every one must come from a computation (glue).

What is scanned: the Markdown prose of every chapter in ``_toc.yml`` that exists as a source file
(pages generated at build time from ``data/`` are written by code, not typed). Not scanned: the YAML
front matter, code cells and other code/math/raw blocks, directive option lines (``:name:``,
``:figwidth: 100%``), inline roles (``{glue:text}`...` ``, ``{numref}``, ``{cite:p}``), inline code, math,
URLs, DOIs and MyST targets.

What counts as a typed statistic (each rule is a regex below):
- a percentage: a number followed by ``%``, "per cent" or "percent";
- a p-value: ``p < 0.05``, ``p = .03``, "p-value of 0.2";
- a base or count: ``n = 120``, or a number (digits, or a number word from "two" up) followed within
  two words by a noun for people or units counted (respondents, members, GPs, CCGs, cases, ...), not
  across "per", "of", "in" or "each" ("one row per respondent" is a rule, not a count);
- a decimal such as a mean score or a ratio (``3.8``), unless it is a version or a section/figure number.

Allowed by rule (documented here, tested below):
- years and dates (four-digit years 1900-2099 are never counts);
- chapter, section, figure, table, appendix and case numbers ("Chapter 3", "Fig. 2.1", "Section 4.2");
- software versions ("Python 3.11", "1.0.4", "1.x");
- identifiers such as the NIHR project number 12/136/104 (no rule matches them) and DOIs (removed);
- the interval level "95 %" (or 90/99 %) next to the words interval/confidence/level, only in the
  statistical-methods appendix, where methods are stated;
- the study's design facts written in words (six CCGs, eight cases, five phases, 15 scoping CCGs),
  which the issue allows; the book glues them anyway where it can.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from bookhelpers import toc_pages

REPO = Path(__file__).resolve().parents[1]

NUMBER_WORDS = (
    "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|dozen"
)
COUNTED = (
    r"respondents?|members?|GPs?|clinicians?|managers?|chairs?|participants?|interviewees?|interviews?|"
    r"replies|responses|answers|people|persons|patients|practices|CCGs?|cases|surveys? returns?"
)
DESIGN_FACTS = re.compile(
    r"\b(?:six\s+CCGs|eight\s+cases|five\s+phases|(?:15|fifteen)\s+scoping\s+CCGs)\b", re.IGNORECASE
)
RULES: dict[str, re.Pattern[str]] = {
    "percentage": re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?\s*(?:%|per\s?cent\b|percent\b)", re.IGNORECASE),
    "p-value": re.compile(
        r"\bp\s*(?:-?\s*values?\s*)?(?:[<>=≤≥]|\bof\b|\bwas\b|\bis\b)\s*(?:0?\.\d+|\d)", re.IGNORECASE
    ),
    "base n": re.compile(r"\b[nN]\s*=\s*\d"),
    "count": re.compile(
        rf"(?<![\w./-])(?!(?:19|20)\d\d\b)(?:\d[\d,]*|(?:{NUMBER_WORDS}))"
        rf"(?:\s+(?!per\b|of\b|in\b|each\b)[\w-]+){{0,2}}?\s+(?:{COUNTED})\b",
        re.IGNORECASE,
    ),
    "decimal": re.compile(
        r"(?<!Python )(?<!version )(?<!Fig\. )(?<!Figure )(?<!Table )(?<!Section )(?<!Chapter )"
        r"(?<!Appendix )(?<!Case )(?<![\w.])\d+\.\d+(?![\w.])",
    ),
}
INTERVAL_LEVEL = re.compile(
    r"\b9[059]\s*%\s*(?:\w+\s+){0,3}?(?:intervals?|confidence|level)\b", re.IGNORECASE
)
METHODS_PAGE = "statistical-methods"

SKIPPED_DIRECTIVES = {
    "code-cell",
    "code-block",
    "code",
    "sourcecode",
    "literalinclude",
    "math",
    "raw",
    "nb-exec-table",
    "bibliography",
    "glue",
    "glue:any",
    "glue:md",
    "mermaid",
}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\s*(?:\{(?P<directive>[^}]+)\})?")
INLINE_NOISE = [
    re.compile(r"\{[\w:.-]+\}`[^`]*`"),  # roles, e.g. {glue:text}`key:.0f`, {numref}`...`
    re.compile(r"`[^`]*`"),  # inline code
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$"),  # math
    re.compile(r"<!--.*?-->", re.S),  # HTML comments
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"<https?://[^>]*>|https?://\S+"),  # URLs
    re.compile(r"\b10\.\d{4,9}/\S+"),  # DOIs
    re.compile(r"\{\{[^}]*\}\}"),  # substitutions
]


@dataclass(frozen=True)
class Finding:
    """One typed statistic: where it is and which rule it breaks."""

    path: str
    line: int
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule}: {self.text!r}"


def prose_lines(markdown: str) -> list[tuple[int, str]]:
    """Return (line number, text) for the prose of a MyST Markdown notebook, code and options removed."""
    lines = markdown.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        start = end + 1
    out: list[tuple[int, str]] = []
    stack: list[tuple[str, bool]] = []  # (closing fence, skipped?)
    in_options = False
    for number, line in enumerate(lines[start:], start=start + 1):
        match = FENCE.match(line)
        if stack and line.strip().startswith(stack[-1][0]) and line.strip().strip(stack[-1][0][0]) == "":
            stack.pop()
            in_options = False
            continue
        if match and (not stack or not stack[-1][1]):
            directive = (match.group("directive") or "").strip()
            skipped = not directive or directive in SKIPPED_DIRECTIVES
            stack.append((match.group("fence"), skipped))
            in_options = not skipped
            continue
        if stack and stack[-1][1]:
            continue
        stripped = line.strip()
        if in_options and re.match(r"^:[\w-]+:", stripped):
            continue
        in_options = False
        if re.match(r"^\([\w:.-]+\)=\s*$", stripped) or stripped.startswith("%"):
            continue
        for noise in INLINE_NOISE:
            line = noise.sub(" ", line)
        out.append((number, line))
    return out


def typed_statistics(markdown: str, path: str) -> list[Finding]:
    """Every typed statistic in the prose of ``markdown`` (``path`` names the file in findings)."""
    findings = []
    for number, line in prose_lines(markdown):
        text = DESIGN_FACTS.sub(" ", line)
        if METHODS_PAGE in path:
            text = INTERVAL_LEVEL.sub(" ", text)
        for rule, pattern in RULES.items():
            for match in pattern.finditer(text):
                findings.append(Finding(path, number, rule, match.group(0).strip()))
    return findings


def chapter_sources(repo: Path = REPO) -> list[Path]:
    """The Markdown source of every ToC entry that exists in the repository."""
    names = toc_pages(repo)
    paths = [repo / f"{str(name).removesuffix('.md')}.md" for name in names]
    return [p for p in paths if p.is_file()]


@pytest.mark.parametrize(
    "text",
    [
        "Some 45 % of GPs agreed.",
        "Agreement rose to 61.5 per cent in 2016.",
        "The change was significant (p < 0.05).",
        "with a p-value of .03",
        "a base of n = 312",
        "We heard from 412 governing-body members.",
        "Twelve respondents did not answer.",
        "The mean rating was 3.8 on the scale.",
        "Of the 1,204 respondents, most were GPs.",
    ],
)
def test_lint_flags_typed_statistics(text: str) -> None:
    assert typed_statistics(f"Prose line.\n\n{text}\n", "chapters/x.md"), text


@pytest.mark.parametrize(
    "text",
    [
        "Agreement was {glue:text}`ch3_agree:.0f` % in {glue:text}`ch3_year`.",
        "From April 2013 the primary care trusts were abolished; in 2014 GPs said so.",
        "{numref}`Chapter %s <ch-design>` and Chapter 3, Section 4.2 and Fig. 2.1 explain it.",
        "The project (12/136/104) ran from November 2013; see https://doi.org/10.3310/hsdr06020.",
        "Built with Python 3.11 and Jupyter Book 1.0.4; the stack is held at 1.x.",
        "The study had five phases: six CCGs, eight cases and 15 scoping CCGs.",
        "a five-point scale from strong disagreement (1) to strong agreement (5)",
        "Each case was written up one-to-one or in groups, with GPs present.",
        "The file holds one row per respondent and two columns of each wave.",
    ],
)
def test_lint_allows_documented_exceptions(text: str) -> None:
    assert typed_statistics(f"{text}\n", "chapters/x.md") == []


def test_lint_skips_code_options_and_front_matter() -> None:
    markdown = (
        "---\nkernelspec:\n  name: python3\n---\n"
        "```{code-cell} ipython3\nshare = 45  # 45 % of 300 respondents\n```\n"
        "```{glue:figure} fig\n:figwidth: 100%\n:name: fig-x\n\n"
        "Caption with {glue:text}`n` respondents.\n```\n"
        "```bash\necho 50 %\n```\n"
        "Plain prose.\n"
    )
    assert typed_statistics(markdown, "chapters/x.md") == []
    assert typed_statistics(markdown.replace("Plain prose.", "Plain 50 % prose."), "chapters/x.md")


def test_lint_allows_interval_level_only_in_methods_appendix() -> None:
    text = "Shares carry Wilson score 95 % intervals.\n"
    assert typed_statistics(text, "chapters/appendix-b-statistical-methods.md") == []
    assert typed_statistics(text, "chapters/03-survey-findings.md")


def test_lint_finds_the_chapters() -> None:
    sources = chapter_sources()
    assert len(sources) >= 5 and all(p.suffix == ".md" for p in sources), sources


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_no_typed_statistics_in_chapter_prose(source: Path) -> None:
    relative = str(source.relative_to(REPO))
    findings = typed_statistics(source.read_text(encoding="utf-8"), relative)
    assert not findings, (
        "typed statistics in prose; compute them and use {glue:text} (see tests/test_typed_numbers.py):\n"
        + "\n".join(map(str, findings))
    )
