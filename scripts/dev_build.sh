#!/usr/bin/env bash
# Developer helper: copy the working tree to /tmp/<name> and build the copy strictly there,
# so several people (or agents) can build at once without sharing _build/.
# Usage: scripts/dev_build.sh NAME [--all]
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: scripts/dev_build.sh NAME [--all]}"; shift
target="/tmp/$name"
rm -rf "$target"
.venv/bin/python - "$target" <<'PY'
import sys
from pathlib import Path
sys.path.insert(0, "tests")
from bookhelpers import copy_book
copy_book(Path(sys.argv[1]))
PY
PYTHONPATH="$target/src" exec .venv/bin/python -m ccg_book.build --book "$target" "$@"
