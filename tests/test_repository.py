"""The repository URL is one setting: no address is published unless one is configured.

The book's own build (no ``CCG_REPOSITORY_URL`` in the test environment) must show no repository, edit
or issue button and name no repository; a tiny Sphinx project with the book's theme and the
``ccg_book.repository`` extension shows all three buttons, pointing at the configured address, only
when the setting is given.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bookhelpers import REPO

from ccg_book import repository

BUTTON = re.compile(r"btn-source-(repository|edit|issues)-button")


def test_no_setting_means_buttons_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert repository.theme_repository_options("", "main") == {
        "use_repository_button": False,
        "use_edit_page_button": False,
        "use_issues_button": False,
    }


@pytest.mark.parametrize("bad", ["github.com/owner/repo", "https://github.com/owner", "https://x/ a/b"])
def test_a_malformed_address_is_refused(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(repository.URL_VARIABLE, bad)

    class Config:
        ccg_repository_url = ""

    with pytest.raises(Exception, match="repository address"):
        repository.repository_url(Config())  # type: ignore[arg-type]


def _tiny_site(tmp_path: Path, url: str | None, conf_url: str = "") -> str:
    """Build a one-page Sphinx site with the book's theme and the extension; return its HTML."""
    src = tmp_path / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(
        'extensions = ["ccg_book.repository"]\nhtml_theme = "sphinx_book_theme"\n'
        f"ccg_repository_url = {conf_url!r}\n",
        encoding="utf-8",
    )
    (src / "index.rst").write_text("Title\n=====\n\nText.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCG_REPOSITORY")}
    if url is not None:
        env[repository.URL_VARIABLE] = url
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "build", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(REPO / "src")},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_buttons_appear_only_with_an_address(tmp_path: Path) -> None:
    without = _tiny_site(tmp_path / "a", None)
    assert not BUTTON.search(without)
    assert "github.com" not in without

    url = "https://github.com/example-owner/example-book"
    html = _tiny_site(tmp_path / "b", url)
    assert sorted(set(BUTTON.findall(html))) == ["edit", "issues", "repository"]
    assert f'href="{url}"' in html
    assert f'href="{url}/edit/main/index.rst"' in html
    assert f"{url}/issues/new" in html


def test_the_sphinx_setting_works_too_and_the_environment_wins(tmp_path: Path) -> None:
    configured = "https://gitlab.example.org/team/book"
    html = _tiny_site(tmp_path / "a", None, conf_url=configured)
    assert f'href="{configured}"' in html
    html = _tiny_site(tmp_path / "b", "https://github.com/o/r", conf_url=configured)
    assert 'href="https://github.com/o/r"' in html and configured not in html


@pytest.mark.book
def test_the_book_publishes_no_repository_address(site: Path) -> None:
    assert "CCG_REPOSITORY_URL" not in os.environ, "run the suite without the publishing setting"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not BUTTON.search(text), f"{page.name}: a repository button without a configured address"
        assert "ccg-leadership-book/ccg-leadership-book" not in text, f"{page.name}: placeholder URL"
        assert "/edit/main/" not in text and "/issues/new" not in text, page.name
