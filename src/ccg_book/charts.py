"""Inline SVG charts (``ccg_leadership.chart_svg``) in HTML builds.

- The chart stylesheet, ``charts.css`` (kept in this package's ``static/`` folder, outside the book's
  ``_static/`` whose stylesheets Jupyter Book links from every page), is linked from the pages that
  show a chart, and only from them.
- A chart's markup is written as it is but kept out of the search index: Sphinx indexes raw HTML by
  deleting its tags, which runs the chart's labels together into made-up words ("bodies2014") and
  makes the index, loaded by every page, heavier. The labels stay findable on the page itself; the
  numbers are in the prose and the tables behind the charts, which the index keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from ccg_leadership.chart_svg import CHART_MARKUP_START

STATIC = Path(__file__).parent / "static"
STYLESHEET = "charts.css"


class chart(nodes.General, nodes.Element):  # noqa: N801 - docutils names node classes in lower case
    """A chart's page markup (attribute ``html``), written verbatim; no text for the search index."""


class InlineCharts(SphinxPostTransform):
    """HTML builds: the raw HTML output of each chart becomes a :class:`chart` node."""

    default_priority = 10  # after myst-nb has picked each output's MIME type (priority 4)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for raw in list(self.document.findall(nodes.raw)):
            text = raw.astext()
            if "html" in raw.get("format", "").split() and text.lstrip().startswith(CHART_MARKUP_START):
                raw.replace_self(chart("", html=text, classes=list(raw["classes"])))


def visit_chart(translator: Any, node: chart) -> None:
    translator.body.append(translator.starttag(node, "div", suffix=""))
    translator.body.append(node["html"])
    translator.body.append("</div>")
    raise nodes.SkipNode


def link_stylesheet(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Link the chart stylesheet from a page that shows a chart."""
    if doctree is not None and next(iter(doctree.findall(chart)), None) is not None:
        app.add_css_file(STYLESHEET)


def add_static_folder(app: Sphinx) -> None:
    """Copy ``static/`` into the site's ``_static`` (without linking its stylesheet from every page)."""
    if str(STATIC) not in app.config.html_static_path:
        app.config.html_static_path.append(str(STATIC))


def setup(app: Sphinx) -> None:
    """Register the node, the post-transform and the handlers."""
    app.add_node(chart, html=(visit_chart, None))
    app.add_post_transform(InlineCharts)
    app.connect("builder-inited", add_static_folder)
    app.connect("html-page-context", link_stylesheet)
