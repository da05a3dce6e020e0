"""Serbian, Croatian and Bosnian in the Latin script, on real news pages (stored public pages,
not written here): py3langid read every Latin Serbian page as Bosnian."""

import pytest

from critmin.signals.language import base_language, detect_language

# excerpts of real pages, as found; the source of each beside it
SERBIAN = [
    # https://naslovi.net/2022-12-16/politika/rio-tinto-nije-odustao-od-projekta-u-srbiji/32243893
    "SIDNEJ – Generalni direktor Rio Tinta Jakob Stosholm izjavio je da ta rudarska kompanija "
    "nije odustala od litijumskog projekta Jadar, iako je premijerka Srbije Ana Brnabić odbacila "
    "mogućnost da se taj projekat nastavi, izveštava Tanjug. „Nismo počeli radove na Jadru. "
    "Realnost je da je to neverovatan resurs. To treba svetu, potrebno je Srbiji.",
    # https://naslovi.net/2025-04-01/insajder/jovan-rajic-vlast-u-srbiji-daje-investitorima-slobodu-da-rade-sta-hoce-video/39328238
    "Predsednik Srbije Aleksandar Vučić najavio je prošlog utorka da će za sedam ili osam dana "
    'projekat iskopavanja litijuma u Srbiji "Jadar“ biti proglašen za strateški projekat van '
    "zemalja Evropske unije.",
    # https://dnevnenovine.rs/arhiva/naslovna/2025/08/06/Ced-Bluit-direktor-projekta-Jadar-Rio-Tinto-planira-pocetak-proizvodnje-2027-godine.html
    "Kompanija Rio Tinto radi na obezbeđivanju odobrenja za studiju o proceni uticaja na "
    "životnu sredinu i drugih dozvola, uključujući licencu za eksploataciono polje, kako bi "
    "nastavila sa litijumskim projektom Jadar.",
    # https://naslovi.net/2025-11-13/glas-zapadne-srbije/rio-tinto-odustao-od-projekta-litijuma-u-srbiji/40867734
    "Rio Tinto ističe da ostaje u Srbiji i veruje u kvalitet ležišta Jadar sa potencijalom za "
    "dugoročnu eksploataciju i značajnu ulogu u energetskoj tranziciji Srbije i Evrope.",
    # https://naslovi.net/rd/29551273
    "Kompanija Rio Tinto saopštila je da tokom dve decenije poslovanja u Republici Srbiji i rada "
    "na projektu geoloških istraživanja i razvoja ležišta litijuma i bora „Jadar“, njeno "
    "preduzeće Rio Sava eksplorešen posluje u skladu sa zakonima",
]
CROATIAN = [
    # https://hina.hr/vijest/10865643
    'BEOGRAD, 23. prosinca 2021. (HINA) - Multinacionalna korporacija "Rio Tinto" odlučila je '
    'privremeno obustaviti projekt "Jadar" koji predviđa istraživanja i otvaranje rudnika '
    "litija na području zapadne Srbije nakon što su višetjednim prosvjedima tisuće ljudi "
    "primorale srbijanske vlasti da povuku Prostorni plan",
    # https://www.vecernji.hr/vijesti/kako-je-kineski-dokument-uzdrmao-krhko-primirje-sa-sad-om-uperili-su-bazuku-na-slobondi-svijet-necemo-to-dopustiti-1899377
    'Prošli tjedan kinesko Ministarstvo trgovine objavilo je dokument pod nazivom "Objava br. 62 '
    'iz 2025." koji je uzdrmao krhko primirje u vezi s carinama s SAD-om. Objava detaljno '
    "opisuje nove restrikcije na izvoz rijetkih zemnih metala, čime Peking pojačava kontrolu nad "
    "globalnom opskrbom ključnih minerala",
    # https://www.tportal.hr/biznis/clanak/kina-priprema-atomsko-oruzje-u-trgovinskom-ratu-sa-sad-om-doznajte-o-cemu-je-rijec-foto-20190531
    "Predsjednik Xi Jinping te njegov glavni ekonomski savjetnik i zamjenik premijera Liu He "
    "prošlog tjedna posjetili su tvornicu rijetkih metala u istočnoj Kini. Rijetke metale su "
    "prethodnih dana spominjali i kineski dužnosnici u nizu obraćanja medijima i na društvenim "
    "mrežama.",
]
IJEKAVIAN_NOT_CROATIAN = [
    # real21/dev bs_fokus (https://fokus.ba/vijesti/globus/trump-objavio-sto-trazi-od-ukrajine-u-zamjenu-za-pomoc-vrijednu-300-milijardi-dolara/3412076):
    # "opskrbljuje" and "tvrtki" are written in Bosnian papers too
    "Američki predsjednik Donald Trump izjavio je da želi da Ukrajina opskrbljuje Sjedinjene "
    "Države rijetkim zemnim metalima kao oblik plaćanja za finansijsku podršku u ratu protiv "
    "Rusije. Sjedinjene Države imaju samo jedan operativni rudnik rijetkih zemalja i vrlo "
    "ograničene kapacitete za preradu, iako nekoliko tvrtki radi na razvoju projekata u zemlji.",
    # https://boljiposao.com/clanci/vijesti/bosna-i-hercegovina/najveci-evropski-rudnik-litija-otvara-se-blizu-bh-granice/62982
    "Rudnik litijuma mogao bi biti otvoren već 2028. godine Srbija se sprema da Rio Tintu da "
    "zeleno svjetlo za razvoj najvećeg evropskog rudnika litijuma dvije godine nakon što je "
    "Beograd prekinuo taj projekat.",
    # https://naslovi.net/rd/23475760 (Al Jazeera Balkans)
    'Peking "ozbiljno razmišlja" ograničiti izvoz rijetkih zemnih metala Sjedinjenim Američkim '
    "Državama, a riječ je o 17 hemijskih elemenata korištenih u visokotehnološkoj potrošačkoj "
    "elektronici i vojnoj opremi",
]


@pytest.mark.parametrize("text", SERBIAN)
def test_latin_serbian_is_serbian(text: str) -> None:
    assert detect_language(text) == "sr"


@pytest.mark.parametrize("text", CROATIAN)
def test_croatian_is_croatian(text: str) -> None:
    assert detect_language(text) == "hr"


@pytest.mark.parametrize("text", IJEKAVIAN_NOT_CROATIAN)
def test_ijekavian_without_croatian_words_is_bosnian(text: str) -> None:
    assert detect_language(text) == "bs"


def test_ceo_is_no_ekavian_form() -> None:
    # "CEO" in a Bosnian text is the English title, not ekavian "ceo" (whole)
    text = (
        "CEO kompanije je rekao da će cijene litija rasti sljedeće godine i da "
        "projekat ostaje prioritet."
    )
    assert detect_language(text) != "sr"


def test_serbian_cyrillic_stays_serbian() -> None:
    text = "Влада Србије је саопштила да ће пројекат Јадар бити настављен после преговора."
    assert detect_language(text) == "sr"


def test_latin_serbian_reads_its_own_lexicon() -> None:
    # ekavian "cena" is in the Serbian lexicon, which writes both scripts
    assert base_language(detect_language(SERBIAN[0])) == "sr"
