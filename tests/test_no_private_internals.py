"""No module of the project touches another project's private internals (issue 12).

An AST check over ``src/``, ``scripts/`` and ``benchmarks/``. A module fails it when it

- imports an underscore name of another package (``import re._compiler``, ``from _sre import x``,
  ``from sphinx.util import _private``),
- reads an underscore attribute (not a ``__dunder__``) of anything but its own ``self``/``cls`` or one
  of the project's own modules (``re._compiler``, ``fig._suptitle``, ``app.builder._x``), or names one
  through ``getattr``/``setattr``/``hasattr``/``delattr`` with a literal name,
- calls ``sys._getframe`` (caught by the attribute rule, and named in the message).

The second rule is deliberately stricter than "of another package": an object's type cannot be known
statically, so the project does not reach into underscore attributes of objects at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "scripts", "benchmarks")
OWN = frozenset(p.name for p in (REPO / "src").iterdir() if (p / "__init__.py").is_file())
ACCESSORS = {"getattr", "setattr", "hasattr", "delattr"}
# Underscore names that are documented public API (the Python docs list ``os._exit`` among os's functions).
DOCUMENTED = {("os", "_exit")}


def is_private(name: str) -> bool:
    """True for ``_name`` (one or more leading underscores), not for ``__dunder__`` names."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_own(module: str | None, level: int = 0) -> bool:
    """True for a relative import or an import of one of the project's own packages."""
    return level > 0 or (module or "").partition(".")[0] in OWN


def violations(source: str, filename: str = "<source>") -> list[str]:
    """Every use of another project's private internals in ``source``, as ``file:line: what``."""
    tree = ast.parse(source, filename)
    own_names = {"self", "cls"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if is_own(alias.name):
                    own_names.add((alias.asname or alias.name).partition(".")[0])
                elif any(is_private(part) for part in alias.name.split(".")):
                    found.append(f"{filename}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if is_own(node.module, node.level):
                own_names.update(alias.asname or alias.name for alias in node.names)
                continue
            parts = (node.module or "").split(".")
            for alias in node.names:
                if any(is_private(part) for part in [*parts, alias.name]):
                    found.append(f"{filename}:{node.lineno}: imports {alias.name} from {node.module}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and is_private(node.attr):
            base = node.value
            if isinstance(base, ast.Name) and (base.id in own_names or (base.id, node.attr) in DOCUMENTED):
                continue
            what = "calls sys._getframe" if node.attr == "_getframe" else f"reads .{node.attr}"
            found.append(f"{filename}:{node.lineno}: {what}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ACCESSORS
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
        ):
            found.append(f"{filename}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r})")
    return found


def project_files() -> list[Path]:
    """Every Python file the check covers."""
    return sorted(
        p for folder in FOLDERS for p in (REPO / folder).rglob("*.py") if "__pycache__" not in p.parts
    )


def test_the_check_covers_the_project() -> None:
    assert {"ccg_book", "ccg_leadership"} <= OWN
    names = {p.relative_to(REPO).as_posix() for p in project_files()}
    assert {"src/ccg_book/build.py", "src/ccg_book/dependencies.py", "benchmarks/build_times.py"} <= names


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import re._compiler\n", "imports re._compiler"),
        ("import _sre\n", "imports _sre"),
        ("from sphinx.util import _private\n", "imports _private from sphinx.util"),
        ("from re import _compiler as c\n", "imports _compiler from re"),
        ("import re\nre._compiler.compile('x')\n", "reads ._compiler"),
        ("import sys\nframe = sys._getframe(1)\n", "calls sys._getframe"),
        ("def f(fig):\n    return fig._suptitle\n", "reads ._suptitle"),
        ("def f(app):\n    return getattr(app, '_private')\n", "getattr(..., '_private')"),
        ("def f(env):\n    setattr(env, '_flag', True)\n", "setattr(..., '_flag')"),
        ("import os\nos._exists('x')\n", "reads ._exists"),
    ],
)
def test_negative_controls_are_caught(source: str, expected: str) -> None:
    """Each kind of violation, in a small module, is reported (the check can fail)."""
    assert [v.split(": ", 1)[1] for v in violations(source)] == [expected]


def test_allowed_uses_are_not_reported() -> None:
    source = (
        "from __future__ import annotations\n"
        "import os\n"
        "from . import dependencies\n"
        "from ccg_book import inputs\n"
        "class A:\n"
        "    def __init__(self):\n"
        "        self._mine = os.__name__\n"
        "    def get(self):\n"
        "        return self._mine, dependencies._helper, inputs._x, os.path.__file__\n"
    )
    assert violations(source) == []


def test_no_module_uses_private_internals_of_other_projects() -> None:
    found = [v for path in project_files() for v in violations(path.read_text(encoding="utf-8"), str(path))]
    assert found == [], "\n".join(found)
