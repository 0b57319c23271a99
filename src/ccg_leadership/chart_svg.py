"""The web rendition of a chart: an inline SVG whose labels are text, and the HTML that holds it.

:func:`figure_svg` saves a matplotlib figure as SVG with real ``<text>`` (``svg.fonttype: none``),
no date or creator, and ids salted by ``svg.hashsalt``, then trims what an inline SVG does not need.
:func:`compose` adds the white margin and the provenance line as text; :func:`prefix_ids` makes its
ids unique on a page; :func:`chart_html` wraps it in the scrollable panel styled by
``ccg_book/static/charts.css``. Same input, same bytes.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FONT_STACK = "'DejaVu Sans', 'Bitstream Vera Sans', Arial, sans-serif"
"""Fonts of the chart text: matplotlib's DejaVu Sans, then fonts no wider than it."""

CHART_MARKUP_START = '<div class="ccg-chart">'
"""How the page markup of every chart begins (the book's Sphinx extension recognises charts by it)."""

MIN_TEXT_PX = 9.05
"""Smallest rendered size of any chart text, in CSS pixels: the chart's minimum width follows."""

_ATTRIBUTE = re.compile(r'(\s[\w:-]+)="([^"]*)"')
_LONG_NUMBER = re.compile(r"-?\d+\.\d{3,}")
_FONT_SIZE = re.compile(r"font-size: ?([\d.]+)px")
_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')


def _short_number(match: re.Match[str]) -> str:
    text = f"{float(match.group(0)):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _tidy_attribute(match: re.Match[str]) -> str:
    """Round long numbers to 0.01 pt and fold the line breaks matplotlib puts in path data."""
    name, value = match.groups()
    value = " ".join(_LONG_NUMBER.sub(_short_number, value).split())
    return f'{name}="{value}"'


def figure_svg(fig: Figure) -> str:
    """Return ``fig`` as a deterministic, trimmed SVG document with a transparent background."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "ccg-leadership"}):
        fig.savefig(
            buffer,
            format="svg",
            transparent=True,
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # a page-wide `*{...}` rule once inline: its two properties go on the root instead (inherited)
    svg = re.sub(r'<style type="text/css">[^<]*</style>', "", svg)
    svg = re.sub(r'\s*transform="rotate\(-0 [^"]*\)"', "", svg)
    svg = svg.replace(" font-family: 'DejaVu Sans';", "")
    svg = _ATTRIBUTE.sub(_tidy_attribute, svg)
    referenced = {name for _, name in _REFERENCE.findall(svg)}
    svg = _ID.sub(lambda m: m.group(0) if m.group(1) in referenced else "", svg)
    svg = re.sub(r">\s+<", "><", svg)
    return re.sub(r"<defs></defs>|<g></g>", "", svg).strip()


def _size(svg: str) -> tuple[float, float]:
    """Return the (width, height) of an SVG's viewBox."""
    view_box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if view_box is None:
        raise ValueError("SVG without a viewBox")
    return float(view_box.group(1)), float(view_box.group(2))


def compose(chart: str, lines: list[str], margin: float, strip: float, font_size: float) -> str:
    """Return one SVG: ``chart`` inside a ``margin`` with ``lines`` of provenance text under it.

    ``lines`` are centred in a strip ``strip`` high, at matplotlib's line spacing (1.2); sizes in pt.

    The background stays transparent: the page's panel is white (``ccg_book/static/charts.css``).
    """
    width, height = _size(chart)
    outer_w, outer_h = width + 2 * margin, margin + height + strip + margin
    # the inner size in user units (pt here): "540pt" inside the outer viewBox would mean 720 units
    size = f'width="{width:g}" height="{height:g}"'
    inner = re.sub(r'width="[\d.]+pt" height="[\d.]+pt"', size, chart, count=1)
    inner = inner.replace("<svg ", f'<svg x="{margin:g}" y="{margin:g}" overflow="visible" ', 1)
    pitch = 1.2 * font_size
    top = margin + height + (strip - pitch * len(lines)) / 2 + 0.8 * font_size  # first baseline
    left = margin + 0.01 * width
    text = "".join(
        f'<text x="{left:.2f}" y="{top + pitch * i:.2f}">{html.escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{outer_w:.2f}pt" height="{outer_h:.2f}pt" viewBox="0 0 {outer_w:.2f} {outer_h:.2f}" '
        f'font-family="{html.escape(FONT_STACK)}" stroke-linejoin="round" stroke-linecap="butt">'
        f"{inner}"
        f'<g style="font-size: {font_size:g}px; font-style: italic; fill: #505a5f">{text}</g></svg>'
    )


def prefix_ids(svg: str) -> str:
    """Prefix every id of ``svg`` and every reference to it with a prefix derived from its bytes."""
    prefix = "c" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"
    svg = _ID.sub(lambda m: f' id="{prefix}{m.group(1)}"', svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


def smallest_font(svg: str) -> float:
    """Return the smallest font size in ``svg``, in its user units."""
    sizes = [float(size) for size in _FONT_SIZE.findall(svg)]
    if not sizes:
        raise ValueError("SVG without text")
    return min(sizes)


def min_width_px(svg: str) -> int:
    """Return the narrowest CSS width at which the smallest text of ``svg`` is MIN_TEXT_PX tall."""
    return math.ceil(MIN_TEXT_PX * _size(svg)[0] / smallest_font(svg))


def chart_html(svg: str, alt: str, label: str) -> str:
    """Return the page markup of a chart: the SVG as an image named ``alt``, in a scrollable panel.

    Where the column is narrower than :func:`min_width_px`, the chart keeps that width and scrolls
    sideways inside its panel (focusable, named by ``label``), under a hint shown only then.
    """
    image = svg.replace(
        "<svg ",
        f'<svg class="ccg-chart-svg" role="img" aria-label="{html.escape(alt)}" '
        f'style="--ccg-chart-min-width: {min_width_px(svg)}px" ',
        1,
    )
    return (
        f"{CHART_MARKUP_START}"
        '<p class="ccg-chart-hint" aria-hidden="true">Scroll the chart sideways to see all of it.</p>'
        '<div class="ccg-chart-frame">'
        f'<div class="ccg-chart-scroll" role="region" tabindex="0" aria-label="{html.escape(label)}">'
        f"{image}</div></div></div>"
    )
