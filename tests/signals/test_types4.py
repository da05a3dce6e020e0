"""Issue 14 (types4): event types that generalise. Every text here was written for this file
(no page's wording); each test failed before its rule."""

from __future__ import annotations

import pytest

from critmin.signals import embed
from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events, split_sentences
from critmin.signals.lexicon import fold, load


def _types(raw: str) -> set[str]:
    return {e.type for e in extract_events(clean_text(raw), "x")}


# -- traditional Chinese reads the simplified lexicons ----------------------------------------
def test_traditional_characters_fold_to_simplified():
    assert fold("關稅") == fold("关税")
    assert fold("暫停進口") == fold("暂停进口")
    assert len(fold("價格上漲")) == len("價格上漲")  # one to one: offsets keep
    han = load("han")
    assert len("".join(han["traditional"])) == len("".join(han["simplified"]))


@pytest.mark.parametrize(
    ("raw", "etype"),
    [
        ("美國對中國釹鐵硼磁鐵加徵25%關稅\n白宮宣布，自下月起對中國製造的稀土磁鐵加徵25%關稅。",
         "tariff"),
        ("北京暫停進口美國銅精礦\n中國海關宣布即日起暫停進口美國銅精礦，理由是檢出有害物質。",
         "import_ban"),
        ("氧化鏑價格飆漲三成\n受供應緊張影響，氧化鏑價格本週上漲30%，創下兩年新高。", "price_move"),
    ],
)  # fmt: skip
def test_a_traditional_chinese_text_is_typed(raw, etype):
    assert etype in _types(raw)


# -- a deal's price floor survives the embedding check ---------------------------------------
@pytest.fixture
def _embed_on():
    embed.set_enabled("types")
    yield
    embed.set_enabled(None)


@pytest.mark.usefixtures("_embed_on")
def test_a_price_floor_beside_a_deal_is_kept_with_the_second_signal():
    raw = (
        "Canadá y Corea firman un acuerdo sobre minerales críticos\n"
        "Los gobiernos de Canadá y Corea del Sur firmaron un acuerdo para asegurar el suministro "
        "de tierras raras y grafito. Ambos países cooperarán en proyectos de refinado. Además, "
        "se fijará un precio mínimo para el grafito natural. El acuerdo se firmó en Ottawa."
    )
    assert {"agreement", "price_floor"} <= _types(raw)


# -- sentences --------------------------------------------------------------------------------
def test_ee_uu_does_not_end_a_sentence():
    text = "Además, China y EE. UU. acordaron rebajar aranceles al cobalto. Otra frase."
    first = "Además, China y EE. UU. acordaron rebajar aranceles al cobalto."
    assert split_sentences(text) == [first, "Otra frase."]


# -- a price move whose material is named in the sentence before ------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "Washington impone aranceles al cobre\nEl gobierno anunció un arancel del 40% a las "
        "importaciones de cobre refinado. El precio del metal subió un 9% hasta un récord de "
        "11.200 dólares por tonelada. Los fabricantes critican la medida. El arancel entra en "
        "vigor en agosto. Otros países estudian aranceles similares.",
        "Washington erhebt Zölle auf Nickel\nDie Regierung kündigte einen Zoll von 40 Prozent "
        "auf Einfuhren von Nickel an. Der Preis für das Metall stieg daraufhin um 9 Prozent. "
        "Die Hersteller kritisieren den Zoll. Der Zoll gilt ab August. Weitere Zölle folgen.",
    ],
)
def test_a_figure_for_the_metal_named_before_is_a_price_move(raw):
    assert {"tariff", "price_move"} <= _types(raw)


# -- 'at the time': a back-reference is background --------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "中国暂停实施稀土出口管制\n商务部宣布暂停实施稀土出口管制措施一年。该措施于十月公布。"
        "美国总统当时扬言对中国商品加征100%的关税。",
        "China suspends its rare earth export controls\nThe commerce ministry suspended the "
        "export controls on rare earths for one year. The controls were announced in October. "
        "Washington at the time threatened a 100% tariff on all Chinese goods.",
    ],
)
def test_a_threat_recalled_at_the_time_is_no_event(raw):
    assert _types(raw) == {"export_control"}


# -- trigger words per type in the 17 languages ------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "etype"),
    [
        ("Brasil sobe taxa sobre cobre\nO governo elevou a taxa de importação do cobre refinado "
         "para 15%.", "tariff"),
        ("Devlet nadir toprak şirketine ortak oldu\nHazine, nadir toprak elementleri üreten "
         "şirketin en büyük hissedarı oldu.", "investment"),
        ("Antimon lập đỉnh\nGiá antimon leo lên mức cao nhất trong lịch sử tuần này.",
         "price_move"),
        ("Harga kobalt\nHarga kobalt melambung 40 persen dalam sebulan.", "price_move"),
        ("چین و گالیم\nچین محدودیتهای صادراتی گالیم را تشدید کرد.", "export_control"),
        ("الليثيوم\nالحكومة ستستثمر مليار دولار في مصفاة لليثيوم.", "investment"),
        ("Lithium\nDer Staat erwirbt Anteile an einem Lithiumproduzenten in Sachsen.",
         "investment"),
        ("Neodym\nDas Ministerium garantiert dem Hersteller einen Abnahmepreis für Neodym.",
         "price_floor"),
        ("Litio\nEl fondo estatal se convirtió en el mayor accionista de la minera de litio.",
         "investment"),
        ("희토류\n희토류 가격이 한 달 새 치솟았다.", "price_move"),
        ("レアアース\n政府はレアアース企業の筆頭株主になった。", "investment"),
        ("氧化镨钕\n氧化镨钕价格攀升至年内高位。", "price_move"),
        ("Bakır\nŞili'deki bakır madeninde üretim durdu.", "outage"),
        ("Đất hiếm\nMỏ đất hiếm ở Myanmar ngừng khai thác sau giao tranh.", "outage"),
        ("Galium\nGalium dan germanium tidak lagi diekspor ke Amerika Serikat.", "export_control"),
        ("Terras raras\nBrasil e Japão assinaram um pacto sobre terras raras.", "agreement"),
        ("Cobalto\nLe Congo a bloqué les exportations de cobalt pour quatre mois.",
         "export_control"),
        ("Кобальт\nКонго ввело запрет на вывоз кобальта на четыре месяца.", "export_control"),
    ],
)  # fmt: skip
def test_newsroom_wordings_are_triggers(raw, etype):
    assert etype in _types(raw)


# -- a price at a record is notable as a figure is ---------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "Flood stops the Kamoto copper mine\nA flood halted production at the copper mine on "
        "Monday. The operator declared force majeure on copper deliveries. Production will stay "
        "halted for weeks. Copper prices jumped to a six-month high on supply fears.",
        "Banjir hentikan tambang tembaga\nBanjir menghentikan produksi di tambang tembaga itu. "
        "Operasi dihentikan sampai pekan depan. Produksi dihentikan sementara. Harga tembaga "
        "melonjak ke level tertinggi dalam enam bulan.",
        "洪水致铜矿停产\n洪水导致该铜矿停产。矿山宣布不可抗力。停产将持续数周。铜价格上涨至历史新高。",
    ],
)
def test_a_price_at_a_record_is_a_side_event(raw):
    assert _types(raw) == {"outage", "price_move"}


def test_a_side_price_floor_naming_no_material_takes_none():
    raw = (
        "Japan and India sign a rare earth deal\nJapan and India signed an agreement on the "
        "supply of rare earths and lithium. The two governments will cooperate on refining "
        "rare earths. A price floor will be set for critical minerals. Officials called the "
        "agreement historic."
    )
    events = {e.type: e for e in extract_events(clean_text(raw), "x")}
    assert events["price_floor"].materials == []
    assert "REE" in events["agreement"].materials
