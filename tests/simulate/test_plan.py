"""Licences as a queue (plan.licence_open) and how a restriction's blocked share uses it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.simulate.strategies import small_atlases

from critmin.errors import DataError
from critmin.simulate import parse_scenario
from critmin.simulate.plan import draw, licence_open
from critmin.simulate.runner import prepare

shares = st.floats(0, 1)
delays = st.floats(0, 6)


def _open(approval: float, delay: float, processing: float, months: int) -> np.ndarray:
    return licence_open(np.array([approval]), np.array([delay]), np.array([processing]), months)[
        :, 0
    ]


@settings(max_examples=200, deadline=None)
@given(shares, delays, st.floats(1, 5), st.integers(1, 30))
def test_processing_at_least_one_month_is_approval_after_delay(approval, delay, processing, T):
    """An authority that keeps up (>= one month's applications a month) never builds a
    backlog: nothing passes during the (whole-month) delay, then ``approval`` a month."""
    got = _open(approval, delay, processing, T)
    lag = math.ceil(delay - 1e-9)
    expected = np.where(np.arange(T) >= lag, approval, 0.0)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-15)


@settings(max_examples=200, deadline=None)
@given(shares, delays, st.floats(0.01, 1, exclude_max=True), st.integers(1, 30))
def test_slow_processing_builds_a_backlog(approval, delay, processing, T):
    """Deciding ``processing`` < 1 months' worth a month: each month's decisions are
    ``processing``, so ``approval x processing`` passes after the delay, and the backlog
    after k months is ``k x (1 - processing)`` (one month's applications arrive a month)."""
    got = _open(approval, delay, processing, T)
    lag = math.ceil(delay - 1e-9)
    expected = np.where(np.arange(T) >= lag, approval * processing, 0.0)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)
    if approval > 1e-6:  # (a subnormal approval times processing underflows to 0)
        decided = got[lag:] / approval
        backlog = np.arange(1, len(decided) + 1) - np.cumsum(decided)
        want = np.arange(1, len(decided) + 1) * (1 - processing)
        np.testing.assert_allclose(backlog, want, rtol=1e-9, atol=1e-12)
        assert (np.diff(backlog) >= -1e-12).all()  # it only grows


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(shares, delays, st.floats(0.01, 5)), min_size=1, max_size=6),
    st.integers(1, 30),
)
def test_never_above_approval_and_draws_are_independent(rows, T):
    """Vectorised over draws: each draw's column is the one-draw queue; it is never above
    its approval rate nor below 0, and it is zero during the delay."""
    a, dl, pr = (np.array(x) for x in zip(*rows, strict=True))
    got = licence_open(a, dl, pr, T)
    assert got.shape == (T, len(rows))
    for j, (approval, delay, processing) in enumerate(rows):
        np.testing.assert_array_equal(got[:, j], _open(approval, delay, processing, T))
        assert (got[:, j] >= 0).all() and (got[:, j] <= approval + 1e-15).all()
        assert (got[: math.ceil(delay - 1e-9), j] == 0).all()


def test_licence_queue_examples():
    np.testing.assert_allclose(_open(0.8, 2, 1.0, 5), [0, 0, 0.8, 0.8, 0.8])
    np.testing.assert_allclose(_open(0.8, 1.2, 0.5, 4), [0, 0, 0.4, 0.4])
    np.testing.assert_allclose(_open(1.0, 0, 3.0, 3), [1, 1, 1])
    assert (_open(0.5, 0, 0.25, 12) <= 0.5).all()


@settings(max_examples=20, deadline=None)
@given(small_atlases(), shares, shares, st.integers(0, 3), st.floats(0.05, 2))
def test_restriction_blocks_share_times_what_licences_refuse(
    atlas, share, approval, delay, processing
):
    """A restriction's blocked share is ``share x (1 - licence_open)`` inside its window and
    0 outside it."""
    T, start, duration = 10, 3, 5
    sc = parse_scenario({
        "name": "q", "months": T,
        "restrictions": [{"exporter": atlas.countries[0], "share": share, "start": start,
                          "duration": duration, "licence": {"approval_rate": approval,
                          "delay_months": delay, "processing_share": processing}}],
    })  # fmt: skip
    network, sc = prepare(atlas, sc)
    d = draw(network, sc, np.random.default_rng(0), 2)
    passed = licence_open(np.full(2, approval), np.full(2, float(delay)),
                          np.full(2, processing), duration)  # fmt: skip
    want = np.zeros((T, 2))
    want[start - 1 : start - 1 + duration] = share * (1 - passed)
    assert d.restrictions
    for r in d.restrictions:
        np.testing.assert_allclose(r.blocked, want, rtol=1e-12, atol=1e-15)
        assert d.home is not None
        assert (d.home[start - 1 : start - 1 + duration, r.product, 0] == 1).all()


@pytest.mark.parametrize("bad", [0.0, -1.0])
def test_processing_share_must_be_positive(bad):
    with pytest.raises(DataError, match="processing_share"):
        parse_scenario({"name": "x", "restrictions": [{"exporter": "CHN",
                        "licence": {"processing_share": bad}}]})  # fmt: skip
