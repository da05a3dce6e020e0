"""Layering: the core never imports a surface, and surfaces (cli, api, dashboard, report)
never import each other, read from the AST of every module (imports inside functions too).

The CLI is the program's entry point and starts two other front ends: ``critmin serve`` the
REST API (``critmin.api.create_app``) and ``critmin report`` / ``--html`` the HTML report. Those
launches may use only what the two package roots export (``critmin.api``, ``critmin.report``),
never their modules; everything shared (assessment, JSON encoding, figures, prices, stored
runs) lives in the core.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import critmin

SRC = Path(critmin.__file__).parent
SURFACES = ("cli", "api", "dashboard", "report")
#: (importing surface, imported module) pairs the entry point may use: package roots only.
LAUNCHES = {("cli", "critmin.api"), ("cli", "critmin.report")}


def _modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def _surface_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "critmin" and parts[1] in SURFACES else None


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement in ``path`` names (absolute or relative)."""
    rel = path.relative_to(SRC.parent).with_suffix("")
    package = list(rel.parts[:-1])  # a module's package; for __init__, the package itself
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            out.append((node.lineno, module))
            # ``from critmin import api`` names a surface too
            if module == "critmin":
                out += [(node.lineno, f"critmin.{a.name}") for a in node.names]
    return out


def violations() -> list[str]:
    found = []
    for path in _modules():
        rel = path.relative_to(SRC.parent)
        own = _surface_of(".".join(rel.with_suffix("").parts))
        for line, module in _imports(path):
            other = _surface_of(module)
            if other is None or other == own:
                continue
            if own is not None and (own, module) in LAUNCHES:
                continue
            who = f"surface {own}" if own else "the core"
            found.append(f"{rel}:{line}: {who} imports {module}")
    return found


def test_surfaces_depend_only_on_the_core() -> None:
    assert violations() == []


def test_the_check_sees_every_kind_of_import(tmp_path: Path, monkeypatch) -> None:
    """The walker finds imports inside functions, relative ones and ``from critmin import``."""
    pkg = tmp_path / "critmin"
    for d in ("api", "report", "metrics"):
        (pkg / d).mkdir(parents=True)
        (pkg / d / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "api" / "bad.py").write_text(
        "def f():\n    from critmin.cli.output import jsonable\n"
        "from ..report import run\nfrom critmin import dashboard\n"
    )
    (pkg / "metrics" / "bad.py").write_text("import critmin.cli.main\n")
    (pkg / "report" / "ok.py").write_text(
        "from critmin.report.run import x\nfrom critmin import atlas\n"
    )
    monkeypatch.setattr(sys.modules[__name__], "SRC", pkg)
    found = violations()
    assert len(found) == 4, found
    assert any("metrics/bad.py:1: the core imports critmin.cli.main" in f for f in found)
    assert any("surface api imports critmin.report" in f for f in found)
    assert any("surface api imports critmin.dashboard" in f for f in found)


@pytest.mark.parametrize("module", ["critmin.report.run", "critmin.api.app"])
def test_a_launch_may_not_reach_inside(module: str) -> None:
    assert ("cli", module) not in LAUNCHES
