#!/usr/bin/env bash
# Run the whole test suite (installs what it needs first, including Debian's Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements-test.txt
if [ ! -x /usr/bin/chromium ]; then
  echo "test: installing Debian's chromium (apt)"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "test: pytest collected no tests; treating that as a failure" >&2
  exit 1
fi
exit "$rc"
