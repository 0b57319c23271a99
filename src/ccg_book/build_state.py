"""Where ``_build/`` records the state of builds (plain paths: the entry point reads them before Sphinx).

- :data:`IN_PROGRESS`: written by the extension when a build starts, removed when it finished without
  an exception (:mod:`ccg_book.interrupted_builds`). Found at the start of a build, it means the last
  one stopped part-way (Ctrl-C, a killed job), so its pages, images and search index may be partial.
- :data:`DATA_CHECKED`: the digest of the inputs of the last data check that passed
  (:mod:`ccg_book.data_gate`).
"""

from __future__ import annotations

from pathlib import Path

STATE = Path(".ccg_build")
"""The folder, under the build folder ``_build``, holding these records."""
IN_PROGRESS = STATE / "build-in-progress"
DATA_CHECKED = STATE / "data-checked"
