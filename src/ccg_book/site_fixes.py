"""Build-time fixes to the published HTML: accessibility and assets the book does not use.

Each fix is small, named for what it repairs, and checked by the browser tests in ``tests/site/``:

- ``drop_thebe``: Jupyter Book always loads sphinx-thebe, even with ``launch_buttons.thebe: false``;
  its inline config and ``sphinx-thebe.js`` both declare ``THEBE_JS_URL`` (a console error on every page)
  and would fetch thebe from unpkg.com. The book has no live kernels, so its assets and doctree nodes go.
- ``fix_table_headers``: pandas writes empty ``<th>`` cells (the index corner, the index-name row);
  screen readers announce them as unnamed headers (axe ``empty-table-header``). They become ``<td>``,
  and header cells get an explicit ``scope``.
- ``label_toctree_toggles``: the theme's sidebar expands a chapter's sections with a ``<summary>`` that
  holds only a chevron icon, so it has no accessible name (axe ``summary-name``, WCAG 4.1.2). Each gets
  an ``aria-label`` naming the chapter whose sections it shows (called from the template, see below).
- ``stable_widget_ids``: ipywidgets names each widget model with a random UUID, so a page with
  widgets differed on every build (tests/test_reproducible.py). The page's widget state and widget
  views are written as sorted-key JSON (a notebook read back from the execution cache has its keys
  sorted, a freshly executed one does not), and model ids are renamed, consistently, to ids derived
  from the page name and the widgets' structure (depth-first from the views in page order), so a
  cold build and a rebuild from the cache give the same page.
- ``drop_unused_design_assets``: sphinx-design's stylesheet and tab script (about 62 kB) load on every
  page; pages whose body uses no sphinx-design component (no ``sd-`` class) no longer load them.
- ``palette_pngs``: chart PNGs are written as 24/32-bit images with a few hundred to a few thousand
  colours (anti-aliasing). After the build, each opaque PNG in ``_images`` is stored with a 256-colour
  palette made of its 256 most frequent colours, kept exactly (backgrounds, text, every category
  colour); rarer edge shades map to the nearest palette colour (about 1 % of pixels). Charts shrink by
  about two thirds, text chunks (the alt text) are kept, and the result is deterministic. Sphinx copies
  the original images again on every build, so each result is kept beside the doctrees under the
  SHA-256 of the original and reused (re-quantising all charts cost ~1.7 s of every rebuild).
- ``fix_bibliography_roles``: docutils marks citations ``role="doc-biblioentry"`` inside a
  ``role="list"``; that role is deprecated and breaks the list's required children (axe
  ``aria-required-children``, critical). Entries become ``role="listitem"``.

The theme's 1.4 MB ``fontawesome.js`` is dropped by ``_templates/layout.html``: the theme's CSS already
draws the same icons from its self-hosted web fonts.

The sidebar labels are applied by ``_templates/sbt-sidebar-nav.html`` (the theme's own template,
overridden), which passes the theme's navigation HTML through :func:`label_toggles`; the
site's ``index.html`` (a titled, linked redirect to the root page) is a static file under
``html_extra_path`` (``_extra/index.html``), so sphinx-external-toc's bare redirect is never written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from html import escape as html_escape
from html import unescape as html_unescape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

THEBE_MARKERS = ("text/x-thebe-config", "kernelName =", "THEBE_JS_URL")

_DATAFRAME = re.compile(r'<table[^>]*class="[^"]*\bdataframe\b[^"]*"[^>]*>.*?</table>', re.S)
_EMPTY_TH = re.compile(r"<th(\s[^>]*)?>\s*</th>")
_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_TBODY = re.compile(r"<tbody>.*?</tbody>", re.S)
_PLAIN_TH = re.compile(r"<th(?![^>]*\bscope=)(\s[^>]*)?>")
_TOGGLE = re.compile(
    r'<a class="[^"]*\breference\b[^"]*"[^>]*>(?P<title>.*?)</a>\s*<details(?P<attrs>[^>]*)>\s*<summary>',
    re.S,
)
_BARE_SUMMARY = re.compile(r"<summary>(?=\s*<span class=\"toctree-toggle\")")
_TAG = re.compile(r"<[^>]+>")
WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"
_MODEL_REF = re.compile(r"IPY_MODEL_([0-9a-f]{32})")
_WIDGET_VIEW = re.compile(
    r'(<script type="application/vnd\.jupyter\.widget-view\+json">)(.*?)(</script>)', re.S
)


DESIGN_ASSETS = ("sphinx-design", "design-tabs")


def is_design_asset(asset: Any) -> bool:
    """True for sphinx-design's stylesheet or tab script."""
    filename = str(getattr(asset, "filename", asset) or "")
    return any(name in filename for name in DESIGN_ASSETS)


def is_thebe_asset(asset: Any) -> bool:
    """True for a sphinx-thebe script or stylesheet entry of a page's ``script_files``/``css_files``."""
    filename = str(getattr(asset, "filename", asset) or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in filename.lower() or any(marker in body for marker in THEBE_MARKERS)


def drop_thebe_nodes(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the raw HTML nodes sphinx-thebe appends to every doctree (its config and kernel name)."""
    for raw in list(doctree.findall(nodes.raw)):
        if any(marker in raw.astext() for marker in THEBE_MARKERS):
            raw.parent.remove(raw)


def fix_table_headers(html: str) -> str:
    """Turn empty header cells of pandas tables into data cells and give header cells a scope."""

    def one_table(match: re.Match[str]) -> str:
        table = _EMPTY_TH.sub(lambda m: f"<td{m.group(1) or ''}></td>", match.group(0))
        table = _THEAD.sub(lambda m: _PLAIN_TH.sub(r'<th scope="col"\1>', m.group(0)), table)
        return _TBODY.sub(lambda m: _PLAIN_TH.sub(r'<th scope="row"\1>', m.group(0)), table)

    return _DATAFRAME.sub(one_table, html)


def label_toctree_toggles(html: str) -> str:
    """Name each icon-only ``<summary>`` of the sidebar after the chapter whose sections it expands."""

    def one(match: re.Match[str]) -> str:
        title = html_escape(html_unescape(_TAG.sub("", match.group("title"))).strip(), quote=True)
        head = match.group(0)[: match.start("attrs") - match.start(0)]
        return f'{head}{match.group("attrs")}><summary aria-label="Sections of {title}">'

    html = _TOGGLE.sub(one, html)
    return _BARE_SUMMARY.sub('<summary aria-label="Show or hide sections">', html)


def label_toggles_in_soup(soup: Any) -> None:
    """Same as :func:`label_toctree_toggles`, on the BeautifulSoup tree the theme returns."""
    for summary in soup.select("details > summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        item = summary.parent.parent
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Sections of {title}" if title else "Show or hide sections"


def label_toggles(navigation: Any) -> Any:
    """Label the toggles of the theme's navigation, a string or the BeautifulSoup tree it returns."""
    if isinstance(navigation, str):
        return type(navigation)(label_toctree_toggles(navigation))
    if hasattr(navigation, "select"):  # what pydata-sphinx-theme 0.17 returns
        label_toggles_in_soup(navigation)
    return navigation


def stable_widget_ids(pagename: str, models: dict[str, Any], views: list[str]) -> dict[str, str]:
    """Map each widget model id to an id that depends only on the page and the widgets' structure.

    The order does not depend on the random ids, nor on how the state's keys happen to be ordered
    (a notebook read back from the execution cache has its keys sorted; a freshly executed one does
    not): models are numbered depth-first from the views in page order, following references in the
    sorted-key JSON of each model; models nothing refers to (links between widgets) follow, in the
    order of their JSON with known ids renamed and unknown ones blanked.
    """
    mapping: dict[str, str] = {}

    def visit(model_id: str) -> None:
        if model_id in mapping or model_id not in models:
            return
        mapping[model_id] = hashlib.sha256(f"{pagename}:{len(mapping)}".encode()).hexdigest()[:32]
        for ref in _MODEL_REF.findall(json.dumps(models[model_id], sort_keys=True)):
            visit(ref)

    for view in views:
        visit(view)
    while len(mapping) < len(models):
        rest = sorted(
            (
                _MODEL_REF.sub(lambda m: mapping.get(m.group(1), "?"), json.dumps(models[i], sort_keys=True)),
                i,
            )
            for i in models
            if i not in mapping
        )
        visit(rest[0][1])
    return mapping


def canonical_widget_views(body: str) -> str:
    """Write each widget view's JSON with sorted keys (cached and fresh notebooks order them differently)."""
    return _WIDGET_VIEW.sub(
        lambda m: m.group(1) + json.dumps(json.loads(m.group(2)), sort_keys=True) + m.group(3), body
    )


def canonical_widget_state(pagename: str, state_json: str, body: str) -> tuple[str, dict[str, str]]:
    """Return the page's widget state as sorted-key JSON with stable model ids, and the id mapping."""
    state = json.loads(state_json)
    views = [json.loads(m.group(2)).get("model_id", "") for m in _WIDGET_VIEW.finditer(body)]
    mapping = stable_widget_ids(pagename, state.get("state", {}), views)
    renamed = json.loads(rename_ids(json.dumps(state), mapping))  # sorted by the new ids, not the random ones
    return json.dumps(renamed, sort_keys=True).replace("</script>", r"<\/script>"), mapping


def rename_ids(text: str, mapping: dict[str, str]) -> str:
    """Replace every id of ``mapping`` in ``text`` (one pass, so renamed ids are never renamed again)."""
    if not mapping:
        return text
    pattern = re.compile("|".join(map(re.escape, mapping)))
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def fix_bibliography_roles(html: str) -> str:
    """Give citation entries the ``listitem`` role their ``role="list"`` container requires."""
    return html.replace('role="doc-biblioentry"', 'role="listitem"')


def provide_toggle_labeller(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """Give the templates ``ccg_label_toggles`` (used by ``_templates/sbt-sidebar-nav.html``).

    Connected early: pydata-sphinx-theme renders the sidebar templates in its own handler.
    """
    context["ccg_label_toggles"] = label_toggles


def fix_page(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    """Apply the fixes to one page's assets and body before the theme renders it."""
    body = context.get("body")
    uses_design = not isinstance(body, str) or 'class="sd-' in body or " sd-" in body
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [
                asset
                for asset in context[key]
                if not is_thebe_asset(asset) and (uses_design or not is_design_asset(asset))
            ]
    mapping: dict[str, str] = {}
    for asset in context.get("script_files", []):
        attributes = getattr(asset, "attributes", None)
        if isinstance(attributes, dict) and attributes.get("type") == WIDGET_STATE_TYPE:
            state, ids = canonical_widget_state(pagename, str(attributes.get("body", "")), str(body or ""))
            attributes["body"] = state
            mapping.update(ids)
    if isinstance(body, str):
        body = canonical_widget_views(body) if mapping else body
        context["body"] = rename_ids(fix_bibliography_roles(fix_table_headers(body)), mapping)


def palette_png(path: Path) -> bool:
    """Rewrite an opaque RGB(A) PNG with a palette of its 256 most frequent colours, if smaller."""
    import io

    import numpy as np
    from PIL import Image, PngImagePlugin

    with Image.open(path) as image:
        image.load()
        if image.mode not in ("RGB", "RGBA"):
            return False
        if image.mode == "RGBA" and image.getchannel("A").getextrema() != (255, 255):
            return False  # transparency would be lost
        rgb = np.asarray(image.convert("RGB"))
        info = {k: v for k, v in image.info.items() if isinstance(v, str)}
        dpi = image.info.get("dpi")
    packed = (rgb[..., 0].astype(np.int32) << 16) | (rgb[..., 1].astype(np.int32) << 8) | rgb[..., 2]
    colours, inverse, counts = np.unique(packed.ravel(), return_inverse=True, return_counts=True)
    palette = colours[np.lexsort((colours, -counts))[:256]]

    def channels(values: Any) -> Any:
        return np.stack([(values >> 16) & 255, (values >> 8) & 255, values & 255], axis=1).astype(np.int32)

    distance = ((channels(colours)[:, None, :] - channels(palette)[None, :, :]) ** 2).sum(axis=2)
    indices = distance.argmin(axis=1).astype(np.uint8)[inverse.ravel()].reshape(packed.shape)
    out = Image.fromarray(indices, "P")
    out.putpalette(channels(palette).astype(np.uint8).ravel().tolist())
    text = PngImagePlugin.PngInfo()
    for key, value in info.items():
        text.add_itxt(key, value)
    buffer = io.BytesIO()
    out.save(buffer, "PNG", optimize=True, pnginfo=text, **({"dpi": dpi} if dpi else {}))
    if buffer.tell() >= path.stat().st_size:
        return False
    path.write_bytes(buffer.getvalue())
    return True


def palette_pngs(app: Sphinx, exception: Exception | None) -> None:
    """After a successful HTML build, store the site's chart PNGs with a palette (see the module doc)."""
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    cache = palette_cache(app)
    outputs = _palette_outputs(cache)
    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        palette_png_cached(path, cache, outputs)


def palette_cache(app: Sphinx) -> Path:
    """The folder (beside the doctrees) keeping palettised charts under the SHA-256 of their original."""
    return Path(app.doctreedir).parent / ".ccg_palette"


def prepare_palette_pngs(app: Sphinx, doctree: nodes.document) -> None:
    """Palettise a page's PNGs into the cache as soon as the page is read.

    Pages are read (and their notebooks executed) in parallel processes, so the quantisation is
    spread over them instead of running one image after another at the end of the build, where the
    copies Sphinx has made into ``_images`` then only need the cached result.
    """
    if app.builder is None or app.builder.format != "html":
        return
    for node in doctree.findall(nodes.image):
        uri = str(node.get("uri", ""))
        path = Path(uri) if Path(uri).is_absolute() else Path(app.srcdir) / uri
        if path.suffix.lower() == ".png" and path.is_file():
            palettised(path.read_bytes(), palette_cache(app))


def palette_png_cached(path: Path, cache: Path, outputs: set[str] | None = None) -> None:
    """Apply :func:`palette_png` to ``path``, reusing the result stored for identical original bytes.

    ``outputs`` are the hashes of the cache's results (:func:`_palette_outputs`; read if not given).
    """
    original = path.read_bytes()
    key = hashlib.sha256(original).hexdigest()
    if key in (_palette_outputs(cache) if outputs is None else outputs):
        return  # already the palettised output of an earlier build
    result = palettised(original, cache, key)
    if result is not None:
        path.write_bytes(result)


def palettised(original: bytes, cache: Path, key: str | None = None) -> bytes | None:
    """Return the palettised version of PNG bytes (None if a palette does not make it smaller), cached.

    ``key`` is the SHA-256 of ``original`` if the caller has it. Safe when several reader processes
    palettise the same image: each works on its own temporary file, moved into place atomically.
    """
    key = key or hashlib.sha256(original).hexdigest()
    stored, unchanged = cache / f"{key}.png", cache / f"{key}.keep"
    if stored.is_file():
        return stored.read_bytes()
    if unchanged.is_file():
        return None
    cache.mkdir(parents=True, exist_ok=True)
    work = cache / f"{key}.{os.getpid()}.tmp"
    work.write_bytes(original)
    try:
        if not palette_png(work):
            unchanged.touch()
            return None
        result = work.read_bytes()
        (cache / f"{hashlib.sha256(result).hexdigest()}.out").touch()
        work.replace(stored)
        return result
    finally:
        work.unlink(missing_ok=True)


def _palette_outputs(cache: Path) -> set[str]:
    """Return the hashes of images this cache produced (already palettised: nothing to do)."""
    return {p.stem for p in cache.glob("*.out")} if cache.is_dir() else set()


def setup(app: Sphinx) -> None:
    """Connect the fixes (after sphinx-thebe's own handlers, which use the default priority)."""
    app.connect("doctree-resolved", drop_thebe_nodes, priority=900)
    app.connect("html-page-context", provide_toggle_labeller, priority=100)
    app.connect("html-page-context", fix_page, priority=900)
    app.connect("doctree-read", prepare_palette_pngs)
    app.connect("build-finished", palette_pngs)
