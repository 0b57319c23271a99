"""The book's one plotting style: palette, fonts, headline titles, and image output.

Every chart in the book is drawn through this module, so a change here restyles the whole book.
Convention: a *headline* title that states the message, a smaller *subtitle* with the statistical
detail (base n, wave, interval method), and alt text that travels with the image.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, PngImagePlugin

from . import chart_svg

if TYPE_CHECKING:  # imported lazily: matplotlib costs start-up time
    from collections.abc import Sequence

    from matplotlib.figure import Figure

# UK Government Analysis Function categorical palette (accessible order; >= 3:1 between neighbours
# when used in this order on white, see tests/test_style.py).
PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
NEUTRAL = "#BFBFBF"
# Diverging palette for five-point scales, from the lowest point (1) to the highest (5). The middle
# point is NEUTRAL and is meant to be drawn apart from the others (its own panel), so the stacked
# neighbours are 1-2 and 4-5, each >= 3:1 apart; 2 and 4 meet only across the chart's zero line.
DIVERGING_5: tuple[str, ...] = ("#8A3B0E", "#F5B48A", NEUTRAL, "#9DC3E6", "#12436D")
TEXT = "#0B0C0C"
FONT_FAMILY = "DejaVu Sans"
DPI = 150  # a full-width chart is 1,125 px wide, about 1.5x its on-screen width in the page column


def rc_params() -> dict[str, object]:
    """Return the matplotlib rcParams of the house style."""
    return {
        "font.family": FONT_FAMILY,
        "font.size": 10,
        "axes.titlesize": 12,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 10,
        "axes.edgecolor": TEXT,
        "axes.labelcolor": TEXT,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": __import__("cycler").cycler(color=list(PALETTE)),
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "text.color": TEXT,
        "legend.frameon": False,
        "figure.dpi": 100,
        "savefig.dpi": DPI,
        "svg.hashsalt": "ccg-leadership",  # deterministic SVG ids
        "path.simplify": True,
    }


def apply() -> None:
    """Apply the house style to matplotlib globally."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams.update(rc_params())


def new_figure(
    width: float = 7.5, height: float = 3.6, ncols: int = 1, width_ratios: Sequence[float] | None = None
) -> tuple[Figure, object]:
    """Return a styled (figure, axes) pair in inches; with ``ncols`` > 1 the axes come as an array."""
    apply()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, ncols, figsize=(width, height), layout="constrained", width_ratios=width_ratios)
    return fig, ax


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a colour (any matplotlib colour spec)."""
    from matplotlib.colors import to_rgb

    channels = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours (1 to 21)."""
    low, high = sorted((relative_luminance(first), relative_luminance(second)))
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill: str) -> str:
    """Return white or the house text colour, whichever contrasts more with ``fill``."""
    return "white" if contrast_ratio(fill, "white") >= contrast_ratio(fill, TEXT) else TEXT


def headline(fig: Figure, title: str, subtitle: str = "", *, wrap: bool = False) -> None:
    """Put the message title and the statistical subtitle at the top left of ``fig``.

    ``wrap`` lets matplotlib wrap both texts to stay inside the figure.
    """
    title_text = fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", color=TEXT)
    if subtitle:
        fig.axes[0].set_title(subtitle, loc="left", fontsize=9, fontweight="normal", color="#505A5F")
    if wrap:
        title_text.set_wrap(True)
        fig.axes[0].title.set_wrap(True)


@dataclass(frozen=True)
class ChartImage:
    """A finished chart: a PNG and an SVG of it, plus the alt text that travels with them.

    Displaying or glueing it yields two outputs. ``text/html`` is the web page's chart: the SVG
    inline, its labels real text, named by the alt text (:func:`chart_svg.chart_html`); HTML
    builders prefer it. ``image/png`` is for builders that take no HTML (the LaTeX/PDF edition):
    its ``Description`` chunk holds the alt text, which the book's Sphinx extension copies onto the
    ``<img>``.
    """

    png: bytes
    alt: str
    svg: str = ""
    label: str = "Chart"

    def _repr_png_(self) -> bytes:
        return self.png

    def _repr_html_(self) -> str | None:
        return chart_svg.chart_html(self.svg, self.alt, self.label) if self.svg else None


RECONSTRUCTED = (
    "Reconstructed data: computed by this edition of Storey et al. (2018) from respondent data built to "
    "match the report's published results where it gives them; every other value, and every n, count "
    "and interval, is illustrative."
)
"""Provenance line of a chart computed from the reconstructed survey data."""
PLACEHOLDER_CASES = (
    "Illustrative: drawn from this edition's placeholder case records (an edition of Storey et al., "
    "2018); not the study's cases."
)
"""Provenance line of a chart drawn from the case records."""


MARGIN_IN = 0.12
"""White margin added around every chart image, in inches (titles clear of the panel's edge)."""

LINE_HEIGHT_IN = 0.17
"""Height of one line of the provenance strip, in inches."""


STRIP_FONT_SIZE = 7.5
"""Font size of the provenance strip, in points."""


def strip_lines(text: str, width_px: int) -> list[str]:
    """Return ``text`` wrapped into the lines of a provenance strip ``width_px`` wide (at DPI)."""
    return textwrap.wrap(text, width=max(20, int(width_px / DPI / 0.056)), break_on_hyphens=False)


def strip_height_in(lines: int) -> float:
    """Return the height of a provenance strip of ``lines`` lines, in inches."""
    return LINE_HEIGHT_IN * lines + 0.1


def provenance_strip(text: str, width_px: int) -> Image.Image:
    """Render ``text`` as a strip ``width_px`` wide in the house style (small grey italics, wrapped)."""
    import matplotlib.pyplot as plt

    apply()
    lines = strip_lines(text, width_px)
    fig = plt.figure(figsize=(width_px / DPI, strip_height_in(len(lines))))
    fig.text(
        0.01,
        0.5,
        "\n".join(lines),
        ha="left",
        va="center",
        fontsize=STRIP_FONT_SIZE,
        color="#505A5F",
        style="italic",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    plt.close(fig)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")


def finish(fig: Figure, alt: str, source: str) -> ChartImage:
    """Render ``fig`` to a deterministic PNG carrying ``alt`` and an SVG, close it, return both.

    ``source`` is the chart's provenance line: drawn in a strip under the chart, inside the image (so
    a copied chart keeps it), and repeated at the end of the alt text. The SVG has the same margin
    and strip, drawn as text.
    """
    import matplotlib.pyplot as plt

    if not alt.strip():
        raise ValueError("every chart needs alt text")
    if not source.strip():
        raise ValueError("every chart needs its provenance line")
    if source not in alt:
        alt = f"{alt.rstrip()} {source}"
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    svg = chart_svg.figure_svg(fig)
    label = f"Chart: {fig.get_suptitle() or alt.split('. ')[0]}"
    plt.close(fig)
    chart = Image.open(io.BytesIO(buffer.getvalue())).convert("RGBA")
    pad = round(MARGIN_IN * DPI)  # white margin, so nothing touches the panel's edge on a dark page
    strip = provenance_strip(source, chart.width)
    image = Image.new("RGBA", (chart.width + 2 * pad, pad + chart.height + strip.height + pad), "white")
    image.paste(chart, (pad, pad))
    image.paste(strip, (pad, pad + chart.height))
    info = PngImagePlugin.PngInfo()
    info.add_text("Description", alt)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info, dpi=(DPI, DPI))
    lines = strip_lines(source, chart.width)
    strip_pt = strip_height_in(len(lines)) * 72
    composed = chart_svg.compose(svg, lines, MARGIN_IN * 72, strip_pt, STRIP_FONT_SIZE)
    return ChartImage(png=out.getvalue(), alt=alt, svg=chart_svg.prefix_ids(composed), label=label)


def read_alt(png: bytes) -> str:
    """Return the alt text stored in a PNG written by :func:`finish` ('' if none)."""
    with Image.open(io.BytesIO(png)) as image:
        return str(image.text.get("Description", "")) if hasattr(image, "text") else ""
