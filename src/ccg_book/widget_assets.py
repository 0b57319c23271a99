"""Self-hosted widget JavaScript: copy the pinned npm assets into the built site.

myst-nb adds the ipywidgets loader and manager only to pages that hold widgets, from the URLs in
``nb_ipywidgets_js``. The book points those at ``_static/widgets/``; this module copies the files
there from ``node_modules`` (installed by ``scripts/bootstrap.sh`` with ``npm ci``), so no page ever
fetches them from a CDN.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

ASSETS: dict[str, str] = {
    "require.js": "requirejs/require.js",
    "embed-amd.js": "@jupyter-widgets/html-manager/dist/embed-amd.js",
}
FONT_GLOB = "@jupyter-widgets/html-manager/dist/*.woff*"  # icon fonts the widget CSS refers to
TARGET = Path("_static") / "widgets"
# RequireJS reads a global ``require`` object defined before it loads as its configuration. The
# bundled widget modules compute their webpack public path (where their icon fonts live) from their own
# module URL, which by default is relative to each page. Mapping every bundled module into this folder
# makes the fonts load from here (same origin, copied below), whatever the page's depth.
BUNDLED_MODULES = ("base", "base7", "controls", "controls7", "html-manager")
REQUIRE_CONFIG = """var require = (function () {
  var here = new URL(".", document.currentScript.src).href.replace(/\\/$/, "");
  var paths = {"@jupyter-widgets/html-manager/dist": here};
  %s.forEach(function (name) { paths["@jupyter-widgets/" + name] = here + "/" + name; });
  return {paths: paths};
})();
""" % ("[" + ", ".join(f'"{m}"' for m in BUNDLED_MODULES) + "]")


def node_modules(srcdir: Path) -> Path:
    """Return the node_modules folder: ``$CCG_NODE_MODULES``, else the book's own."""
    override = os.environ.get("CCG_NODE_MODULES")
    return Path(override) if override else Path(srcdir) / "node_modules"


def asset_sources(srcdir: Path) -> dict[str, Path]:
    """Return target name -> source path for every widget asset; fail clearly if one is missing."""
    base = node_modules(srcdir)
    sources = {name: base / relative for name, relative in ASSETS.items()}
    sources.update({font.name: font for font in sorted(base.glob(FONT_GLOB))})
    missing = [str(path) for path in sources.values() if not path.is_file()]
    if missing:
        raise ExtensionError(
            "widget assets missing: " + ", ".join(missing) + ". Run scripts/bootstrap.sh (it runs "
            "`npm ci` from package-lock.json) before building."
        )
    return sources


def check_assets(app: Sphinx) -> None:
    """Fail at the start of an HTML build if the assets are not installed."""
    if app.builder.format == "html":
        asset_sources(Path(app.srcdir))


def copy_assets(app: Sphinx, exception: Exception | None) -> None:
    """Copy the assets into ``<outdir>/_static/widgets/`` after a successful HTML build.

    Files already there with the same bytes are left alone (every rebuild used to rewrite them).
    """
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / TARGET
    target.mkdir(parents=True, exist_ok=True)
    for name, source in asset_sources(Path(app.srcdir)).items():
        if not same_bytes(source, target / name):
            shutil.copyfile(source, target / name)
    config = target / "require-config.js"
    if not config.is_file() or config.read_text(encoding="utf-8") != REQUIRE_CONFIG:
        config.write_text(REQUIRE_CONFIG, encoding="utf-8")


def same_bytes(source: Path, target: Path) -> bool:
    """True if ``target`` is a file with exactly the bytes of ``source``."""
    return target.is_file() and filecmp.cmp(source, target, shallow=False)  # (sizes compared first)


def setup(app: Sphinx) -> None:
    """Connect the check (build start) and the copy (build end)."""
    app.connect("builder-inited", check_assets)
    app.connect("build-finished", copy_assets)
