"""ccg_book.latex: HTML outputs become docutils tables and paragraphs for the PDF edition (no TeX needed)."""

from __future__ import annotations

from docutils import nodes

from ccg_book import latex

HTML = """
<details class='table-behind'><summary>Table behind the figure: who sets the vision</summary>
<p class="table-provenance"><em>Provenance:</em> <span class="provenance provenance-derived">Computed
from reconstructed data</span> for every row.</p>
<table class="dataframe"><thead><tr><th>Wave</th><th>Answer</th><th colspan="2">Share</th></tr></thead>
<tbody><tr><td>2014</td><td>Mainly managers</td><td>30</td><td>%</td></tr>
<tr><td>2016</td><td>Mainly managers &amp; others</td><td>18</td><td>%</td></tr></tbody></table>
</details>
<ul><li>first point</li><li>second <code>point_name</code></li></ul>
"""


def test_html_table_becomes_a_titled_table_with_every_cell() -> None:
    converted = latex.html_to_nodes(HTML)
    [table] = [n for n in converted if isinstance(n, nodes.table)]
    assert table.next_node(nodes.title).astext() == "Table behind the figure: who sets the vision"
    group = table.next_node(nodes.tgroup)
    assert group["cols"] == 4
    head = [e.astext() for e in table.next_node(nodes.thead).findall(nodes.entry)]
    assert head == ["Wave", "Answer", "Share"]
    rows = [[e.astext() for e in row.findall(nodes.entry)] for row in table.next_node(nodes.tbody).children]
    assert rows == [["2014", "Mainly managers", "30", "%"], ["2016", "Mainly managers & others", "18", "%"]]
    widths = [c["colwidth"] for c in group.findall(nodes.colspec)]
    assert widths[1] > widths[0]  # the answer column is wider than the year column


def test_words_around_the_table_are_kept() -> None:
    converted = latex.html_to_nodes(HTML)
    text = " ".join(n.astext() for n in converted)
    assert "Provenance: Computed from reconstructed data for every row." in " ".join(text.split())
    [listing] = [n for n in converted if isinstance(n, nodes.bullet_list)]
    assert [item.astext() for item in listing.children] == ["first point", "second point_name"]


def test_markup_without_a_table_is_a_paragraph() -> None:
    [paragraph] = latex.html_to_nodes("<div><b>Reported</b> by the study</div>")
    assert isinstance(paragraph, nodes.paragraph)
    assert paragraph.astext() == "Reported by the study"
    assert isinstance(paragraph.children[0], nodes.strong)
