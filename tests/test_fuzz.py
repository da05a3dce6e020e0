"""A bounded fuzz test (issue 17): hostile-looking inputs to every reader of outside data
(BACI and USGS files, article texts, country names, JSON and YAML nesting) either work or
fail with critmin's own clear error, never another exception, and in bounded time."""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from critmin.errors import CritminError

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip
SECONDS = 5.0
ODD = ["", "NA", "1e309", "-1e309", "1e308", "9" * 40, "nan", "inf", "²", "①", "0x10", "1,5",
       " 12 ", '"', '""', "'", "\x00", "‮", "\ufeff", "—", "W", "E", "<50", ">1,000",
       "2022", "156", "392", "280530", "850511", "-3", "1e-400", "Ａ", "9" * 400]  # fmt: skip
cell = st.one_of(st.sampled_from(ODD), st.text(max_size=12), st.integers().map(str))


def _csv(header: list[str], rows: list[list[str]]) -> str:
    quote = lambda c: '"' + c.replace('"', '""') + '"' if any(x in c for x in ',"\n') else c  # noqa: E731
    return "\n".join(",".join(map(quote, r)) for r in [header, *rows]) + "\n"


def _timed(fn, *args):
    """``fn(*args)`` or None for a CritminError; a second call must be fast when the first
    was not (the first may pay one-off loads: a new language's lexicon or date data)."""
    for _attempt in range(2):
        started = time.perf_counter()
        try:
            out = fn(*args)
        except CritminError:
            out = None
        if time.perf_counter() - started < SECONDS:
            return out
    raise AssertionError(f"slower than {SECONDS} s twice: {args!r}"[:500])


@pytest.fixture(scope="module")
def builtin():
    from critmin.data.dataset import load_builtin

    return load_builtin()


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12),
       header=st.sampled_from([["t", "i", "j", "k", "v", "q"], ["t", "i", "j", "k", "v"],
                               ["q", "v", "k", "j", "i", "t", "x"], []]))  # fmt: skip
def test_baci_reader(builtin, rows, header):
    from critmin.data.baci import read_baci

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "b.csv"
        path.write_text(_csv(header, rows) if header else "", encoding="utf-8")
        out = _timed(
            lambda: read_baci(path, builtin["hs_codes"], builtin["products"], source_id="src")
        )
        if out is not None:
            assert out.trade["quantity_t"].between(0, 1e10).all()


@FUZZ
@given(rows=st.lists(st.lists(cell, min_size=0, max_size=8), max_size=12),
       header=st.sampled_from([
           ["Source", "Country", "Type", "Prod_t_2023", "Prod_t_est_2024", "Reserves_t"],
           ["Commodity", "Country", "Statistics", "Unit", "Year", "Value", "Notes"],
           ["x"]]))  # fmt: skip
def test_usgs_reader(rows, header):
    from critmin.data.usgs import read_usgs

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "u.csv"
        path.write_text(_csv(header, rows), encoding="utf-8")
        _timed(lambda: read_usgs(path, source_id="src"))


words = st.sampled_from(["China", "export", "control", "gallium", "| x", "Home", "»", "ー",
                         "Lynas", "Ltd", "said", "2025-10-09", "大臣", "A" * 50, "\n", "  ",
                         ".", "!", "<p>", "</div>", "&amp;", "1,500 t", "$3 bn",
                         "date: 2025"])  # fmt: skip


@FUZZ
@given(parts=st.lists(st.one_of(words, st.text(max_size=20)), max_size=80))
def test_article_pipeline(parts):
    from critmin.signals.pipeline import process_texts

    text = " ".join(parts)
    _timed(process_texts, [("a", "g", text)])


@FUZZ
@given(value=st.one_of(st.sampled_from(ODD), st.text(max_size=30)))
def test_country_names(value):
    from critmin.countries import UnknownCountryError, to_iso3

    with contextlib.suppress(UnknownCountryError):
        assert len(to_iso3(value)) == 3


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(alphabet='[]{}"\\ab', max_size=6)),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(alphabet='[]{}"\\', max_size=4), inner,
                                            max_size=3)),
    max_leaves=20,
)  # fmt: skip


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@FUZZ
@given(value=json_values)
def test_json_depth_matches_the_parsed_depth(value):
    from critmin.api.guard import json_depth

    assert json_depth(json.dumps(value).encode()) == _depth(value)


@FUZZ
@given(text=st.text(alphabet="[]{}:- \n\"'ab,&*!|>", max_size=300))
def test_yaml_depth_check(text):
    from critmin.data.files import check_yaml_depth

    _timed(check_yaml_depth, text, "s.yaml")
