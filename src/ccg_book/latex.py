"""The PDF edition's rendering of cell outputs that only a browser can show.

Enable with ``sphinx.extra_extensions: [ccg_book.latex]``. In LaTeX builds (``scripts/pdf.sh``), before
myst-nb picks one MIME type per output (its ``SelectMimeType`` post-transform, priority 4), this
post-transform replaces:

- each output that has an HTML representation (the book's tables, the provenance legend) by docutils
  nodes built from that HTML: tables become real tables (the ``<summary>``/``<caption>`` before them
  their title), paragraphs and lists stay paragraphs and lists, and every label (provenance badges
  included) stays as its words;
- each interactive widget (the survey explorer) by a sentence pointing to the website;
- the code of cells tagged ``hide-input`` or ``hide-cell`` (folded away on the site) is left out, as
  a printed report shows the result, not the code behind it.

HTML builds are untouched.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

WIDGET = "application/vnd.jupyter.widget-view+json"
HIDDEN_INPUT = {"input", "input+output", "all"}  # myst-nb's hide_mode of hide-input/-cell tags
BLOCKS = {"p", "div", "details", "summary", "caption", "li", "h1", "h2", "h3", "h4", "figcaption"}
WIDGET_TEXT = (
    "This part of the page is interactive and is not reproduced in the PDF edition: the book's "
    "website offers it, with every view it can show."
)


class _Element:
    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag, self.attrs = tag, attrs
        self.children: list[_Element | str] = []

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join("".join(parts).split()) if self.tag != "br" else " "


class _TreeBuilder(HTMLParser):
    VOID = {"br", "img", "hr", "meta", "input", "col", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Element("root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = _Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        if tag not in self.VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> _Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _inline(element: _Element | str) -> list[nodes.Node]:
    if isinstance(element, str):
        return [nodes.Text(re.sub(r"\s+", " ", element))] if element else []
    inner = [n for child in element.children for n in _inline(child)]
    if element.tag in {"em", "i"}:
        return [nodes.emphasis("", "", *inner)]
    if element.tag in {"strong", "b", "th"}:
        return [nodes.strong("", "", *inner)]
    if element.tag in {"code", "kbd"}:
        return [nodes.literal("", element.text())]
    if element.tag == "br":
        return [nodes.Text(" ")]
    return inner


def _paragraph(element: _Element) -> nodes.paragraph | None:
    text = element.text()
    if not text:
        return None
    paragraph = nodes.paragraph("", "", *_inline(element))
    return paragraph


def _rows(table: _Element) -> tuple[list[list[_Element]], list[list[_Element]]]:
    """Header rows and body rows of a table, each a list of its cells."""
    head: list[list[_Element]] = []
    body: list[list[_Element]] = []

    def walk(element: _Element, section: str) -> None:
        for child in element.children:
            if isinstance(child, str):
                continue
            if child.tag == "tr":
                cells = [c for c in child.children if isinstance(c, _Element) and c.tag in {"th", "td"}]
                all_th = bool(cells) and all(c.tag == "th" for c in cells)
                in_head = section == "thead" or (section != "tbody" and all_th)
                (head if in_head and not body else body).append(cells)
            elif child.tag in {"thead", "tbody", "tfoot"}:
                walk(child, child.tag)
            elif child.tag != "caption":
                walk(child, section)

    walk(table, "")
    return head, body


def _table(table: _Element, title: str | None) -> nodes.table | None:
    head, body = _rows(table)
    width = max((sum(int(c.attrs.get("colspan") or 1) for c in row) for row in head + body), default=0)
    if not width or not body:
        return None
    # Column widths in proportion to each column's longest text (capped), so every column wraps
    # within the page instead of running off it.
    longest = [4] * width
    for row in head + body:
        for index, cell in enumerate(row[:width]):
            words = cell.text().split() or [""]
            unbreakable = round(1.4 * max(map(len, words))) + 2  # bold headers are wider than body text
            longest[index] = max(longest[index], min(len(cell.text()), 30), unbreakable)
    node = nodes.table(classes=["colwidths-given", *(["longtable"] if len(body) > 25 else [])])
    caption = next((c for c in table.children if isinstance(c, _Element) and c.tag == "caption"), None)
    title = caption.text() if caption is not None else title
    if title:
        node += nodes.title("", title)
    group = nodes.tgroup(cols=width)
    node += group
    for size in longest:
        group += nodes.colspec(colwidth=size)

    def row_node(cells: list[_Element]) -> nodes.row:
        row = nodes.row()
        used = 0
        for cell in cells:
            span = int(cell.attrs.get("colspan") or 1)
            entry = nodes.entry(morecols=span - 1) if span > 1 else nodes.entry()
            entry += nodes.paragraph("", "", *_inline(cell))
            row += entry
            used += span
        for _ in range(width - used):
            row += nodes.entry("", nodes.paragraph())
        return row

    if head:
        group += nodes.thead("", *[row_node(r) for r in head])
    group += nodes.tbody("", *[row_node(r) for r in body])
    return node


def html_to_nodes(html: str) -> list[nodes.Node]:
    """Docutils nodes for an HTML output: tables, lists and paragraphs, every word kept."""
    result: list[nodes.Node] = []
    pending_title: list[str] = []

    def walk(element: _Element) -> None:
        inline: list[_Element | str] = []

        def flush() -> None:
            holder = _Element("p", {})
            holder.children = inline[:]
            inline.clear()
            paragraph = _paragraph(holder)
            if paragraph is not None:
                result.append(paragraph)

        for child in element.children:
            if isinstance(child, str) or child.tag not in BLOCKS | {"table", "ul", "ol", "style", "script"}:
                inline.append(child)
                continue
            flush()
            if child.tag in {"style", "script"}:
                continue
            if child.tag in {"summary", "caption"}:
                pending_title.append(child.text())
            elif child.tag == "table":
                title = pending_title.pop() if pending_title else None
                table = _table(child, title)
                if table is not None:
                    result.append(table)
            elif child.tag in {"ul", "ol"}:
                items = [c for c in child.children if isinstance(c, _Element) and c.tag == "li"]
                listing = nodes.bullet_list() if child.tag == "ul" else nodes.enumerated_list()
                for item in items:
                    listing += nodes.list_item("", nodes.paragraph("", "", *_inline(item)))
                result.append(listing)
            else:
                walk(child)
        flush()

    walk(parse_html(html))
    for title in pending_title:  # a summary with no table after it still says something
        result.append(nodes.paragraph("", "", nodes.strong("", title)))
    return result


class PrintableOutputs(SphinxPostTransform):
    """LaTeX only: HTML outputs become docutils nodes; widgets become a pointer to the website."""

    default_priority = 3  # before myst-nb's SelectMimeType (4) drops the HTML
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for cell in list(self.document.findall(nodes.container)):
            if cell.get("nb_element") == "cell_code" and cell.get("hide_mode") in HIDDEN_INPUT:
                for source in [c for c in cell.children if c.get("nb_element") == "cell_code_source"]:
                    cell.remove(source)
        for bundle in list(self.document.findall(nodes.container)):
            if bundle.get("nb_element") != "mime_bundle":
                continue
            by_type = {child.get("mime_type"): child for child in bundle.children}
            if WIDGET in by_type:
                bundle.replace_self(nodes.paragraph("", "", nodes.emphasis("", WIDGET_TEXT)))
            elif "text/html" in by_type and not {"image/png", "image/svg+xml"} & by_type.keys():
                raw = "".join(n.astext() for n in by_type["text/html"].findall(nodes.raw))
                converted = html_to_nodes(raw)
                if converted:
                    bundle.replace_self(converted)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the post-transform (it acts in LaTeX builds only)."""
    app.add_post_transform(PrintableOutputs)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
