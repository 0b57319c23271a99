"""An interrupted build is repaired by the next one: every page, image and the search index again.

A build stopped part-way (Ctrl-C, SIGKILL of a CI job while pages are written) leaves a site with some
pages of the new build and some of the old, images not yet copied and a search index not yet written;
Sphinx, seeing a pickled environment and output files newer than their sources, would keep them.
So at ``builder-inited`` the extension writes a marker, ``_build/.ccg_build/build-in-progress``, and
removes it at ``build-finished`` only if the build raised no exception. A build that finds the marker
when it starts hands every document back to Sphinx through the documented ``env-get-outdated`` event:
all of them are read again (from the execution cache: nothing is executed again if its inputs did
not change) and written again, with their images and a complete search index.
The entry point's no-change short cut (:mod:`ccg_book.build`) also never accepts a site while the
marker is there.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from .build_state import IN_PROGRESS
from .dependencies import build_dir

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

_REPAIRING: set[str] = set()
"""Build folders whose last build was interrupted (found at this build's start)."""


def marker(app: Sphinx) -> Path:
    """The in-progress marker of the build folder ``app`` writes to."""
    return build_dir(app) / IN_PROGRESS


def on_builder_inited(app: Sphinx) -> None:
    """Note whether the last build was interrupted; mark this one as in progress."""
    path = marker(app)
    if path.is_file():
        _REPAIRING.add(str(path))
        logger.info("[ccg-build] the last build did not finish: every page will be read and written again")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a build started and has not finished\n", encoding="utf-8")


def on_env_get_outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """After an interrupted build, every document that still exists (so every page is written again)."""
    if str(marker(app)) not in _REPAIRING:
        return []
    return sorted(env.found_docs - added - removed)


def on_build_finished(app: Sphinx, exception: Exception | None) -> None:
    """Remove the marker if the build got to its end without an exception."""
    if exception is None:
        marker(app).unlink(missing_ok=True)
        _REPAIRING.discard(str(marker(app)))


def setup(app: Sphinx) -> None:
    """Connect the handlers (the marker is written after the data check, which writes no page)."""
    app.connect("builder-inited", on_builder_inited, priority=200)
    app.connect("env-get-outdated", on_env_get_outdated)
    app.connect("build-finished", on_build_finished, priority=900)
