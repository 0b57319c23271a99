"""The pinned environment can never resolve Jupyter Book 2, and CI runs the README's test command."""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version


def requirements(path: Path) -> dict[str, Requirement]:
    reqs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            reqs[req.name.lower()] = req
    return reqs


def test_jupyter_book_is_pinned_to_1x(repo: Path) -> None:
    spec = requirements(repo / "requirements.txt")["jupyter-book"].specifier
    assert not any(spec.contains(Version(v)) for v in ("2.0.0", "2.1.7", "3.0.0"))
    assert spec.contains(Version("1.0.4.post1"))
    assert version("jupyter-book").startswith("1.")


def test_every_direct_dependency_is_pinned_exactly(repo: Path) -> None:
    for name in ("requirements.txt", "requirements-test.txt"):
        for req in requirements(repo / name).values():
            assert str(req.specifier).startswith("=="), f"{name}: {req} is not pinned exactly"


def test_ci_runs_the_readme_test_command(repo: Path) -> None:
    readme = (repo / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"```bash\n(scripts/\S+)\n```", readme)
    assert commands == ["scripts/build.sh", "scripts/test.sh"], commands
    ci = [
        line
        for line in (repo / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))
    ]
    assert ci == [commands[1]]
