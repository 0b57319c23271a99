"""Bytes a cold visit to pages of the built site transfers, measured in Debian's Chromium.

Usage: .venv/bin/python benchmarks/page_weight.py [SITE] [PAGE ...]
  SITE defaults to _build/html; PAGEs (paths relative to SITE) default to the survey explorer and
  three chapter pages. The site is served on 127.0.0.1 by Python's http.server (no compression), a
  fresh browser context loads each page until the network is idle, and the bodies of all responses
  are summed. Requests to any other origin are counted separately (there should be none).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from pathlib import Path

from ccg_book.chromium import CHROMIUM, CHROMIUM_ARGS

DEFAULT_PAGES = (
    "chapters/03-survey-explorer.html",
    "chapters/03-survey-findings.html",
    "chapters/02-design-and-methods.html",
    "chapters/cases/case-1.html",
)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


def measure(site: Path, pages: list[str]) -> list[tuple[str, int, int, int]]:
    """Return (page, requests, bytes, foreign requests) for each page."""
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
            for path in pages:
                context = browser.new_context()
                page = context.new_page()
                sizes: list[int] = []
                foreign: list[str] = []

                def record(response, sizes=sizes, foreign=foreign) -> None:
                    if not response.url.startswith(base):
                        foreign.append(response.url)
                    with contextlib.suppress(Exception):  # redirects and aborted requests have no body
                        sizes.append(len(response.body()))

                page.on("response", record)
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_timeout(1000)
                results.append((path, len(sizes), sum(sizes), len(foreign)))
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


def main(argv: list[str]) -> int:
    site = Path(argv[0]) if argv else Path("_build/html")
    pages = argv[1:] or list(DEFAULT_PAGES)
    for path, requests, size, foreign in measure(site, pages):
        print(f"{path}: {requests} requests, {size:,} bytes, foreign requests: {foreign}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
