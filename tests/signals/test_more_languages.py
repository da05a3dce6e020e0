"""Languages beyond the 17 with lexicons: script detection, material names, Thai dates."""

from __future__ import annotations

import pytest

from critmin.signals.dates import find_date_dateparser
from critmin.signals.language import detect_language
from critmin.signals.lexicon import find_materials

# written for the test
TEXTS = [
    ("pl", "Chiny wprowadziły kontrolę eksportu galu, germanu i metali ziem rzadkich.",
     {"Ga", "Ge", "REE"}),
    ("nl", "China beperkt de export van antimoon, grafiet en zeldzame aardmetalen.",
     {"Sb", "graphite", "REE"}),
    ("ro", "China a impus restricții la exportul de pământuri rare, galiu și germaniu.",
     {"REE", "Ga", "Ge"}),
    ("sv", "Kina begränsar exporten av volfram, kobolt och sällsynta jordartsmetaller.",
     {"W", "Co", "REE"}),
    ("el", "Η Κίνα περιόρισε τις εξαγωγές γαλλίου και σπάνιων γαιών προς τη Γαλλία.",
     {"Ga", "REE"}),
    ("th", "จีนประกาศควบคุมการส่งออกแร่หายากและแกลเลียมไปยังสหรัฐ", {"REE", "Ga"}),
    ("ur", "چین نے نایاب زمینی عناصر اور گیلیم کی برآمدات پر نئی پابندیاں عائد کر دی ہیں۔",
     {"REE", "Ga"}),
    ("bn", "চীন বিরল মৃত্তিকার খনিজ ও গ্যালিয়ামের রপ্তানিতে নতুন নিষেধাজ্ঞা আরোপ করেছে।",
     {"REE", "Ga"}),
    ("kk", "Қытай сирек жер металдарының және галлийдің экспортына жаңа шектеулер енгізді.",
     {"REE", "Ga"}),
    ("hu", "Kína korlátozza a ritkaföldfémek és a gallium exportját.", {"REE", "Ga"}),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "materials"), TEXTS)
def test_languages_without_lexicons_are_detected_and_name_their_materials(lang, text, materials):
    assert detect_language(text) == lang
    assert set(find_materials(text, lang)) == materials


def test_urdu_is_not_persian_and_persian_stays_persian():
    fa = "چین صادرات عناصر خاکی کمیاب را محدود کرد و گفت این تصمیم از اول دسامبر اجرایی می‌شود."
    assert detect_language(fa) == "fa"


def test_a_thai_buddhist_era_year_is_converted():
    assert str(find_date_dateparser("ปักกิ่ง 6 มกราคม 2569 - กระทรวงพาณิชย์", "th")) == "2026-01-06"


# written for the test: a short news text per language with a short trigger list
ARTICLES = [
    (
        "pl",
        "Chiny zakazują eksportu galu do USA\n\nChińskie ministerstwo handlu "
        "ogłosiło we wtorek zakaz eksportu galu, germanu i antymonu do Stanów "
        "Zjednoczonych.",
        "export_control",
    ),
    (
        "pl",
        "USA i Ukraina podpisały umowę o metalach ziem rzadkich\n\nStany "
        "Zjednoczone i Ukraina podpisały w środę umowę dotyczącą metali ziem "
        "rzadkich.",
        "agreement",
    ),
    (
        "nl",
        "China verbiedt export van gallium naar de VS\n\nHet Chinese ministerie "
        "van Handel heeft dinsdag een exportverbod op gallium en germanium naar"
        " de Verenigde Staten aangekondigd.",
        "export_control",
    ),
    (
        "ro",
        "China interzice exportul de galiu către SUA\n\nMinisterul Comerțului din"
        " China a anunțat marți interzicerea exportului de galiu și germaniu "
        "către Statele Unite.",
        "export_control",
    ),
    (
        "sv",
        "Kina inför exportförbud för gallium till USA\n\nKinas handelsministerium"
        " meddelade på tisdagen ett exportförbud för gallium och germanium till"
        " USA.",
        "export_control",
    ),
    (
        "th",
        "จีนห้ามส่งออกแกลเลียมไปสหรัฐ\n\n"
        "กระทรวงพาณิชย์จีนประกาศห้ามส่งออกแกลเลียมและเจอร์เมเนียมไปยังสหรัฐอเมริกาเมื่อวันอังคาร",
        "export_control",
    ),
    (
        "ur",
        "چین نے امریکہ کو گیلیم کی برآمد پر پابندی لگا دی\n\nچین کی وزارت تجارت "
        "نے منگل کو امریکہ کو گیلیم اور جرمینیم کی برآمدات پر پابندی کا اعلان "
        "کیا۔",
        "export_control",
    ),
    (
        "sw",
        "China yapiga marufuku mauzo ya nje ya galiamu kwa Marekani\n\nWizara ya "
        "Biashara ya China imetangaza marufuku ya mauzo ya nje ya galiamu na "
        "madini adimu kwa Marekani.",
        "export_control",
    ),
    (
        "kk",
        "Қытай галлий экспортына тыйым салды\n\nҚытай Сауда министрлігі "
        "сейсенбіде АҚШ-қа галлий мен германий экспортына тыйым салатынын "
        "жариялады.",
        "export_control",
    ),
    (
        "hu",
        "Kína exporttilalmat vezet be a galliumra\n\nA kínai kereskedelmi "
        "minisztérium kedden exporttilalmat jelentett be a gallium és a "
        "germánium Egyesült Államokba irányuló kivitelére.",
        "export_control",
    ),
    (
        "cs",
        "Čína zakázala vývoz galia do USA\n\nČínské ministerstvo obchodu v úterý "
        "oznámilo zákaz vývozu galia a germania do Spojených států.",
        "export_control",
    ),
    (
        "el",
        "Η Κίνα απαγορεύει τις εξαγωγές γαλλίου στις ΗΠΑ\n\nΤο υπουργείο Εμπορίου"
        " της Κίνας ανακοίνωσε την Τρίτη απαγόρευση των εξαγωγών γαλλίου και "
        "γερμανίου προς τις ΗΠΑ.",
        "export_control",
    ),
    (
        "bn",
        "চীন যুক্তরাষ্ট্রে গ্যালিয়াম রপ্তানিতে নিষেধাজ্ঞা দিল\n\nচীনের বাণিজ্য "
        "মন্ত্রণালয় মঙ্গলবার যুক্তরাষ্ট্রে গ্যালিয়াম ও জার্মেনিয়াম রপ্তানিতে"
        " নিষেধাজ্ঞা ঘোষণা করেছে।",
        "export_control",
    ),
]


@pytest.mark.parametrize(("lang", "raw", "etype"), ARTICLES)
def test_languages_with_short_lists_get_their_event_type_and_actors(lang, raw, etype):
    from critmin.signals.clean import clean_text
    from critmin.signals.extract import extract_events

    events = extract_events(clean_text(raw), "x")
    assert [e.type for e in events] == [etype]
    assert {"CHN", "USA"} <= set(events[0].countries) or etype == "agreement"


@pytest.mark.parametrize(
    ("text", "want"),
    [  # Slovenian (written for the test): its own short lists, dates from CLDR
        ("Evropska unija in Srbija podpisali sporazum o litiju\nEvropska unija in Srbija sta 19. "
         "julija 2024 v Beogradu podpisali memorandum o soglasju o strateškem partnerstvu, ki "
         "vključuje izkoriščanje litija.", ("agreement", {"EU", "SRB"}, {"Li"})),
        ("Kitajska omejila izvoz galija\nKitajska je uvedla omejitve izvoza galija in germanija "
         "v Združene države.", ("export_control", {"CHN", "USA"}, {"Ga", "Ge"})),
    ],
)  # fmt: skip
def test_slovenian_pages_get_events(text, want):
    from critmin.signals.pipeline import process_texts

    (article,) = process_texts([("x", "g", text)], in_process=True)
    assert article.doc.language == "sl"
    got = {(e.type, frozenset(e.countries), frozenset(e.materials)) for e in article.events}
    assert (want[0], frozenset(want[1]), frozenset(want[2])) in got
