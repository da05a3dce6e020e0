"""Quantities (issue 14): percentages written as adjectives ("50-процентные пошлины")."""

from __future__ import annotations

import pytest

from critmin.signals.quantities import find_quantities


@pytest.mark.parametrize(
    ("text", "lang", "want"),
    [
        # real5 ru_tengrinews_us-copper-tariff-price, ru_silkway_us-copper-tariff
        ("Президент США угрожает ввести 50-процентные пошлины на импорт меди", "ru", [50]),
        ("Трамп объявил о введении 50-процентной пошлины на импорт изделий из меди", "ru", [50]),
        ("США запроваджують 50-відсоткове мито на мідь", "uk", [50]),
        ("a 50-percent tariff on copper", "en", [50]),
        ("ein 50-prozentiger Zoll auf Kupfer", "de", [50]),
        ("prices rose 10-15% in May", "en", [10, 15]),  # a range, as before
        ("the 2024-2025 season", "en", []),
    ],
)
def test_percent_adjectives(text, lang, want):
    assert [q["value"] for q in find_quantities(text, lang) if q["unit"] == "%"] == want


def test_cjk_numbers_in_myriads_add_up():
    from critmin.signals.quantities import find_quantities

    # "7億6300万米ドル" is 763 million dollars, not 63 million (real38/dev's ja page)
    assert find_quantities("12億豪ドル(7億6300万米ドル)を投じる", "ja") == [
        {"value": 763000000, "unit": "USD"}]  # fmt: skip
    assert find_quantities("投资7亿6300万美元", "zh") == [{"value": 763000000, "unit": "USD"}]
    assert find_quantities("3억5000만 달러를 투자", "ko") == [{"value": 350000000, "unit": "USD"}]
    assert find_quantities("年产1亿2000万吨", "zh") == [{"value": 120000000, "unit": "t"}]
    # scales that do not fall are two numbers, not one
    assert find_quantities("5000万ドル", "ja") == [{"value": 50000000, "unit": "USD"}]
