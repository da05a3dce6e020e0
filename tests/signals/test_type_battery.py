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


B2 = [
    (
        "sanction",
        "ru",
        "США ввели санкции против китайского производителя графита\nМинфин США ввел санкции против производителя графита из Китая.",
    ),
    (
        "sanction",
        "ar",
        "عقوبات أمريكية على شركة صينية للغرافيت\nفرضت وزارة الخزانة الأمريكية عقوبات على شركة صينية منتجة للغرافيت.",
    ),
    (
        "sanction",
        "de",
        "USA verhängen Sanktionen gegen Nickelkonzern\nDie USA haben Sanktionen gegen einen russischen Nickelkonzern verhängt.",
    ),
    (
        "tariff",
        "ja",
        "米国、中国製磁石に25%の関税\n米政府は中国製のレアアース磁石に25%の関税を課すと発表した。",
    ),
    (
        "tariff",
        "ko",
        "미국, 중국산 흑연에 93% 관세\n미국 상무부가 중국산 흑연 음극재에 93%의 반덤핑 관세를 부과했다.",
    ),
    (
        "tariff",
        "fr",
        "Washington impose des droits de douane de 50% sur le cuivre\nLes États-Unis imposeront des droits de douane de 50% sur le cuivre.",
    ),
    ("tariff", "zh", "美国对中国石墨加征关税\n美国宣布对中国石墨产品加征25%关税。"),
    (
        "stockpile",
        "de",
        "Deutschland plant Rohstoffreserve für Seltene Erden\nDie Bundesregierung will eine strategische Reserve für Seltene Erden aufbauen.",
    ),
    (
        "stockpile",
        "fr",
        "L'UE va constituer des stocks stratégiques de terres rares\nBruxelles veut créer des stocks stratégiques de terres rares et de gallium.",
    ),
    ("stockpile", "zh", "国家储备局收储钴\n国家储备局计划收储钴金属。"),
    ("outage", "zh", "江西稀土矿因洪水停产\n受洪水影响，江西多家稀土矿山停产。"),
    (
        "outage",
        "ru",
        "Норникель остановил производство никеля\nНорникель приостановил производство никеля на одном из заводов после аварии.",
    ),
    (
        "outage",
        "ja",
        "ミャンマーのレアアース鉱山が操業停止\nミャンマー北部のレアアース鉱山が戦闘の影響で操業を停止した。",
    ),
    (
        "outage",
        "id",
        "Tambang nikel berhenti beroperasi akibat banjir\nBanjir memaksa tambang nikel di Sulawesi menghentikan produksi.",
    ),
    ("price_move", "ja", "ジスプロシウム価格が急騰\nジスプロシウムの価格が今週20%上昇した。"),
    ("price_move", "ko", "리튬 가격 급락\n탄산리튬 가격이 이번 달 15% 하락했다."),
    ("price_move", "ar", "ارتفاع أسعار الكوبالت\nارتفعت أسعار الكوبالت بنسبة 50% منذ فبراير."),
    (
        "price_move",
        "es",
        "El precio del litio se desploma\nEl precio del litio cayó un 20% en el último mes.",
    ),
    ("price_move", "ru", "Цены на сурьму выросли вдвое\nЦены на сурьму выросли на 100% за год."),
    (
        "investment",
        "es",
        "El Gobierno invierte en una mina de litio\nEl Gobierno invertirá 500 millones de dólares en una mina de litio.",
    ),
    (
        "investment",
        "fr",
        "L'État investit dans une raffinerie de terres rares\nL'État va investir 100 millions d'euros dans une raffinerie de terres rares.",
    ),
    (
        "investment",
        "ko",
        "정부, 희토류 광산에 투자\n정부가 호주 희토류 광산에 1억 달러를 투자한다.",
    ),
    ("investment", "zh", "中国企业投资印尼镍项目\n中国企业将投资10亿美元建设印尼镍冶炼项目。"),
    (
        "investment",
        "de",
        "Bund beteiligt sich an Lithiumprojekt\nDer Bund investiert 100 Millionen Euro in ein Lithiumprojekt.",
    ),
    ("import_ban", "zh", "中国禁止进口美国铜精矿\n中国海关宣布禁止进口美国铜精矿。"),
    (
        "import_ban",
        "ru",
        "Россия запретила ввоз никеля\nПравительство запретило ввоз никеля из ряда стран.",
    ),
    (
        "price_floor",
        "ja",
        "米国防総省、ネオジムに最低価格を保証\n国防総省はNdPr酸化物に1キロ当たり110ドルの最低価格を保証した。",
    ),
    (
        "price_floor",
        "zh",
        "美国为稀土设定价格下限\n美国国防部为氧化镨钕设定每公斤110美元的价格下限。",
    ),
    (
        "agreement",
        "ar",
        "اتفاق أمريكي ياباني بشأن المعادن الحيوية\nوقعت الولايات المتحدة واليابان اتفاقا بشأن المعادن الحيوية والعناصر الأرضية النادرة.",
    ),
    (
        "agreement",
        "de",
        "USA und Japan unterzeichnen Rohstoffabkommen\nDie USA und Japan haben ein Abkommen über Seltene Erden unterzeichnet.",
    ),
    (
        "agreement",
        "uk",
        "США та Україна підписали угоду про надра\nСША та Україна підписали угоду про корисні копалини.",
    ),
    ("agreement", "zh", "美日签署关键矿产协议\n美国和日本签署了关于稀土供应的框架协议。"),
]
NEG = [
    "Football club signs new striker\nThe club signed a three-year agreement with the striker on Monday.",
    "Stock market closes higher\nShares rose 2% on Monday as tech stocks rallied.",
    "Weather: floods in Spain\nHeavy rain caused floods in Valencia, closing roads and schools.",
    "Bitcoin miners halt operations\nSeveral bitcoin mining firms halted operations after power prices jumped.",
    "Oil prices rise 3%\nBrent crude prices rose 3% on supply concerns.",
]


@pytest.mark.parametrize(
    ("etype", "lang", "raw"), B2, ids=[f"{t}-{lang}-{i}" for i, (t, lang, _) in enumerate(B2)]
)
def test_more_wordings_yield_their_type(etype: str, lang: str, raw: str) -> None:
    assert {e.type for e in extract_events(clean_text(raw), "x")} == {etype}


@pytest.mark.parametrize("raw", NEG)
def test_off_topic_news_yields_no_event(raw: str) -> None:
    assert extract_events(clean_text(raw), "x") == []
