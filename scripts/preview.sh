#!/usr/bin/env bash
# Live preview for authors: serve the book on http://127.0.0.1:8000/ and rebuild it on every save.
# Usage: scripts/preview.sh [--book DIR] [--port N] [other sphinx-autobuild options]   (Ctrl+C stops it)
#        (--book: preview another copy of the book with this checkout's environment; default: this one)
#
# sphinx-autobuild watches the book, runs Sphinx with the book's own configuration (conf.py, written
# from _config.yml by `jupyter-book config sphinx .` at start; git ignores it) into the same _build/
# folders as scripts/build.sh, and reloads the open browser pages when a build finishes. The build is
# the incremental, dependency-aware one: a prose edit re-renders its page without executing anything,
# a data or helper-module edit re-executes exactly the chapters that read it. A failing cell prints its
# error in this terminal and the server keeps running; fixing the cell brings the page back.
# Restart the preview after editing _config.yml. Loopback only (--host 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
venv="$PWD/.venv"
book="$PWD"
if [ "${1:-}" = "--book" ]; then book="$(cd "${2:?--book needs a folder}" && pwd)"; shift 2; fi
cd "$book"
export PYTHONPATH="$book/src${PYTHONPATH:+:$PYTHONPATH}"
export CCG_BOOK_ROOT="$book"
export PYTHONHASHSEED="${PYTHONHASHSEED:-0}"
released="$(sed -n 's/^date-released:[[:space:]]*"\{0,1\}\([0-9-]*\)"\{0,1\}[[:space:]]*$/\1/p' CITATION.cff)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -u -d "$released" +%s)}"
"$venv/bin/jupyter-book" config sphinx . >/dev/null
# The driver's settings on top of _config.yml (scripts/build_book.py, driver_overrides).
exec "$venv/bin/sphinx-autobuild" "$book" "$book/_build/html" \
  --doctree-dir "$book/_build/.doctrees" \
  --define "external_toc_path=$book/_toc.yml" \
  --host 127.0.0.1 --port 8000 \
  --re-ignore '/(\.venv|\.git|_build|node_modules|\.pytest_cache|\.ruff_cache|__pycache__|tests|benchmarks|scripts)(/|$)' \
  --re-ignore '/chapters/cases/case-[^/]*\.md$' \
  --re-ignore '/conf\.py$' \
  --re-ignore '\.(swp|swx|tmp)$|~$' \
  "$@"
