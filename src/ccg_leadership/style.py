"""The book's one plotting style: palette, fonts, headline titles, and image output.

Every chart in the book is drawn through this module, so a change here restyles the whole book.
Convention: a *headline* title that states the message, a smaller *subtitle* with the statistical
detail (base n, wave, interval method), and alt text that travels with the image.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported lazily: matplotlib costs start-up time
    from matplotlib.figure import Figure

# UK Government Analysis Function categorical palette (accessible order; >= 3:1 between neighbours
# when used in this order on white, see tests/test_style.py).
PALETTE: tuple[str, ...] = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
NEUTRAL = "#BFBFBF"
TEXT = "#0B0C0C"
FONT_FAMILY = "DejaVu Sans"
DPI = 200  # high-DPI PNG; pages scale it down to the column width


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


def new_figure(width: float = 7.5, height: float = 3.6) -> tuple[Figure, object]:
    """Return a styled (figure, axes) pair in inches."""
    apply()
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def headline(fig: Figure, title: str, subtitle: str = "") -> None:
    """Put the message title and the statistical subtitle at the top left of ``fig``."""
    fig.suptitle(title, x=0.01, ha="left", fontsize=12, fontweight="bold", color=TEXT)
    if subtitle:
        fig.axes[0].set_title(subtitle, loc="left", fontsize=9, fontweight="normal", color="#505A5F")


@dataclass(frozen=True)
class ChartImage:
    """A finished chart: PNG bytes plus the alt text that travels with them.

    Displaying or glueing it yields an ``image/png`` output whose PNG ``Description`` chunk holds
    the alt text; the book's Sphinx extension copies that into the ``alt`` attribute of the page.
    """

    png: bytes
    alt: str

    def _repr_png_(self) -> bytes:
        return self.png


def finish(fig: Figure, alt: str) -> ChartImage:
    """Render ``fig`` to a deterministic PNG carrying ``alt``, close it, and return a ChartImage."""
    import matplotlib.pyplot as plt

    if not alt.strip():
        raise ValueError("every chart needs alt text")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None, "Description": alt})
    plt.close(fig)
    return ChartImage(png=buffer.getvalue(), alt=alt)


def read_alt(png: bytes) -> str:
    """Return the alt text stored in a PNG written by :func:`finish` ('' if none)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return str(image.text.get("Description", "")) if hasattr(image, "text") else ""
