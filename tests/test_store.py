"""The store: versions with provenance, all-or-nothing imports."""

from __future__ import annotations

import pytest

from critmin.data.dataset import load_builtin, write_dataset
from critmin.data.importers import import_path
from critmin.data.store import Store
from critmin.errors import DataError, StoreError


def test_fresh_store_holds_the_builtin_dataset_as_version_1(db):
    with Store(db) as store:
        assert store.latest_version() == 1
        versions = store.versions()
        assert list(versions["format"]) == ["builtin"]
        assert store.load(1).equals(load_builtin())


def test_revised_builtin_data_becomes_a_new_version_once(db, tmp_path, monkeypatch):
    import shutil

    import critmin.data.store as store_module
    from critmin.data.dataset import builtin_path

    with Store(db) as store:
        import_path(store, "tests/data/mini", "critmin")
    revised = tmp_path / "builtin"
    shutil.copytree(builtin_path(), revised)
    lines = (revised / "production.csv").read_text().splitlines(keepends=True)
    (revised / "production.csv").write_text("".join(lines[:-1]))  # a newer critmin's data
    monkeypatch.setattr(store_module, "builtin_path", lambda: revised)
    monkeypatch.setattr("critmin.data.dataset.builtin_path", lambda: revised)
    with Store(db) as store:
        versions = store.versions()
        assert list(versions["format"]) == ["builtin", "critmin", "builtin"]
        assert '"revises": 1' in versions["summary"].iloc[-1]
        new = store.load(3).tables["production"]
        assert len(new) == len(store.load(1).tables["production"]) - 1
    with Store(db) as store:  # the same built-in data again: nothing added
        assert store.latest_version() == 3


def test_import_makes_a_new_version_and_old_ones_stay_readable(db, mini):
    with Store(db) as store:
        result = import_path(store, "tests/data/mini", "critmin")
        assert result.version == 2
        assert store.load(2).equals(mini)
        assert store.load(1).equals(load_builtin())
        row = store.versions().iloc[-1]
        assert row["format"] == "critmin" and len(row["sha256"]) == 64
        assert row["path"].endswith("tests/data/mini")


def test_store_persists_across_connections(db, mini):
    with Store(db) as store:
        import_path(store, "tests/data/mini", "critmin")
    with Store(db) as store:
        assert store.latest_version() == 2
        assert store.load(2).equals(mini)
        assert store.default_version() == 1  # a stand-alone dataset does not become the default


def test_failed_import_leaves_the_store_unchanged(db, mini_copy):
    (mini_copy / "trade.csv").write_text(
        (mini_copy / "trade.csv")
        .read_text()
        .replace("oxide,MYS,JPN,2024,2,", "oxide,MYS,JPN,2024,-2,")
    )
    with Store(db) as store:
        before = store.fingerprint()
        with pytest.raises(DataError):
            import_path(store, mini_copy, "critmin")
        assert store.fingerprint() == before
        assert store.latest_version() == 1


def test_error_during_write_rolls_back(db, mini, monkeypatch):
    """A database error after some tables were written leaves no trace of the version."""
    import types

    import duckdb

    import critmin.data.store as store_mod

    with Store(db) as store:
        before = store.fingerprint()
        tables = dict(store_mod.TABLES) | {"zzz_missing": store_mod.TABLES["trade"]}
        monkeypatch.setattr(store_mod, "TABLES", tables)
        fake = types.SimpleNamespace(
            meta=mini.meta, tables={**mini.tables, "zzz_missing": mini.tables["trade"]}
        )
        with pytest.raises(duckdb.Error):
            store.add(fake, store_mod.Provenance("critmin", "x", "0" * 64, {}))  # type: ignore[arg-type]
        monkeypatch.undo()
        assert store.fingerprint() == before
        assert store.latest_version() == 1


def test_unknown_version(db):
    with Store(db) as store, pytest.raises(StoreError, match="no dataset version 7"):
        store.load(7)


def test_env_variable_chooses_the_store(tmp_path, monkeypatch):
    import critmin

    monkeypatch.setenv("CRITMIN_DB", str(tmp_path / "env.duckdb"))
    atlas = critmin.load()
    assert atlas.version == 1 and (tmp_path / "env.duckdb").exists()


def test_round_trip_through_store_and_export(db, tmp_path, mini):
    from critmin.data.dataset import read_dataset

    with Store(db) as store:
        v = import_path(store, "tests/data/mini", "critmin").version
        out = write_dataset(store.load(v), tmp_path / "export", "csv")
        v2 = import_path(store, out, "critmin").version
        assert store.load(v2).equals(store.load(v))
    assert read_dataset(out).equals(mini)


def test_ids_match_by_prefix_literally_and_an_exact_id_wins(tmp_path):
    """``one_by_prefix`` over ``starts_with``: LIKE's ``%`` and ``_`` are not wildcards."""
    from critmin.data.store import one_by_prefix
    from critmin.errors import StoreError

    rows = [("ab",), ("abc",), ("a_x",)]
    assert one_by_prefix(rows, "ab", "run", "db") == ("ab",)  # exact beats its longer sibling
    assert one_by_prefix([("abc",)], "ab", "run", "db") == ("abc",)
    with pytest.raises(StoreError, match="matches 2 runs"):
        one_by_prefix([("abc",), ("abd",)], "ab", "run", "db")
    with pytest.raises(StoreError, match="no run 'zz' in db"):
        one_by_prefix([], "zz", "run", "db")
    with Store(tmp_path / "s.duckdb") as store:
        store.con.execute("CREATE TABLE t (id VARCHAR)")
        store.con.execute("INSERT INTO t VALUES ('run-1'), ('run_2')")
        got = store.con.execute("SELECT id FROM t WHERE starts_with(id, ?)", ["%"]).fetchall()
        assert got == []


def _read_cold(store: Store, version: int):
    import critmin.data.store as store_module

    store_module._LOADED.clear()
    return store.load(version)


@pytest.mark.parametrize("folder", ["tests/data/mini", "tests/data/elements", None])
def test_a_remembered_dataset_is_what_a_read_gives(db, folder):
    """Store.load keeps the datasets it read or stored: the frames a later load gets are the
    ones a read from the file gives, types included."""
    import pandas as pd

    from critmin.data.dataset import read_dataset
    from critmin.data.store import Provenance

    with Store(db) as store:
        dataset = load_builtin() if folder is None else read_dataset(folder)
        v = store.add(dataset, Provenance("critmin", "x", "0" * 64, {}))
        remembered = store.load(v)
        read = _read_cold(store, v)
        assert remembered.meta == read.meta
        for name in read.tables:
            pd.testing.assert_frame_equal(remembered.tables[name], read.tables[name], obj=name)


def test_a_loaded_frame_changed_by_its_caller_changes_no_later_load(db):
    with Store(db) as store:
        first = store.load(1)
        first.tables["production"].loc[0, "quantity_t"] = -1.0
        first.tables["products"]["id"] = "changed"
        again = store.load(1)
        assert again.equals(load_builtin())


def test_a_copy_of_the_store_file_and_a_new_version_load_right(db, tmp_path, mini):
    import shutil

    with Store(db) as store:
        store.load(1)
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    with Store(copy) as store:
        assert store.load(1).equals(load_builtin())
        v = import_path(store, "tests/data/mini", "critmin").version
        assert store.load(v).equals(mini)
    with Store(db) as store:  # the same version number in the original is another dataset
        v2 = import_path(store, "tests/data/elements", "critmin").version
        assert v2 == v and not store.load(v2).equals(mini)


def test_a_number_in_a_text_column_is_read_back_as_the_store_keeps_it(db, mini):
    from critmin.data.store import Provenance

    products = mini.tables["products"].copy()
    products["name"] = products["name"].astype(object)
    products.loc[0, "name"] = 5  # what a careless caller of the Python API could pass
    with Store(db) as store:
        v = store.add(mini.replace(products=products), Provenance("critmin", "x", "0" * 64, {}))
        assert store.load(v).tables["products"].loc[0, "name"] == "5"
