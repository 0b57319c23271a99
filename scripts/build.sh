#!/usr/bin/env bash
# Build the book into _build/html (installs what it needs first). Same site as a stock
# `jupyter-book build . -W -n --keep-going`, faster (see src/ccg_book/build.py).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
exec .venv/bin/python -m ccg_book.build --book . "$@"
