"""Chapter 3 as built: every survey finding Q1-Q21 in its sentence, figures, tables, provenance, no leaks.

The oracle is ``data/published/findings.csv`` (read with the csv module) and the fact sheet's
wording of each finding (keywords and directions below), not the package that wrote the page; the
raw respondent file is counted directly with pandas where the page shows counts.

Running prose (paragraphs outside admonitions, captions, tables and toggles) may state only the
report's published numbers and directions; whatever the reconstruction adds sits in the boxes
headed "Illustration" (``div.admonition.illustration``), which the tests read separately.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
PAGE = "chapters/03-survey-findings.html"
DERIVED = "Computed from reconstructed data"
REPORTED = "Reported by the study"
FIGURES = (
    "fig-ch3-influence",
    "fig-ch3-vision",
    "fig-ch3-communication",
    "fig-ch3-centrality",
    "fig-ch3-link",
    "fig-ch3-collaboration",
    "fig-ch3-plans",
    "fig-ch3-engagement",
    "fig-ch3-future",
    "fig-ch3-roles",
)
PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%")


def findings() -> dict[str, dict[str, str]]:
    with (REPO / "data" / "published" / "findings.csv").open(encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def soup(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / PAGE).read_text(encoding="utf-8"), "html.parser")


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


@pytest.fixture(scope="module")
def paragraphs(soup: BeautifulSoup) -> list[str]:
    """Running prose: every paragraph and list item outside captions, toggles, tables and boxes."""
    article = soup.find("article") or soup
    blocks = []
    for node in article.find_all(["p", "li"]):
        if (
            node.find_parent("figcaption")
            or node.find_parent("details")
            or node.find_parent("table")
            or node.find_parent("div", class_="admonition")
        ):
            continue
        blocks.append(_text(node))
    return blocks


@pytest.fixture(scope="module")
def illustrations(soup: BeautifulSoup) -> list[str]:
    """The whole text of each "Illustration" box (one block per box)."""
    boxes = soup.select("div.admonition.illustration")
    assert boxes, "no Illustration boxes on the page"
    return [_text(box) for box in boxes]


def sentences(paragraph: str) -> list[str]:
    return re.split(r"(?<=[.;])\s+(?=[A-Z])", paragraph)


def find(paragraphs: list[str], *words: str) -> tuple[str, str]:
    """Return (sentence, paragraph) of the first sentence containing every word (case-insensitive)."""
    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            if all(w.lower() in sentence.lower() for w in words):
                return sentence, paragraph
    raise AssertionError(f"no sentence mentions all of {words!r}")


def percent_before(sentence: str, words: str) -> float:
    """The last percentage that comes before ``words`` in the sentence."""
    head = sentence.lower().split(words.lower())[0]
    values = PERCENT.findall(head)
    assert values, f"no percentage before {words!r} in: {sentence}"
    return float(values[-1])


def percent_after(sentence: str, words: str) -> float:
    """The first percentage that comes after ``words`` in the sentence."""
    tail = sentence.lower().split(words.lower(), 1)[1]
    values = PERCENT.findall(tail)
    assert values, f"no percentage after {words!r} in: {sentence}"
    return float(values[0])


def value(ident: str) -> float:
    return float(findings()[ident]["value"])


# --- published numbers (Q1-Q12 with a value) ----------------------------------------------------------


def test_vision_shares_sit_with_their_years(paragraphs) -> None:
    sentence, paragraph = find(paragraphs, "2014", "2016", "equally")
    assert percent_after(sentence, "2014") == value("Q1")  # Q1: 2014, both equally
    assert percent_after(sentence, "by 2016") == value("Q2")  # Q2: 2016
    assert "majority" in sentence and REPORTED in sentence
    change, _ = find(paragraphs, "rise of", "percentage points")
    assert float(re.search(r"rise of (\d+) percentage points", change).group(1)) == value("Q2a")


def test_vision_setters_other_than_equally(paragraphs, illustrations) -> None:
    stated, _ = find(paragraphs, "clinicians were named more often than managers")  # Q2b, no number
    assert not PERCENT.search(stated)
    sentence, box = find(illustrations, "mainly clinicians", "mainly managers")
    assert percent_before(sentence, "mainly clinicians") > percent_before(sentence, "mainly managers")
    assert DERIVED in box


def test_centrality_shares(paragraphs) -> None:
    sentence, paragraph = find(paragraphs, "nearly all", "significant proportion", "key role")
    assert percent_before(sentence, "said nearly all") == value("Q3")
    assert percent_before(sentence, "a significant proportion") == value("Q4")
    assert percent_before(sentence, "gave clinical leadership a key role") == value("Q4a")
    assert REPORTED in paragraph


def test_centrality_change_is_reported_as_not_significant(paragraphs, illustrations) -> None:
    sentence, paragraph = find(paragraphs, "not statistically significant")  # Q5
    assert "fell somewhat" in paragraph and REPORTED in paragraph
    assert not re.search(r"\bp [=<]", paragraph) and not PERCENT.search(paragraph)
    _, box = find(illustrations, "a change of", "points")
    p_value = float(re.search(r"p = (\d\.\d+)", box).group(1))
    low, high = (float(x) for x in re.search(r"runs from (-?\d+\.\d) to (-?\d+\.\d) points", box).groups())
    change = float(re.search(r"a change of (-?\d+\.\d) points", box).group(1))
    assert change < 0 and p_value >= 0.05 and low < 0 < high
    assert DERIVED in box and "cannot confirm" in box


def test_primary_care_link_share_of_managers(paragraphs) -> None:
    sentence, paragraph = find(paragraphs, "of CCG managers", "saw them that way")
    assert percent_before(sentence, "of CCG managers") == value("Q6")
    assert REPORTED in sentence


def test_collaboration_builders(paragraphs) -> None:
    sentence, paragraph = find(paragraphs, "managers on their own", "main builders")
    assert percent_before(sentence, "said managers on their own") == value("Q7")
    assert percent_before(sentence, "managers together with clinicians") == value("Q8")
    assert percent_before(sentence, "named clinicians") == value("Q9")
    total, _ = find(paragraphs, "add up to")
    assert percent_after(total, "add up to") == value("Q9a")


def test_plans_far_exceeded_change(paragraphs) -> None:
    sentence, paragraph = find(paragraphs, "agreed, a majority")
    assert percent_before(sentence, "agreed, a majority") == value("Q10")
    assert REPORTED in sentence


def test_nhs_england_about_half(paragraphs, illustrations) -> None:
    sentence, paragraph = find(paragraphs, "NHS England", "about half")
    assert "2014" in paragraph and not PERCENT.search(paragraph)
    row = findings()["Q12"]
    computed, box = find(illustrations, "reconstructed 2014 data")
    value_2014 = percent_before(computed, "in the reconstructed 2014 data")
    assert abs(value_2014 - float(row["value"])) <= float(row["tolerance"])
    assert DERIVED in box


# --- directional findings: the direction in running prose, the computed figure in a box -------------


def test_directional_findings_stated_without_numbers(paragraphs) -> None:
    for words in (
        ("majority", "more influential"),  # Q11
        ("broadly as influential as managers",),  # Q13
        ("improved", "patients and the public"),  # Q14, Q15
        ("chief finance officers", "much less inclined"),  # Q17
        ("least convinced of any group",),  # Q18
        ("workload", "falling off"),  # Q19
        ("highly doubtful", "survive"),  # Q20
        ("majority", "commissioning", "should be kept"),  # Q21
    ):
        sentence, paragraph = find(paragraphs, *words)
        assert not PERCENT.search(sentence), sentence
        assert REPORTED in paragraph, paragraph


def test_ccg_influence_majority(illustrations) -> None:
    sentence, box = find(illustrations, "more influential", "2016 wave")  # Q11
    assert percent_before(sentence, "chose one of the two") > 50
    assert DERIVED in box


def test_gps_broadly_as_influential_as_managers(illustrations) -> None:
    sentence, box = find(illustrations, "towards the GPs", "towards the managers")  # Q13
    gps, managers = (
        percent_before(sentence, "of members leaned"),
        percent_before(sentence, "towards the managers"),
    )
    assert abs(gps - managers) <= float(findings()["Q13"]["tolerance"])
    assert DERIVED in box


def test_communication_trends_rose(illustrations) -> None:
    sentence, box = find(illustrations, "secondary-care clinicians good or very good")  # Q14
    hospital = sentence.split("patients and")[0]
    assert percent_after(hospital, "from") < percent_after(hospital, "2014 to")
    assert "in 2014" in hospital and "in 2016" in hospital
    public = sentence.split("patients and the public", 1)[1]  # Q15
    assert percent_after(public, "from") < percent_after(public, "2014 to")
    assert DERIVED in box


def test_roles_positive_about_ccg_influence(illustrations) -> None:
    sentence, box = find(illustrations, "of chairs", "of accountable officers")  # Q16
    chairs, officers = (
        percent_before(sentence, "of chairs"),
        percent_before(sentence, "of accountable officers"),
    )
    cooler, _ = find(illustrations, "Chief finance officers", "much less positive")  # Q17
    finance = percent_after(cooler, "Chief finance officers")
    gps = percent_after(cooler, "GP members")
    assert min(chairs, officers) > max(finance, gps)
    assert DERIVED in box and "assumption" in box


def test_gp_members_least_convinced(illustrations, soup) -> None:
    sentence, box = find(illustrations, "least convinced", "of GP members agreed")  # Q18
    gp = percent_before(sentence, "of GP members agreed")
    assert gp < percent_before(sentence, "in the next most sceptical role")
    assert DERIVED in box
    # the role table beside the figure agrees: GP members have the lowest share of every role
    table = role_table(soup, "Table behind the figure: shares by role")
    redesign = table[table["Share who"].str.contains("GPs shape")]
    shares = dict(zip(redesign["Role"], redesign["Share %"].astype(float), strict=True))
    assert (
        min(shares, key=shares.get) == "GP governing-body member" and shares["GP governing-body member"] == gp
    )
    influence = table[table["Share who"].str.contains("more influential")]
    ranked = list(influence.sort_values("Share %", key=lambda s: s.astype(float))["Role"])
    assert set(ranked[-2:]) == {"Chair", "Accountable officer"}  # Q16
    assert set(ranked[:2]) == {"Chief finance officer", "GP governing-body member"}  # Q17


def test_gp_workload_and_engagement(illustrations) -> None:
    sentence, box = find(illustrations, "GP governing-body members in the 2016 wave", "agreed")  # Q19
    assert percent_before(sentence, "agreed") > percent_before(sentence, "disagreed")
    falling, _ = find(illustrations, "falling off", "agreed")
    assert falling != sentence
    assert percent_before(falling, "agreed") > percent_before(falling, "disagreed")
    assert DERIVED in box


def test_future_of_ccgs_and_commissioning(illustrations) -> None:
    sentence, box = find(illustrations, "thought it unlikely", "thought it likely")  # Q20
    assert percent_before(sentence, "thought it unlikely") > percent_before(sentence, "thought it likely;")
    keep, _ = find(illustrations, "commissioning", "agreed in 2016")  # Q21
    assert percent_before(keep, "agreed in 2016") > 50
    assert DERIVED in box


# --- what running prose may and may not hold ----------------------------------------------------------


def test_running_prose_holds_only_published_numbers(paragraphs) -> None:
    published = {round(float(row["value"])) for row in findings().values() if row["value"]}
    for paragraph in paragraphs:
        for number in PERCENT.findall(paragraph):
            assert float(number) in published, f"{number}% is not a published figure: {paragraph}"
        assert not re.search(r"\bp\s*[<=>]\s*0?\.\d|\binterval\b|z-test", paragraph), paragraph
        assert DERIVED not in paragraph, f"a reconstructed figure in running prose: {paragraph}"


def test_illustration_boxes_say_what_they_do_not_show(soup, illustrations) -> None:
    for box in soup.select("div.admonition.illustration"):
        title = _text(box.find(class_="admonition-title"))
        text = _text(box)
        assert title.startswith("Illustration"), title
        assert DERIVED in text, title
        assert re.search(r"\bnot\b|\bnone\b|cannot", text, re.IGNORECASE), title
    for phrase in ("the reconstruction agrees", "reproduces the published"):
        assert phrase not in soup.get_text(" "), phrase


def test_badges_come_from_the_substitutions(soup) -> None:
    assert "{{" not in soup.get_text() and "{.provenance" not in soup.get_text()
    for kind, words in (("reported", REPORTED), ("derived", DERIVED)):
        badges = soup.select(f"span.provenance.provenance-{kind}")
        assert badges and all(_text(b) == words for b in badges), kind


# --- figures, tables, cells ---------------------------------------------------------------------------


def role_table(soup: BeautifulSoup, summary: str) -> pd.DataFrame:
    for details in soup.find_all("details"):
        if details.summary and details.summary.get_text(" ").strip() == summary:
            table = details.find("table")
            head = [th.get_text(" ").strip() for th in table.find("thead").find_all("th")]
            rows = [
                [td.get_text(" ").strip() for td in tr.find_all("td")]
                for tr in table.find("tbody").find_all("tr")
            ]
            return pd.DataFrame(rows, columns=head)
    raise AssertionError(f"no table toggle {summary!r}")


def test_figures_have_alt_text_numbered_captions_provenance_and_a_table(soup) -> None:
    for ident in FIGURES:
        figure = soup.find("figure", id=ident)
        assert figure is not None, ident
        chart = figure.find("svg", attrs={"role": "img"})
        assert chart is not None and len(chart.get("aria-label", "").strip()) > 50, ident
        assert len(chart.find_all("text")) >= 5, f"{ident}: chart labels are not text"
        caption = figure.find("figcaption").get_text(" ")
        assert re.search(r"Fig\. 3\.\d+", caption), ident
        assert "Provenance" in caption and (DERIVED in caption or REPORTED in caption), ident
        links = [a["href"] for a in figure.find("figcaption").find_all("a", href=True)]
        assert any(href.startswith("03-survey-explorer.html") for href in links), f"{ident}: no explorer link"
        following = figure.find_next(["details", "figure"])
        assert following is not None and following.name == "details", f"{ident}: no table toggle after it"
        assert following.find("span", class_="provenance"), ident
    assert len(soup.find_all("figure")) == len(FIGURES)


def test_summary_points_back_to_every_figure(soup) -> None:
    summary = soup.find(id="ch3-summary") or soup.find(id="weighing-the-evidence")
    section = summary if summary.name == "section" else summary.find_parent("section")
    targets = {a["href"].split("#")[-1] for a in section.find_all("a", href=True)}
    assert set(FIGURES) <= targets, set(FIGURES) - targets


def test_no_error_or_warning_in_any_cell_output(soup) -> None:
    assert not soup.select(".output.stderr, .output.traceback, .output.error")
    for output in soup.select(".cell_output"):
        text = output.get_text(" ")
        assert not re.search(r"Traceback|Error|Warning", text), text[:300]


def test_code_is_hidden_but_available(soup) -> None:
    cells = soup.select("div.cell")
    assert cells and all({"tag_hide-input", "tag_remove-input"} & set(c["class"]) for c in cells)
    assert len(soup.select("div.cell.tag_hide-input")) == len(FIGURES)
    assert "numbers.chapter_numbers" not in soup.get_text()  # the setup cell is removed


def test_no_suppressed_count_leaks(soup) -> None:
    data = pd.read_csv(REPO / "data" / "survey" / "responses.csv")
    wave = data[data["wave"] == 2016]
    for item, summary in (
        ("ccg_relative_influence", "Every answer by role: influence of my CCG, 2016 (counts)"),
        ("gp_influence_redesign", "Every answer by role: GPs shape redesign, 2016 (counts)"),
    ):
        grid = role_table(soup, summary)
        options = list(grid.columns[2:])
        labels = {label: role for role, label in _role_labels().items()}
        for column in options:
            assert (grid[column] == "[c]").sum() != 1, f"{summary}: a lone [c] in column {column}"
        for _, row in grid.iterrows():
            answers = wave.loc[wave["role"] == labels[row["Role"]], item].dropna()
            hidden = [code for code, column in enumerate(options, start=1) if row[column] == "[c]"]
            assert len(hidden) != 1, f"{summary}: a lone [c] for {row['Role']} is recoverable"
            for code, column in enumerate(options, start=1):
                true = int((answers == code).sum())
                if code in hidden:
                    continue
                assert int(row[column]) == true and not 1 <= true <= 4, (summary, row["Role"], column)
    # distribution tables: a hidden count hides its share and interval, and never stands alone in a block
    for details in soup.find_all("details"):
        table = details.find("table")
        head = [th.get_text(" ").strip() for th in table.find("thead").find_all("th")] if table else []
        if "Count" not in head:
            continue
        frame = pd.DataFrame(
            [
                [td.get_text(" ").strip() for td in tr.find_all("td")]
                for tr in table.find("tbody").find_all("tr")
            ],
            columns=head,
        )
        hidden = frame[frame["Count"] == "[c]"]
        assert (hidden["Share %"] == "[c]").all() and (hidden["95% CI (Wilson)"] == "[c]").all()
        keys = [c for c in ("Question", "Group", "Wave", "Role", "Share who") if c in head and c != "Role"]
        for _, block in frame.groupby(keys) if keys else [(None, frame)]:
            assert (block["Count"] == "[c]").sum() != 1, block


def _role_labels() -> dict[str, str]:
    with (REPO / "data" / "survey" / "roles.csv").open(encoding="utf-8") as handle:
        return {row["role"]: row["label"] for row in csv.DictReader(handle)}


def test_every_section_shows_a_provenance_label(soup) -> None:
    article = soup.find("article") or soup
    sections = [s for s in article.find_all("section") if s.find(["h2"], recursive=False)]
    assert len(sections) >= 11
    for section in sections:
        assert section.find("span", class_="provenance"), section.find("h2").get_text(" ")
