"""The web rendition of the charts (ccg_leadership.chart_svg through style.finish), without a build.

Oracles: the strings and sizes the test itself draws, an XML parser, and hand arithmetic.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ccg_leadership import chart_svg, study, style

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
SOURCE = "Illustrative: a test chart drawn from made-up numbers, not the study's."


def draw(title: str = "Most bars are tall", hatch: bool = True) -> style.ChartImage:
    """A small chart in the house style: two bars (one hatched), tick labels, a legend, a subtitle."""
    fig, ax = style.new_figure(7.5, 3.0)
    ax.barh([0, 1], [40, 60], color=style.PALETTE[0], hatch="///" if hatch else None, label="share")
    ax.set_yticks([0, 1], ["First bar", "Second bar"])
    ax.text(61, 1, "60%", fontsize=7.5, va="center")
    ax.legend(loc="lower right")
    style.headline(fig, title, "assumed n = 10")
    return style.finish(fig, "Two bars: the first 40%, the second 60%.", SOURCE)


@pytest.fixture(scope="module")
def chart() -> style.ChartImage:
    return draw()


class Tags(HTMLParser):
    """Every start tag of an HTML fragment with its (unescaped) attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, {k: v or "" for k, v in attrs}))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_labels_title_and_provenance_are_text(chart: style.ChartImage) -> None:
    words = texts(parse(chart.svg))
    for label in ("Most bars are tall", "assumed n = 10", "First bar", "Second bar", "60%", "share"):
        assert label in words, label
    # the provenance line, wrapped as in the PNG's strip, each line a text element
    lines = style.strip_lines(SOURCE, round(7.5 * style.DPI))
    assert [w for w in words if w in lines] == lines
    assert " ".join(lines) == SOURCE


def test_no_glyph_paths_styles_or_metadata(chart: style.ChartImage) -> None:
    root = parse(chart.svg)
    assert not list(root.iter(f"{SVG}style")), "a <style> inside an inline SVG styles the whole page"
    assert not list(root.iter(f"{SVG}metadata"))
    assert "DejaVuSans-" not in chart.svg, "labels drawn as glyph outlines, not text"
    assert not re.search(r"\d{4}-\d\d-\d\dT", chart.svg), "a date in the SVG"


def test_margin_wraps_the_chart_and_the_strip(chart: style.ChartImage) -> None:
    root = parse(chart.svg)
    margin = style.MARGIN_IN * 72
    [inner] = [e for e in root if e.tag == f"{SVG}svg"]
    assert float(inner.get("x")) == pytest.approx(margin) and float(inner.get("y")) == pytest.approx(margin)
    width, height = float(inner.get("width")), float(inner.get("height"))
    assert width == pytest.approx(7.5 * 72)  # the figure's width in points, unitless inside the viewBox
    view = [float(v) for v in root.get("viewBox").split()]
    [group] = [e for e in root if e.tag == f"{SVG}g"]  # the provenance strip, one text per line
    assert "".join(group.itertext()) == SOURCE
    strip = (style.LINE_HEIGHT_IN * len(group) + 0.1) * 72
    assert view[2] == pytest.approx(width + 2 * margin, abs=0.01)
    assert view[3] == pytest.approx(height + strip + 2 * margin, abs=0.01)
    assert root.get("width") == f"{view[2]:.2f}pt"


def test_html_names_the_image_with_its_alt_text_and_the_panel_with_the_title(chart: style.ChartImage) -> None:
    tags = Tags()
    tags.feed(chart._repr_html_())
    [image] = [a for t, a in tags.seen if a.get("role") == "img"]
    assert image["aria-label"] == chart.alt and chart.alt.endswith(SOURCE)
    [panel] = [a for t, a in tags.seen if a.get("role") == "region"]
    assert panel["tabindex"] == "0" and panel["aria-label"] == "Chart: Most bars are tall"
    assert [t for t, _ in tags.seen].count("svg") == 2  # the composed chart and the drawing inside it


def test_every_id_is_prefixed_unique_and_every_reference_resolves(chart: style.ChartImage) -> None:
    root = parse(chart.svg)
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert ids, "a hatched, clipped chart has ids"
    assert len(ids) == len(set(ids))
    prefix = ids[0].split("-", 1)[0] + "-"
    assert re.fullmatch(r"c[0-9a-f]{8}-", prefix) and all(i.startswith(prefix) for i in ids)
    references = re.findall(r"url\(#([^)]+)\)", chart.svg)
    references += [e.get(XLINK_HREF)[1:] for e in root.iter() if e.get(XLINK_HREF)]
    assert references and set(references) <= set(ids)


def test_two_charts_on_one_page_share_no_id(chart: style.ChartImage) -> None:
    other = draw("Another title")
    first = {e.get("id") for e in parse(chart.svg).iter() if e.get("id")}
    second = {e.get("id") for e in parse(other.svg).iter() if e.get("id")}
    assert first and second and not first & second


def test_two_renders_give_the_same_bytes() -> None:
    assert draw().svg == draw().svg
    assert study.timeline_figure().svg == study.timeline_figure().svg


def test_minimum_width_keeps_the_smallest_text_legible(chart: style.ChartImage) -> None:
    assert chart_svg.smallest_font(chart.svg) == pytest.approx(7.5)  # the 60% label and the strip
    width = float(parse(chart.svg).get("viewBox").split()[2])
    expected = math.ceil(chart_svg.MIN_TEXT_PX * width / 7.5)
    assert f"--ccg-chart-min-width: {expected}px" in chart._repr_html_()
    assert expected * 7.5 / width >= 9  # at that width a 7.5 pt label is at least 9 CSS px tall


def test_png_rendition_is_kept_for_the_pdf_edition(chart: style.ChartImage) -> None:
    assert chart.png.startswith(b"\x89PNG") and style.read_alt(chart.png) == chart.alt
    assert chart._repr_png_() == chart.png
