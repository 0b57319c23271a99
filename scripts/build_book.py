"""Build the book strictly into <book>/_build/html (warnings are errors, nitpicky, keep-going).

Usage: python scripts/build_book.py [--book PATH] [--all]
The kernel imports the helper package from the book's own src/ (so a copy of the book builds
against its own code), and the build never writes under data/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--book", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--all", action="store_true", help="re-write every page")
    args = parser.parse_args(argv)
    book = args.book.resolve()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(book / "src"), env.get("PYTHONPATH")]))
    env["CCG_BOOK_ROOT"] = str(book)
    env.setdefault("PYTHONHASHSEED", "0")
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(book),
        "-W",
        "-n",
        "--keep-going",
    ]
    if args.all:
        cmd.append("--all")
    result = subprocess.run(cmd, env=env, check=False)
    if result.returncode == 0:
        print(f"book: {book / '_build' / 'html' / 'index.html'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
