# ruff: noqa: E501  (a table of one-line test texts)
"""Typical headline and lede wordings of each event type in 17 languages (own texts): each
yields exactly its type. A regression battery for the trigger lexicons."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events

B = [
    (
        "export_control",
        "en",
        "China restricts exports of gallium and germanium\nBeijing will require licences to export gallium and germanium from August 1.",
    ),
    (
        "export_control",
        "en",
        "China halts antimony shipments to the US\nChina stopped shipping antimony to the United States on Tuesday.",
    ),
    (
        "export_control",
        "es",
        "China prohíbe la exportación de galio a EE.UU.\nPekín prohibió el martes la exportación de galio y germanio a Estados Unidos.",
    ),
    (
        "export_control",
        "fr",
        "La Chine durcit ses contrôles sur les terres rares\nPékin a annoncé de nouvelles restrictions à l'exportation de terres rares.",
    ),
    (
        "export_control",
        "de",
        "China verschärft Exportkontrollen für Seltene Erden\nPeking hat neue Ausfuhrbeschränkungen für Seltene Erden angekündigt.",
    ),
    (
        "export_control",
        "ru",
        "Китай ограничил экспорт редкоземельных металлов\nПекин ввел лицензирование экспорта редкоземельных металлов.",
    ),
    (
        "export_control",
        "zh",
        "商务部对稀土相关物项实施出口管制\n商务部宣布对部分稀土相关物项实施出口管制。",
    ),
    (
        "export_control",
        "ja",
        "中国、レアアースの輸出規制を強化\n中国商務省はレアアース関連技術の輸出規制を発表した。",
    ),
    (
        "export_control",
        "ko",
        "중국, 희토류 수출 통제 강화\n중국 상무부가 희토류 관련 기술의 수출을 통제한다고 발표했다.",
    ),
    (
        "export_control",
        "ar",
        "الصين تقيد صادرات المعادن النادرة\nأعلنت بكين فرض قيود على تصدير المعادن الأرضية النادرة.",
    ),
    (
        "import_ban",
        "en",
        "US bans imports of Russian uranium and nickel\nThe United States banned imports of Russian nickel on Monday.",
    ),
    (
        "sanction",
        "en",
        "US sanctions Chinese graphite producer\nThe Treasury imposed sanctions on a Chinese graphite producer.",
    ),
    (
        "sanction",
        "zh",
        "中方将美国军工企业列入不可靠实体清单\n商务部宣布将多家美国企业列入不可靠实体清单，涉及稀土。",
    ),
    (
        "tariff",
        "en",
        "US slaps 25% tariff on Chinese magnets\nWashington imposed a 25% tariff on rare-earth magnets from China.",
    ),
    (
        "tariff",
        "es",
        "EE.UU. impone aranceles del 50% al cobre\nTrump anunció aranceles del 50% a las importaciones de cobre.",
    ),
    (
        "investment",
        "en",
        "Pentagon takes $400 million stake in MP Materials\nThe Defense Department will buy $400 million of preferred stock in the rare earth miner.",
    ),
    (
        "investment",
        "ja",
        "JOGMECがレアアース事業に出資\nJOGMECは豪州のレアアース事業に200億円を出資する。",
    ),
    (
        "price_floor",
        "en",
        "US sets price floor for NdPr\nThe Pentagon guaranteed a minimum price of $110 per kilogram for NdPr oxide.",
    ),
    (
        "stockpile",
        "en",
        "Japan to expand rare metal stockpile\nJapan will expand its national stockpile of rare earths and gallium.",
    ),
    (
        "stockpile",
        "ko",
        "정부, 핵심광물 비축 확대\n정부가 희토류와 갈륨 비축 물량을 늘리기로 했다.",
    ),
    (
        "outage",
        "en",
        "Floods halt production at Chinese rare earth mines\nHeavy floods forced rare earth mines in Jiangxi to suspend production.",
    ),
    (
        "outage",
        "es",
        "Un derrumbe paraliza la mina de cobre\nUn derrumbe obligó a suspender la producción en la mina de cobre.",
    ),
    (
        "price_move",
        "en",
        "Dysprosium prices jump 20%\nDysprosium oxide prices rose 20% this week on supply fears.",
    ),
    ("price_move", "zh", "氧化镝价格上涨\n本周氧化镝价格上涨20%。"),
    (
        "price_move",
        "de",
        "Kobaltpreis steigt um 50 Prozent\nDer Kobaltpreis ist seit Februar um 50 Prozent gestiegen.",
    ),
    (
        "agreement",
        "en",
        "US and Japan sign critical minerals framework\nThe United States and Japan signed a framework on rare earths supply.",
    ),
    (
        "agreement",
        "ru",
        "США и Украина подписали соглашение о недрах\nСША и Украина подписали соглашение о полезных ископаемых.",
    ),
    (
        "agreement",
        "tr",
        "ABD ile Japonya kritik mineral anlaşması imzaladı\nABD ve Japonya nadir toprak elementleri konusunda anlaşma imzaladı.",
    ),
    (
        "agreement",
        "vi",
        "Mỹ và Nhật ký thỏa thuận đất hiếm\nMỹ và Nhật Bản đã ký thỏa thuận về đất hiếm.",
    ),
    (
        "agreement",
        "id",
        "AS dan Jepang teken perjanjian mineral kritis\nAmerika Serikat dan Jepang menandatangani perjanjian tanah jarang.",
    ),
    (
        "agreement",
        "hi",
        "अमेरिका और जापान ने रेयर अर्थ समझौते पर हस्ताक्षर किए\nअमेरिका और जापान ने दुर्लभ पृथ्वी खनिजों पर समझौता किया।",
    ),
    (
        "agreement",
        "fa",
        "آمریکا و ژاپن توافقنامه عناصر کمیاب امضا کردند\nآمریکا و ژاپن توافقنامه‌ای درباره عناصر خاکی کمیاب امضا کردند.",
    ),
    (
        "export_control",
        "uk",
        "Китай обмежив експорт галію\nПекін запровадив ліцензування експорту галію та германію.",
    ),
    (
        "export_control",
        "pt",
        "China restringe exportações de terras raras\nPequim anunciou novas restrições à exportação de terras raras.",
    ),
    (
        "export_control",
        "it",
        "La Cina limita l'export di terre rare\nPechino ha annunciato nuove restrizioni all'esportazione di terre rare.",
    ),
    (
        "export_control",
        "tr",
        "Çin nadir toprak ihracatını kısıtladı\nPekin, nadir toprak elementlerinin ihracatına kısıtlama getirdi.",
    ),
    (
        "export_control",
        "vi",
        "Trung Quốc hạn chế xuất khẩu đất hiếm\nBắc Kinh thông báo hạn chế xuất khẩu đất hiếm.",
    ),
    (
        "export_control",
        "id",
        "China batasi ekspor tanah jarang\nBeijing mengumumkan pembatasan ekspor logam tanah jarang.",
    ),
    (
        "export_control",
        "hi",
        "चीन ने रेयर अर्थ के निर्यात पर रोक लगाई\nचीन ने दुर्लभ पृथ्वी तत्वों के निर्यात पर प्रतिबंध लगा दिया।",
    ),
    (
        "export_control",
        "fa",
        "چین صادرات عناصر کمیاب را محدود کرد\nپکن محدودیت‌های جدیدی بر صادرات عناصر خاکی کمیاب اعمال کرد.",
    ),
]


@pytest.mark.parametrize(
    ("etype", "lang", "raw"), B, ids=[f"{t}-{lang}-{i}" for i, (t, lang, _) in enumerate(B)]
)
def test_a_typical_wording_yields_its_type(etype: str, lang: str, raw: str) -> None:
    assert {e.type for e in extract_events(clean_text(raw), "x")} == {etype}
