"""The book's source repository: one setting that turns the theme's repository buttons on or off.

Enable with ``sphinx.extra_extensions: [ccg_book.repository]`` in ``_config.yml``. The repository's
address is read from the environment variable ``CCG_REPOSITORY_URL`` (the GitHub Pages workflow sets
it to the repository it runs in) or, failing that, from the Sphinx setting ``ccg_repository_url``.
When neither is set, no repository address is published and the theme shows no repository, edit or
issue button; when one is, all three appear and point there (``CCG_REPOSITORY_BRANCH``, default
``main``, names the branch the edit button opens).
"""

from __future__ import annotations

import os
import re
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError

URL_VARIABLE = "CCG_REPOSITORY_URL"
BRANCH_VARIABLE = "CCG_REPOSITORY_BRANCH"
BUTTONS = ("use_repository_button", "use_edit_page_button", "use_issues_button")
THEME_KEYS = ("repository_url", "repository_branch", "path_to_docs", "repository_provider")
# An http(s) address of a repository: host and at least an owner/name path, no query or fragment.
_URL = re.compile(r"^https?://[^/\s?#]+(/[^/\s?#]+){2,}/?$")


def repository_url(config: Config) -> str:
    """The configured repository address (environment first), without a trailing slash; may be ``""``."""
    url = os.environ.get(URL_VARIABLE) or config.ccg_repository_url or ""
    url = url.strip()
    if url and not _URL.match(url):
        raise ConfigError(
            f"{URL_VARIABLE} / ccg_repository_url must be a repository address such as "
            f"https://github.com/OWNER/REPO, not {url!r}"
        )
    return url.rstrip("/")


def theme_repository_options(url: str, branch: str) -> dict[str, Any]:
    """sphinx-book-theme options for ``url``: the buttons and address when set, all off when empty."""
    if not url:
        return dict.fromkeys(BUTTONS, False)
    return {
        **dict.fromkeys(BUTTONS, True),
        "repository_url": url,
        "repository_branch": branch,
        "path_to_docs": "",
    }


def apply_repository(app: Sphinx, config: Config) -> None:
    """Replace whatever repository options the theme was given with those of the one setting."""
    options = {k: v for k, v in (config.html_theme_options or {}).items() if k not in THEME_KEYS}
    branch = os.environ.get(BRANCH_VARIABLE) or "main"
    options.update(theme_repository_options(repository_url(config), branch))
    config.html_theme_options = options


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the setting and apply it once the configuration is read."""
    app.add_config_value("ccg_repository_url", "", "html", [str])
    app.connect("config-inited", apply_repository)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
