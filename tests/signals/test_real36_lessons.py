"""Lessons from real36/dev (issue 14): pages named in each test.

real36 (58 pages, stories new to the corpus) was collected by two helpers that read no critmin
code and reported counts only; its blind half is only run, never read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.pipeline import process_paths

DEV = Path(__file__).resolve().parents[1] / "data" / "signals" / "real36" / "dev" / "articles"
pytestmark = pytest.mark.usefixtures("lexical_only")


def _events(name: str) -> list[tuple[str, list[str], list[str]]]:
    (article,) = process_paths([DEV / name], in_process=True)
    return [(e.type, e.countries, e.materials) for e in article.events]


def test_a_hard_wrapped_wire_story_is_read_as_paragraphs():
    # Reuters copy kept at its 60-character lines: "... anunció el viernes el" / "cierre temporal"
    assert _events("es_candelahd_antapaccay-cierre.txt") == [("outage", ["PER"], ["Cu"])]
    doc = clean_text(
        "Titular de la noticia sobre el cobre\n\n"
        "La mina de cobre anunció el viernes el\ncierre temporal de sus operaciones tras sufrir\n"
        "un nuevo ataque de manifestantes, en la que\nquemaron algunas zonas del campamento.\n\n"
        "Inicio\nnoticias\nmundo"
    )
    assert "el viernes el cierre temporal de sus operaciones tras sufrir un nuevo" in doc.text
    assert "noticias" in doc.removed  # short menu lines are no wrapped paragraph: kept apart


def test_a_founder_from_another_country_is_a_bystander_of_a_sanction():
    # "Уральская ГМК с учредителем из Узбекистана попала под санкции США"
    assert _events("ru_usaone_ugmk-sanktsii-ssha.txt") == [("sanction", ["USA"], ["Cu"])]


def test_takeover_bids_are_investments_and_care_and_maintenance_an_outage():
    assert ("investment", ["AUS", "GBR"], ["Cu"]) in _events("ru_kommersant_bhp-anglo-offer.txt")
    assert "investment" in {t for t, _, _ in _events("cs_newstream_anglo-odmitla-bhp.txt")}
    # "mettrait son projet de nickel Cosmos ... en état d'entretien et de maintenance"
    assert ("outage", ["AUS"], ["Ni"]) in _events("fr_zonebourse_igo-cosmos-gel.txt")


def test_reaching_consensus_is_an_agreement_in_chinese():
    # "洛陽鉬業與剛果(金)國家礦業公司(Gécamines)就TFM權益金問題達成共識"
    assert [t for t, _, _ in _events("zh-Hant_tybsix_cmoc-tfm-quanyijin.txt")] == ["agreement"]


def test_a_tariff_without_a_rate_beside_a_price_move_is_its_cause():
    data = DEV.parents[2]
    for page in ("real29/dev/articles/el_euro2day_copper-record-12000.txt",
                 "real27/dev/articles/fa_utotimes_mes-rekord-tarikhi.txt"):  # fmt: skip
        (article,) = process_paths([data / page], in_process=True)
        assert [e.type for e in article.events] == ["price_move"], page
    # a tariff with its rate beside the move stays an event of its own
    (article,) = process_paths(
        [data / "real21/dev/articles/th_metalcom_us-copper-semis-tariff.txt"], in_process=True
    )
    assert {"tariff", "price_move"} <= {e.type for e in article.events}
