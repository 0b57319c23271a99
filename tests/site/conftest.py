"""Fixtures for the browser tests: a local server for the session build and one Chromium.

The server (127.0.0.1, ephemeral port) serves the session build (``site`` fixture of
``tests/conftest.py``); the browser is launched with the flags that keep Chromium off the network
(see ``sitecheck.CHROMIUM_ARGS``) and a fresh user-data dir. Helpers live in ``sitecheck.py``.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sitecheck import CHROMIUM, CHROMIUM_ARGS, SiteBrowser, _QuietHandler


@pytest.fixture(scope="session")
def site_url(site: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 for the whole session; yields the base URL (with ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One headless Chromium with a fresh profile for the session (a Playwright BrowserContext)."""
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium through apt")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture(scope="session")
def site_browser(browser_context: Any, site_url: str) -> SiteBrowser:
    """The session's page visitor (one visit per page and theme, shared by all browser tests)."""
    return SiteBrowser(browser_context, site_url)
