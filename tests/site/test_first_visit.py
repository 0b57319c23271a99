"""A reader's first visit: empty browser storage and no colour-scheme preference.

The other browser tests set the theme before any script runs, so they never see what a first-time reader
sees. Here every ToC page (and the site root) is opened as a first visit: storage cleared, no
``prefers-color-scheme`` preference, and nothing set in ``localStorage``. The page must log no console
error and request nothing that fails (no 404, not even ``/favicon.ico``).
"""

from __future__ import annotations

from typing import Any

import pytest
from sitecheck import PAGES

pytestmark = pytest.mark.browser


def first_visit(context: Any, base_url: str, path: str) -> dict[str, list[str]]:
    """Open ``path`` as a first visit; return its console errors and failed requests."""
    origin = base_url.rstrip("/")
    page = context.new_page()
    seen: dict[str, list[str]] = {"console": [], "failed": []}
    try:
        # Wipe what earlier visits of the session's browser stored for the site (Chrome DevTools
        # Protocol, before the tab has loaded anything from it).
        cdp = context.new_cdp_session(page)
        cdp.send(
            "Storage.clearDataForOrigin",
            {"origin": origin, "storageTypes": "local_storage,session_storage,cookies,cache_storage"},
        )
        cdp.detach()
        page.emulate_media(color_scheme="no-preference")
        page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
        page.on("pageerror", lambda e: seen["console"].append(str(e)))
        page.on("response", lambda r: r.status >= 400 and seen["failed"].append(f"{r.status} {r.url}"))
        # A request the page's own navigation cancels (the root page redirects at once) is not a failure.
        page.on(
            "requestfailed",
            lambda r: (
                r.url.startswith(origin)
                and r.failure != "net::ERR_ABORTED"
                and seen["failed"].append(f"failed {r.url}: {r.failure}")
            ),
        )
        page.goto(base_url + path, wait_until="load")  # every script of the page has run
        # (not "networkidle": the explorer's widget bundle keeps a busy machine past its time-out)
        page.wait_for_function("document.readyState === 'complete'")
    finally:
        page.close()
    return seen


@pytest.mark.parametrize("path", ["", *[f"{name}.html" for name in PAGES]])
def test_first_visit_is_clean(browser_context: Any, site_url: str, path: str) -> None:
    seen = first_visit(browser_context, site_url, path)
    assert seen["console"] == [], f"{path or 'site root'}: console errors on a first visit: {seen['console']}"
    assert seen["failed"] == [], f"{path or 'site root'}: failed requests on a first visit: {seen['failed']}"
