"""``critmin signals`` end to end on a temporary folder; all-or-nothing ingest."""

from __future__ import annotations

import json
from datetime import date

import pytest
import yaml
from typer.testing import CliRunner

from critmin.cli.main import app
from critmin.data.signals import counts, ingest
from critmin.data.store import Store
from critmin.errors import StoreError
from critmin.signals.pipeline import process_paths
from critmin.simulate import parse_scenario

runner = CliRunner()
ARTICLES = {
    "a_en.txt": "China expands export controls on rare earths\ndate 2025-10-09\n"
    "China's commerce ministry added dysprosium and terbium to its export control list, "
    "requiring licences for shipments to Japan.\nRead more: lithium prices\n",
    "a_ru.txt": "Китай расширил экспортный контроль на редкоземельные металлы\ndate 2025-10-10\n"
    "Пекин ввёл экспортный контроль на диспрозий и тербий, в том числе для поставок в Японию.\n",
    "b_de.html": "<html><body><nav>Start | Politik</nav><article><h1>Lynas investiert in Texas</h1>"
    "<p>date 2025-11-02</p><p>Der australische Konzern Lynas kündigte eine Investition von 1,5 "
    "Milliarden Dollar in eine Anlage für Seltene Erden in den USA an.</p></article>"
    "<footer>Alle Rechte vorbehalten</footer></body></html>",
    "err.html": "<html><body><h1>404</h1><p>Page not found</p></body></html>",
}


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    for name, text in ARTICLES.items():
        (d / name).write_text(text, encoding="utf-8")
    return d


def cli(db, *args):
    return runner.invoke(app, ["--db", str(db), *map(str, args)])


def test_cli_end_to_end(folder, db, tmp_path):
    r = cli(db, "signals", "ingest", folder, "--format", "json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["dataset"]["articles"] == 4 and out["dataset"]["error pages"] == 1
    assert {e["type"] for e in out["events"]} == {"export_control", "investment"}

    r = cli(db, "signals", "list", "--type", "export_control", "--country", "Japan",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert sorted(e["article_id"] for e in json.loads(r.stdout)["events"]) == ["a_en", "a_ru"]

    r = cli(db, "signals", "stories", "--format", "json")
    stories = json.loads(r.stdout)["stories"]
    assert [s["articles"] for s in stories] == [["a_en", "a_ru"]]

    r = cli(db, "signals", "show", "a_en")
    assert r.exit_code == 0 and "dysprosium" in r.stdout and "Read more" not in r.stdout

    out_file = tmp_path / "draft.yaml"
    r = cli(db, "signals", "scenario", "a_en:export_control", "--out", out_file)
    assert r.exit_code == 0, r.output
    sc = parse_scenario(yaml.safe_load(out_file.read_text(encoding="utf-8")))
    assert sc.restrictions[0].exporter == "CHN" and sc.restrictions[0].elements == ["Dy", "Tb"]

    r = cli(db, "signals", "scenario", "b_de:investment")
    assert r.exit_code == 2 and "no scenario" in r.output

    r = cli(db, "signals", "timeline", "--material", "Dy", "--format", "json")
    rows = json.loads(r.stdout)["timeline"]
    assert [x["date"] for x in rows] == ["2025-10-09", "2025-10-10"]

    r = cli(db, "signals", "ingest", tmp_path / "missing")
    assert r.exit_code == 2 and "no such file" in " ".join(r.output.split())  # rich wraps


def test_ingest_is_all_or_nothing(folder, db):
    articles = process_paths([folder])
    with Store(db) as store:
        ingest(store, articles[:1])
        before = counts(store)
        with pytest.raises(StoreError):
            ingest(store, articles, fail_after=2)
        assert counts(store) == before
        ingest(store, articles)
        assert counts(store)["articles"] == 4


def test_show_json_and_ingest_json_give_the_stored_structure(folder, db):
    """Issue 14: ``show --format json`` failed on the ingest Timestamp; ``ingest --format
    json`` printed quantities as strings while ``list`` gives ``{"value", "unit"}``."""
    r = cli(db, "signals", "ingest", folder, "--format", "json")
    assert r.exit_code == 0, r.output
    ingested = {e["id"]: e for e in json.loads(r.stdout)["events"]}
    listed = {e["id"]: e for e in json.loads(cli(db, "signals", "list", "--format",
                                                     "json").stdout)["events"]}  # fmt: skip
    assert ingested["b_de:investment"]["quantities"] == [{"value": 1.5e9, "unit": "USD"}]
    for eid, e in ingested.items():
        assert e["quantities"] == listed[eid]["quantities"]
        assert {"date", "effective_date"} <= set(e)

    r = cli(db, "signals", "show", "a_en", "--format", "json")
    assert r.exit_code == 0, r.output
    art = json.loads(r.stdout)
    assert art["date"] == "2025-10-09" and art["ingested_at"][:2] == "20"
    assert art["events"][0]["date"] == "2025-10-09" and "effective_date" in art["events"][0]

    r = cli(db, "signals", "show", "a_en")
    assert "article date 2025-10-09" in r.stdout and "takes effect" in r.stdout


def test_jsonable_dates():
    import numpy as np
    import pandas as pd

    from critmin.jsonable import dumps

    out = json.loads(dumps({"t": pd.Timestamp("2025-10-09 08:00"), "d": date(2025, 1, 2),
                            "n": pd.NaT, "x": np.datetime64("2025-10-09")}))  # fmt: skip
    assert out == {
        "t": "2025-10-09T08:00:00",
        "d": "2025-01-02",
        "n": None,
        "x": "2025-10-09T00:00:00",
    }


def test_a_store_made_before_effective_dates_gets_the_column(folder, db):
    """A store whose ``signal_events`` table predates ``effective_date`` takes the column."""
    with Store(db) as store:
        store.con.execute(
            "CREATE TABLE signal_events (id VARCHAR PRIMARY KEY, article_id VARCHAR, type VARCHAR, "
            "countries VARCHAR, companies VARCHAR, people VARCHAR, materials VARCHAR, quantities "
            "VARCHAR, date VARCHAR, evidence VARCHAR, language VARCHAR, score DOUBLE, sentences "
            "VARCHAR)"
        )
        ingest(store, process_paths([folder]))
        assert counts(store)["events"] == 3
    r = cli(db, "signals", "list", "--format", "json")
    assert r.exit_code == 0, r.output
    assert all("effective_date" in e for e in json.loads(r.stdout)["events"])


def test_a_gallium_control_is_drafted_on_the_gallium_chain(tmp_path, db):
    """The draft restricts the chain the event names (the dataset's catalogue), not rare
    earths; the API's draft endpoint does the same."""
    d = tmp_path / "ga"
    d.mkdir()
    (d / "ga_en.txt").write_text(
        "China bans gallium exports to the United States\ndate 2024-12-03\nChina's commerce "
        "ministry banned exports of gallium and germanium to the United States.\n",
        encoding="utf-8",
    )
    assert cli(db, "signals", "ingest", d).exit_code == 0
    r = cli(db, "signals", "scenario", "ga_en:export_control")
    assert r.exit_code == 0, r.output
    sc = parse_scenario(yaml.safe_load(r.stdout))
    products = set(sc.restrictions[0].products)
    assert {"gallium_primary", "germanium_refinery"} <= products
    assert not products & {"re_oxides", "re_metals", "ndfeb_magnets"}
