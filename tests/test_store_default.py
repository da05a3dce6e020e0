"""The store's default dataset version: pinned, moved only by `data use`, an import that
builds on it, or an explicit `use` (README "Datasets and versions")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from critmin.data.dataset import load_builtin
from critmin.data.importers import import_path
from critmin.data.store import DEFAULT_KEY, Store, store_choice, user_store_path
from critmin.errors import DataError, StoreError

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"
USGS = DATA / "usgs" / "mcs2025-raree_world.csv"


def test_a_new_store_pins_the_builtin_data_as_default(db):
    with Store(db) as store:
        assert store.default_version() == 1
        assert list(store.versions()["default"]) == [True]
        info = store.describe()
        assert info["dataset_version"] == 1 and info["default"] is True
        assert info["dataset"] == load_builtin().meta.name and info["format"] == "builtin"
        assert info["store"] == str(Path(db).absolute())


def test_a_dataset_folder_does_not_hijack_the_default(db):
    with Store(db) as store:
        result = import_path(store, MINI, "critmin")
        assert (result.version, result.base, result.default) == (2, None, 1)
        assert store.default_version() == 1 and store.resolve(None) == 1
        assert store.load().meta.name == load_builtin().meta.name
        assert list(store.versions()["default"]) == [True, False]
    with Store(db) as store:  # and it stays so in the next process
        assert store.resolve(None) == 1


def test_use_makes_an_import_the_default(db):
    with Store(db) as store:
        result = import_path(store, MINI, "critmin", use=True)
        assert result.default == 2 and store.resolve(None) == 2


def test_a_partial_import_merges_into_the_default_and_becomes_it(db):
    """The README's order: the toy folder, then a USGS file, with no --base."""
    with Store(db) as store:
        import_path(store, MINI, "critmin")  # version 2, not the default
        result = import_path(store, USGS, "usgs")
        assert result.base == 1  # the default, not the latest (the toy)
        assert result.default == 3 and store.default_version() == 3
        assert "re_concentrate" in set(store.load().tables["products"]["id"])


def test_a_merge_into_another_base_does_not_move_the_default(db):
    with Store(db) as store:
        import_path(store, MINI, "critmin")
        store.set_default(1)
        result = import_path(store, USGS, "usgs", base=1, use=False)
        assert result.default == 1
        # merged into 2 (not the default): no move
        other = import_path(store, USGS, "usgs", base=2, product="ore")
        assert other.base == 2 and store.default_version() == 1


def test_a_confidential_version_never_becomes_everyones_default_by_itself(db):
    from critmin.data.service import write_dataset_access

    def secret(con, version):
        write_dataset_access(con, version, "JPN", "test")

    with Store(db) as store:
        result = import_path(store, USGS, "usgs", on_add=secret)
        assert result.base == 1 and store.default_version() == 1


def test_usgs_onto_a_base_without_the_product_says_what_to_do(db):
    with Store(db) as store:
        import_path(store, MINI, "critmin", use=True)  # the toy has no re_concentrate
        with pytest.raises(DataError) as exc:
            import_path(store, USGS, "usgs")
    text = str(exc.value)
    assert "version 2, 'mini'" in text and "--base VERSION" in text and "--product" in text


def test_set_default_and_find(db):
    with Store(db) as store:
        import_path(store, MINI, "critmin")
        assert store.find("mini") == 2 and store.find("MINI") == 2
        assert store.find("2") == 2 and store.find("latest") == 2
        assert store.find("builtin") == 1 and store.find("default") == 1
        assert store.set_default(store.find("mini")) == 2
        assert store.resolve(None) == 2 and store.describe()["dataset"] == "mini"
        with pytest.raises(StoreError, match="unknown dataset 'minni'; did you mean mini"):
            store.find("minni")
        with pytest.raises(StoreError, match=r"no dataset version 9 .* it has 1, 2"):
            store.find("9")


def test_a_store_from_before_the_pin_keeps_its_latest_as_default(db):
    with Store(db) as store:
        import_path(store, MINI, "critmin", use=True)
        store.con.execute("DELETE FROM store_meta WHERE key = ?", [DEFAULT_KEY])
    with Store(db) as store:  # opened by this critmin: what it used (the latest) is pinned
        assert store.default_version() == 2
        import_path(store, MINI, "critmin")
        assert store.default_version() == 2


@pytest.mark.parametrize("chosen", [True, False])
def test_revised_builtin_data_moves_the_default_only_from_the_old_builtin(
    db, tmp_path, monkeypatch, chosen
):
    import critmin.data.store as store_module
    from critmin.data.dataset import builtin_path

    with Store(db) as store:
        import_path(store, MINI, "critmin", use=chosen)
    revised = tmp_path / "builtin"
    shutil.copytree(builtin_path(), revised)
    lines = (revised / "production.csv").read_text().splitlines(keepends=True)
    (revised / "production.csv").write_text("".join(lines[:-1]))
    monkeypatch.setattr(store_module, "builtin_path", lambda: revised)
    monkeypatch.setattr("critmin.data.dataset.builtin_path", lambda: revised)
    with Store(db) as store:
        assert store.latest_version() == 3
        assert store.default_version() == (2 if chosen else 3)


def test_store_choice_says_where_and_why(tmp_path, monkeypatch):
    monkeypatch.delenv("CRITMIN_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert user_store_path() == tmp_path / "xdg" / "critmin" / "critmin.duckdb"
    assert store_choice(None) == (tmp_path / "xdg" / "critmin" / "critmin.duckdb",
                                  "per-user default")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert store_choice("rel.duckdb") == (tmp_path / "rel.duckdb", "--db")
    monkeypatch.setenv("CRITMIN_DB", "env.duckdb")
    assert store_choice(None) == (tmp_path / "env.duckdb", "$CRITMIN_DB")
