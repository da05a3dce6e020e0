"""Trade-figure pages (issue 14): the figures are the news, the measure behind them background.

Real pages of the development sets, named in each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from critmin.signals.pipeline import process_paths, process_texts

DATA = Path(__file__).resolve().parents[1] / "data" / "signals"


pytestmark = pytest.mark.usefixtures("lexical_only")


def test_a_lede_citing_trade_statistics_makes_a_trade_figure_page():
    # real5 ja_jiji_cn-gallium-exports-oct2023: "中国、10月にガリウム輸出 規制以降で初" (the title
    # hints at the figures), the lede cites "同国の貿易統計": the controls of August recalled
    # in the fifth sentence are no event of the page
    page = DATA / "real5" / "articles" / "ja_jiji_cn-gallium-exports-oct2023.txt"
    (article,) = process_paths([page], in_process=True)
    assert article.events == []


def test_a_lede_that_reports_a_measure_still_does():
    text = ("中国、ガリウムの輸出規制を発表\n"
            "中国商務部は3日、ガリウムとゲルマニウムの輸出規制を8月1日から実施すると発表した。\n"
            "同国の貿易統計によると、輸出量は前年同月比で減少した。\n")  # fmt: skip
    (article,) = process_texts([("a", "g", text)], in_process=True)
    assert [e.type for e in article.events] == ["export_control"]
