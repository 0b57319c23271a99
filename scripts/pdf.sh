#!/usr/bin/env bash
# PDF edition of the whole book: _build/latex/book.pdf, through Jupyter Book 1's `--builder pdflatex`
# (Sphinx's LaTeX builder, XeLaTeX, latexmk), strict like the HTML build (-W -n --keep-going).
# Installs what it needs first: the pinned Python environment and, if missing, Debian's TeX Live (apt).
# Usage: scripts/pdf.sh [--book DIR] [more jupyter-book build options]
#        (--book: build another copy of the book with this checkout's environment; default: this one)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh requirements.txt
packages=(make latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra
  texlive-fonts-recommended texlive-plain-generic xindy fonts-freefont-otf)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "pdf: installing Debian's TeX Live (apt): ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo_cmd=""; else sudo_cmd="sudo"; fi
  start=$(date +%s)
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "pdf: TeX Live installed in $(( $(date +%s) - start )) s"
fi
venv="$PWD/.venv"
book="$PWD"
if [ "${1:-}" = "--book" ]; then book="$(cd "${2:?--book needs a folder}" && pwd)"; shift 2; fi
cd "$book"
export PYTHONPATH="$book/src${PYTHONPATH:+:$PYTHONPATH}"
export CCG_BOOK_ROOT="$book"
export PYTHONHASHSEED="${PYTHONHASHSEED:-0}"
released="$(sed -n 's/^date-released:[[:space:]]*"\{0,1\}\([0-9-]*\)"\{0,1\}[[:space:]]*$/\1/p' CITATION.cff)"
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(date -u -d "$released" +%s)}"
start=$(date +%s)
"$venv/bin/jupyter-book" build . --builder pdflatex -W -n --keep-going "$@"
pdf="$book/_build/latex/ccg-leadership-edition.pdf"
[ -f "$pdf" ] || { echo "pdf: $pdf was not written" >&2; exit 1; }
echo "pdf: $pdf built in $(( $(date +%s) - start )) s"
