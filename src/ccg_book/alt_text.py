"""Copy alt text stored inside chart PNGs (see ``style.finish``) onto the page's ``<img>``."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

from ccg_leadership.style import read_alt

logger = logging.getLogger(__name__)


def fill_alt(app: Sphinx, doctree: nodes.document) -> None:
    """Give every image node without alt text the Description stored in its PNG, if any."""
    for image in doctree.findall(nodes.image):
        if image.get("alt"):
            continue
        path = _image_path(app, image)
        if path is not None and path.suffix == ".png" and path.is_file():
            alt = read_alt(path.read_bytes())
            if alt:
                image["alt"] = alt


def _image_path(app: Sphinx, image: nodes.image) -> Path | None:
    uri = str(image.get("uri", ""))
    if not uri or "://" in uri or uri.startswith("data:"):
        return None
    candidate = Path(uri)
    if candidate.is_absolute():
        return candidate if candidate.is_file() else Path(app.srcdir) / uri.lstrip("/")
    return Path(app.srcdir) / uri


def setup(app: Sphinx) -> None:
    """Connect the handler (runs after each document is read)."""
    app.connect("doctree-read", fill_alt)
