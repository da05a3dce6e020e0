"""Entity listings: export controls on named companies, with no material, are sanctions."""

from __future__ import annotations

import pytest

from critmin.signals.clean import clean_text
from critmin.signals.extract import extract_events


def _types(raw: str) -> set[str]:
    return {e.type for e in extract_events(clean_text(raw), "x")}


@pytest.mark.parametrize(
    "raw",
    [  # written for the test
        "China adds 15 US defence firms to export control list\n\n"
        "China's commerce ministry on Monday added 15 US entities to its export control list. "
        "Exporters are prohibited from exporting dual-use items to these companies.",
        "中国、米企業15社を輸出管理リストに追加\n\n"
        "中国商務省は10日、米国の15企業・団体を輸出管理リストに加え、軍民両用品目の輸出を禁止すると"
        "発表した。",
    ],
)
def test_an_entity_listing_with_dual_use_items_is_a_sanction(raw):
    assert _types(raw) == {"sanction"}


def test_an_export_control_on_a_material_stays_one_beside_a_listing():
    raw = (
        "China curbs gallium exports and blacklists US firms\n\n"
        "China banned exports of gallium and germanium to the United States on Tuesday. "
        "It also added 10 US companies to its unreliable entity list."
    )
    assert "export_control" in _types(raw)
