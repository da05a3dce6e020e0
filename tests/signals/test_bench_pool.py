"""bench/signals.py pools the development sets and the blind sets: counts add up over sets."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "signals.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_signals", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def test_pooled_sums_fields_dates_and_languages(capsys):
    b = _bench()

    def result(name, tp, fp, fn, dates):
        fields = {k: b.PR() for k in ("type", "countries", "materials", "quantities")}
        fields["type"].tp, fields["type"].fp, fields["type"].fn = tp, fp, fn
        lang = {"n": 2, "lang": 2, "date": dates[0], "date_n": dates[1],
                **{k: b.PR() for k in b.LANG_FIELDS}}  # fmt: skip
        lang["type"].tp, lang["type"].fp, lang["type"].fn = tp, fp, fn
        return b.Result(name, 2, 2, 0, 0, 1.0, fields, b.PR(),
                        {"date accuracy": dates}, by_lang={"ko": lang})  # fmt: skip

    b.pooled("all blind sets", [result("a-blind", 3, 1, 0, (1, 2)),
                                  result("b-blind", 1, 0, 2, (2, 2))])  # fmt: skip
    out = capsys.readouterr().out
    assert "type             0.800   0.667    4    1    2" in out
    assert "date accuracy      0.750 (3/4)" in out
    assert "ko         4   0.80/0.67" in out


def test_pooled_speed_is_all_articles_over_all_timed_seconds(capsys):
    b = _bench()

    def result(name, rate):
        fields = {k: b.PR() for k in ("type", "countries", "materials", "quantities")}
        return b.Result(name, 2, 2, 0, 0, rate, fields, b.PR(), {}, by_lang={})

    b.pooled("all blind sets", [result("a-blind", 2.0), result("b-blind", 1.0)])
    out = capsys.readouterr().out
    # 2 articles in 1 s and 2 in 2 s: 4 in 3 s, not the mean of the two rates (1.5)
    assert "speed              1.3 articles/s in one process over 3.0 s" in out
