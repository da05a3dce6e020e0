"""Issue 17 row 1: every path that creates a dataset version keeps a partner's data with that
partner. A usgs/baci file merged into a version confidential to a partner makes a version
confidential to the same partner, whether the import comes from the CLI, the Python API or
the REST API; only an explicit decision (``--confidential-to`` / the upload's
``confidential_to``) says otherwise."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data import service
from critmin.data.importers import import_path
from critmin.data.store import Store

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
BACI = DATA / "baci" / "baci_sample.csv"
USGS = DATA / "usgs" / "mcs2025-raree_world.csv"
FILES = {"baci": BACI, "usgs": USGS}

# every module that creates versions, and how this file walks it
WALKED = {
    "critmin/data/store.py": "Store.__init__ (built-in seed) and Store.add",
    "critmin/data/importers.py": "import_path (critmin, usgs, baci)",
    "critmin/cli/main.py": "critmin data import",
    "critmin/api/datasets.py": "POST /datasets",
}


def _confidential_base(db: Path) -> int:
    """A store whose latest version is confidential to USA (as an upload would make it)."""
    service.ensure(db)
    with Store(db) as store:
        result = import_path(
            store, BACI, "baci",
            on_add=lambda con, v: service.write_dataset_access(con, v, "USA", "admin"),
        )  # fmt: skip
    return result.version


def _cli(db: Path, *args: str) -> int:
    result = CliRunner().invoke(app, ["--db", str(db), "data", "import", *map(str, args)])
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        return store.latest_version() or 0


def test_every_module_that_creates_versions_is_walked():
    """A new way to create versions must be added to this file's walk (and inherit)."""
    creators = set()
    for path in (ROOT / "src").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
            if name == "import_path" or (
                name == "add" and isinstance(node.func, ast.Attribute)
                and "store" in ast.unparse(node.func.value).lower()
            ):  # fmt: skip
                creators.add(path.relative_to(ROOT / "src").as_posix())
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and "INSERT INTO versions" in text:
                creators.add(path.relative_to(ROOT / "src").as_posix())
    assert creators <= set(WALKED), f"walk these too: {sorted(creators - set(WALKED))}"


@pytest.mark.parametrize("fmt", ["baci", "usgs"])
def test_python_import_into_a_confidential_base_inherits(tmp_path, fmt):
    db = tmp_path / "s.duckdb"
    secret = _confidential_base(db)
    with Store(db) as store:
        assert store.confidential_to(1) is None  # the built-in seed is open
        # a confidential version never becomes the default by itself: the default base
        # stays the open built-in data, and so does the result
        assert store.default_version() == 1
        assert store.confidential_to(import_path(store, FILES[fmt], fmt).version) is None
        child = import_path(store, FILES[fmt], fmt, base=secret).version
        assert store.confidential_to(secret) == "USA"
        assert store.confidential_to(child) == "USA"
        assert store.versions().set_index("version").loc[child, "parent"] == secret
        # an open base gives an open version; a critmin folder has no base: open
        assert store.confidential_to(import_path(store, FILES[fmt], fmt, base=1).version) is None
        assert store.confidential_to(import_path(store, DATA / "mini", "critmin").version) is None


@pytest.mark.parametrize("fmt", ["baci", "usgs"])
def test_cli_import_into_a_confidential_base_inherits(tmp_path, fmt):
    db = tmp_path / "s.duckdb"
    secret = _confidential_base(db)
    child = _cli(db, FILES[fmt], "--format", fmt, "--base", secret)
    assert service.dataset_access(db) == {secret: "USA", child: "USA"}
    # the operator may decide otherwise, explicitly
    opened = _cli(db, FILES[fmt], "--format", fmt, "--base", secret, "--confidential-to", "open")
    other = _cli(db, FILES[fmt], "--format", fmt, "--base", secret, "--confidential-to", "Japan")
    access = service.dataset_access(db)
    assert opened not in access and access[other] == "JPN"
    # a grandchild of a confidential version stays confidential
    grandchild = _cli(db, FILES[fmt], "--format", fmt, "--base", child)
    assert service.dataset_access(db)[grandchild] == "USA"


def test_cli_import_then_api_hides_it_from_other_partners(tmp_path):
    """The issue's reproduction: upload confidential, CLI baci import, JPN reads."""
    from fastapi.testclient import TestClient

    from critmin.api import create_app

    db = tmp_path / "s.duckdb"
    service.ensure(db)
    keys = {n: service.add_user(db, n, r, p)[1]
            for n, r, p in [("root", "admin", None), ("jpn", "analyst", "JPN")]}  # fmt: skip
    with TestClient(create_app(db)) as client:
        up = client.post(
            "/datasets", headers={"X-API-Key": keys["root"]},
            files={"file": ("b.csv", BACI.read_bytes(), "text/csv")},
            data={"format": "baci", "confidential_to": "USA"},
        )  # fmt: skip
        assert up.status_code == 201, up.text
        child = _cli(db, BACI, "--format", "baci", "--base", up.json()["version"])
        jpn = {"X-API-Key": keys["jpn"]}
        listed = client.get("/datasets", headers=jpn).json()
        assert [d["version"] for d in listed] == [1]
        assert client.get(f"/metrics?version={child}", headers=jpn).status_code == 403
        assert client.get("/metrics", headers=jpn).json()["dataset"]["version"] == 1
        usgs = client.post(
            "/datasets", headers={"X-API-Key": keys["root"]},
            files={"file": ("u.csv", USGS.read_bytes(), "text/csv")},
            data={"format": "usgs", "base": str(child)},
        )  # fmt: skip
        assert usgs.status_code == 201, usgs.text
        assert usgs.json()["confidential_to"] == "USA"
