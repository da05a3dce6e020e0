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
