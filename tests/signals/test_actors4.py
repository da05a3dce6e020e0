"""Issue 14, country precision: roles in which a named country is no actor of the event (the
rival a deal counters, the country whose dependence it reduces, the reporter's country, the
other side of tensions or of a response, an example, a dateline line), glued Korean sentences
and Korean words that are no country names. Every sentence was written for this test,
modelled on patterns of real pages, not copied from them."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import actor_countries, extract_events, split_sentences


def _events(raw: str):
    return {e.type: e for e in extract_events(clean_text(raw), "x")}


@pytest.mark.parametrize(("lang", "text", "want"), [
    # the rival a deal counters
    ("en", "Canada and Japan signed a pact on nickel to counter China.", ["CAN", "JPN"]),
    ("es", "Chile y Perú firmaron un pacto sobre litio para contrarrestar el peso de Rusia.",
     ["CHL", "PER"]),
    ("fr", "La France et l'Inde ont signé un accord sur le cobalt pour contrer la Chine.",
     ["FRA", "IND"]),
    ("de", "Kanada und Japan unterzeichneten ein Abkommen als Gegengewicht zu China.",
     ["CAN", "JPN"]),
    ("pt", "Brasil e Japão assinaram um acordo para fazer frente à China no lítio.",
     ["BRA", "JPN"]),
    ("ru", "Индия и Япония подписали соглашение, чтобы противостоять Китаю на рынке лития.",
     ["IND", "JPN"]),
    ("hi", "जापान ने चीन को टक्कर देने के लिए भारत से समझौता किया।", ["JPN", "IND"]),
    ("ko", "한국과 호주는 중국 견제를 위해 희토류 협정을 맺었다.", ["KOR", "AUS"]),
    ("ar", "وقعت كندا واليابان اتفاقا لمواجهة هيمنة الصين على المعادن.", ["CAN", "JPN"]),
    ("id", "Jepang dan India meneken perjanjian untuk mengimbangi China di pasar nikel.",
     ["JPN", "IND"]),
    ("vi", "Nhật Bản và Ấn Độ ký thỏa thuận nhằm tạo đối trọng với Trung Quốc.",
     ["JPN", "IND"]),
    # the country whose dominance or supply a deal reduces dependence on
    ("es", "El pacto busca reducir la dependencia de las tierras raras de China.", []),
    ("en", "The deal aims to loosen China's grip on the cobalt market, Canada said.", ["CAN"]),
    ("zh", "日本与印度签署协议,以对抗中国在稀土领域的影响。", ["JPN", "IND"]),
    ("tr", "Japonya ve Hindistan, Çin'e bağımlılığı azaltmak için anlaşma imzaladı.",
     ["JPN", "IND"]),
    # the reporter's country
    ("ja", "アメリカメディアによると、中国はレアアースの日本向け輸出を制限した。", ["CHN", "JPN"]),
    ("fr", "Selon les médias américains, la Chine a restreint ses exportations vers le Japon.",
     ["CHN", "JPN"]),
    ("ru", "Как сообщают американские СМИ, Китай ограничил экспорт в Японию.", ["CHN", "JPN"]),
    ("de", "Kanada und Japan wollen die China-Abhängigkeit bei Seltenen Erden senken.",
     ["CAN", "JPN"]),
    ("de", "China hat laut US-Medien die Ausfuhr von Gallium nach Japan beschränkt.",
     ["CHN", "JPN"]),
    # a sector a country dominates
    ("pt", "Brasil e Japão assinaram um acordo sobre terras raras, setor dominado pela China.",
     ["BRA", "JPN"]),
    ("ko", "한국과 호주는 중국이 장악한 희토류 공급망에 대응해 협정을 맺었다.", ["KOR", "AUS"]),
    # a backer's or a company's home country
    ("en", "Fighting between rebels and the Chinese-backed junta halted mines in Myanmar.",
     ["MMR"]),
    ("en", "A London-based analyst said Australia would cut lithium output.", ["AUS"]),
    # an actor stays one when it is named again in an actor's role
    ("en", "China restricted exports of gallium to cement its dominance of the market.",
     ["CHN"]),
])  # fmt: skip
def test_rival_and_reporter_countries_are_not_actors(lang, text, want):
    assert actor_countries(text, lang) == want


@pytest.mark.parametrize(("lang", "text", "want"), [
    ("fr", "La Chine a suspendu ses contrôles, qui avaient ravivé les tensions avec les "
           "États-Unis et l'Union européenne.", ["CHN"]),
    ("en", "China curbed antimony exports in response to US chip sanctions.", ["CHN"]),
    ("ru", "Китай ответил на американские пошлины ограничением экспорта галлия.", ["CHN"]),
    ("es", "China restringió las exportaciones de grafito en respuesta a Estados Unidos.",
     ["CHN"]),
])  # fmt: skip
def test_the_other_side_of_tensions_or_a_response_is_no_actor_of_a_measure(lang, text, want):
    assert actor_countries(text, lang, parties=True) == want


def test_a_before_cue_covers_the_country_joined_by_and():
    text = "The pact cuts Japan's reliance on the United States and the European Union."
    assert actor_countries(text, "en") == ["JPN"]


def test_an_example_sentence_gives_no_actors():
    raw = ("China sanctions ten US defence firms\n"
           "China on Friday put ten US defence firms on its export control list over rare "
           "earths. For example, Canada sold drones to Taiwan through some of these firms. "
           "The listed firms may no longer buy gallium or germanium from China.")  # fmt: skip
    events = _events(raw)
    assert "sanction" in events
    assert set(events["sanction"].countries) == {"CHN", "USA"}


def test_a_dateline_line_after_the_headline_is_no_actor():
    raw = ("China curbs gallium exports\n"
           "China curbs gallium exports from August\n"
           "PARIS, 3 Jul - AFP.\n"
           "China will restrict exports of gallium and germanium from August 1, the commerce "
           "ministry said.")  # fmt: skip
    events = _events(raw)
    assert events["export_control"].countries == ["CHN"]


def test_glued_korean_sentences_are_split():
    text = "한국과 일본은 희토류 협력을 강화하기로 했습니다.앞서 중국은 수출 통제를 예고했습니다."
    assert split_sentences(text) == ["한국과 일본은 희토류 협력을 강화하기로 했습니다.",
                                     "앞서 중국은 수출 통제를 예고했습니다."]  # fmt: skip
    assert split_sentences("가격은 3.5달러") == ["가격은 3.5달러"]


def test_korean_word_for_means_is_no_sudan():
    assert actor_countries("양국은 희토류 공급망 협력 수단을 마련하기로 했다.", "ko") == []


@pytest.mark.parametrize(("lang", "text", "want"), [
    ("zh", "这次日本对韩国的出口管制,很多做法其实像是美国的翻版。", ["JPN", "KOR"]),
    ("zh", "印度仿效美国,对中国的石墨实施进口限制。", ["IND", "CHN"]),
])  # fmt: skip
def test_a_country_named_as_a_model_is_no_actor(lang, text, want):
    assert actor_countries(text, lang) == want


def test_a_comparison_with_another_countrys_rule_is_background():
    raw = ("Beijing tightens magnet export rules\n"
           "China's commerce ministry on Friday tightened export controls on rare-earth "
           "magnets. The rules create China's own version of the Canadian transit rule that "
           "Ottawa applied to chip exports.")  # fmt: skip
    assert _events(raw)["export_control"].countries == ["CHN"]


@pytest.mark.parametrize(("lang", "raw"), [
    ("zh", "中国暂停稀土出口管制\n中国商务部宣布暂停实施稀土出口管制措施一年。"
           "俄罗斯总统与印度总理在北京会晤后,稀土管制暂停生效。"),
    ("ja", "中国がレアアース輸出を制限\n中国政府はレアアースの輸出を制限し始めた。"
           "インド首相のネパールをめぐる発言をめぐり、中国政府が日本向けの輸出規制を強めた。"),
])  # fmt: skip
def test_after_a_meeting_or_over_remarks_is_background(lang, raw):
    events = _events(raw)
    assert "export_control" in events, sorted(events)
    countries = set(events["export_control"].countries)
    assert countries & {"RUS", "IND", "NPL"} == set(), countries


def test_a_separate_event_gives_the_news_no_actors():
    raw = ("Canada and Chile sign lithium pact\n"
           "Canada and Chile signed a lithium supply agreement on Monday. "
           "Separately, Japan's traders will build a nickel plant in Indonesia.")  # fmt: skip
    assert set(_events(raw)["agreement"].countries) == {"CAN", "CHL"}
