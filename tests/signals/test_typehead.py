"""The page type head: a learnt check of the rules' types by the page's meaning (opt-in)."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest

from critmin.signals import embed, typehead
from critmin.signals.extract import EVENT_TYPES
from critmin.signals.pipeline import process_paths

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"


@pytest.fixture(autouse=True)
def _model_on():
    embed.set_enabled("types")
    yield
    embed.set_enabled(None)
    typehead.set_enabled(None)


def _types(path: Path, head: bool) -> list[str]:
    typehead.set_enabled(head)
    (article,) = process_paths([path], in_process=True)
    return sorted(e.type for e in article.events)


def test_the_shipped_head_says_what_it_was_trained_on():
    doc = json.loads(files("critmin.signals").joinpath("lexicon", typehead.HEAD_FILE)
                     .read_text("utf-8"))  # fmt: skip
    assert doc["types"] == list(EVENT_TYPES)
    assert np.asarray(doc["weights"]).shape == (len(EVENT_TYPES), embed.DIM + 1)
    assert doc["sets"] and all(name.endswith("-dev") for name in doc["sets"])  # never blind
    assert doc["pages"] > 1000 and "bench/train_type_head.py" in doc["source"]
    assert doc["scale"] == typehead.SCALE


def test_it_reads_the_type_in_several_languages():
    texts = {
        "agreement": "The United States and Japan signed a framework agreement to secure "
                     "supplies of critical minerals and rare earths.",
        "export_control": "中国商务部宣布对镓、锗相关物项实施出口管制，8月1日起正式实施。",
        "outage": "Le gisement de cuivre de Grasberg est à l'arrêt après une coulée de boue "
                  "meurtrière, la production est suspendue.",
        "price_move": "Цены на литий выросли на 20% за неделю на фоне дефицита предложения.",
        "tariff": "Trump impone un arancel del 50% a las importaciones de cobre a partir "
                  "del 1 de agosto.",
    }  # fmt: skip
    probs = typehead.probabilities(list(texts.values()))
    for want, p in zip(texts, probs, strict=True):
        assert max(p, key=p.get) == want, (want, p)
        assert all(0.0 <= v <= 1.0 for v in p.values())


def test_page_text_is_the_headline_and_two_sentences_cut():
    text = typehead.page_text("Headline", ["One.", "Two.", "Three."])
    assert text == "Headline One. Two."
    assert len(typehead.page_text("x" * 500, [])) == typehead.MAX_CHARS


def test_off_by_default_and_a_bad_setting_is_an_error(monkeypatch):
    monkeypatch.delenv("CRITMIN_SIGNALS_TYPE_HEAD", raising=False)
    assert not typehead.enabled()
    monkeypatch.setenv("CRITMIN_SIGNALS_TYPE_HEAD", "on")
    assert typehead.enabled()
    monkeypatch.setenv("CRITMIN_SIGNALS_TYPE_HEAD", "maybe")
    with pytest.raises(ValueError, match="CRITMIN_SIGNALS_TYPE_HEAD"):
        typehead.enabled()


def test_it_drops_a_secondary_type_the_page_does_not_mean():
    # real42/dev: Indonesia halts three nickel miners (an outage); the ministry's sanction
    # words made a second type the key does not give
    page = (
        DATA
        / "real42"
        / "dev"
        / "articles"
        / "id_nikel_tiga-perusahaan-tambang-nikel-malut-disetop.txt"
    )
    assert _types(page, head=False) == ["outage", "sanction"]
    assert _types(page, head=True) == ["outage"]


def test_it_adds_a_type_the_page_triggers_and_means():
    # real40/dev: a landslide stops work at the Morowali park (IMIP): the key's outage, which
    # the rules' weighing had left out
    page = DATA / "real40" / "dev" / "articles" / "id_babeindonesia_longsor-imip-morowali.txt"
    assert "outage" not in _types(page, head=False)
    assert "outage" in _types(page, head=True)


def test_the_best_type_is_never_dropped():
    # the gate checks secondary types only: a page keeps its main event (stories link by it)
    page = DATA / "real43" / "dev" / "articles" / "ko_daum_li-cycle-375m-conditional.txt"
    assert _types(page, head=False) == ["investment", "price_move"]
    assert _types(page, head=True) == ["investment"]


def test_fit_separates_what_is_separable():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    w = typehead.fit(x, y, lam=0.1)
    p = 1.0 / (1.0 + np.exp(-(x @ w[:-1] + w[-1])))
    assert ((p > 0.5) == (y == 1)).mean() > 0.95
