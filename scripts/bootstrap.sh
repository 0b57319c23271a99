#!/usr/bin/env bash
# Create or refresh the project's virtual environment (.venv) from the pinned requirement files.
# Usage: scripts/bootstrap.sh [requirements-file]   (default: requirements.txt)
# Re-installs only when the requirement files change (a hash stamp lives in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
py="$(command -v python3.11 || command -v python3)"
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv with $py"
  "$py" -m venv .venv
fi
stamp=".venv/.requirements-$(basename "$req").sha256"
want="$(cat "$req" requirements.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: installing $req (pinned, constrained by constraints.txt)"
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24"
  .venv/bin/python -m pip install --quiet -r "$req" -c constraints.txt
  .venv/bin/python -m pip check
  echo "$want" > "$stamp"
fi
# Pinned browser assets for the static widgets (package-lock.json), installed with npm ci.
if ! command -v npm >/dev/null; then
  echo "bootstrap: installing Node.js and npm (apt)"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq nodejs npm >/dev/null
fi
lock="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.ccg-lock.sha256 ] || [ "$(cat node_modules/.ccg-lock.sha256)" != "$lock" ]; then
  echo "bootstrap: installing pinned widget assets (npm ci)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock" > node_modules/.ccg-lock.sha256
fi
# Jupyter Book 2 is a different engine; refuse to go on if it ever resolved.
.venv/bin/python - <<'PY'
from importlib.metadata import version
v = version("jupyter-book")
assert v.startswith("1."), f"jupyter-book {v} installed; this book needs 1.x"
PY
