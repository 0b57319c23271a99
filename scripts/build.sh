#!/usr/bin/env bash
# Build the book into _build/html (installs what it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
exec .venv/bin/python scripts/build_book.py "$@"
