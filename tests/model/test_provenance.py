"""Estimates, measures and the documented uncertainty distribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from accord.model import Estimate, Measure, ProvenanceKind


def estimate(value: float, kind: str = "estimated", rng: tuple[float, float] | None = None, why: str = "r") -> Estimate:
    return Estimate(value=value, kind=ProvenanceKind(kind), source="analyst", rationale=why, range=rng)


def test_range_ends_are_the_10th_and_90th_percentiles() -> None:
    e = estimate(40, rng=(30, 70))
    assert e.quantile(0.5) == pytest.approx(40)
    assert e.quantile(0.1) == pytest.approx(30)
    assert e.quantile(0.9) == pytest.approx(70)
    draws = e.sample(np.random.default_rng(7), 200_000)
    assert np.mean(draws < 30) == pytest.approx(0.1, abs=0.005)
    assert np.mean(draws > 70) == pytest.approx(0.1, abs=0.005)
    assert np.median(draws) == pytest.approx(40, abs=0.3)


def test_sampling_is_reproducible_with_a_seed() -> None:
    e = estimate(0.5, rng=(0.3, 0.6))
    first = e.sample(np.random.default_rng(3), 10)
    assert np.array_equal(first, e.sample(np.random.default_rng(3), 10))


def test_no_range_means_no_spread() -> None:
    e = estimate(12)
    assert e.quantile(0.1) == e.quantile(0.9) == 12
    assert set(e.sample(np.random.default_rng(0), 5)) == {12.0}


@given(st.floats(-100, 100), st.floats(0, 50), st.floats(0, 50))
def test_quantiles_are_monotone(value: float, below: float, above: float) -> None:
    e = estimate(value, rng=(value - below, value + above))
    qs = [e.quantile(q) for q in (0.05, 0.1, 0.5, 0.9, 0.95)]
    assert qs == sorted(qs)


def test_measure_aggregate_spread_and_best_sourced() -> None:
    m = Measure.model_validate(
        [
            {"value": 60, "kind": "estimated", "source": "analyst", "rationale": "a", "range": [50, 80]},
            {"value": 20, "kind": "attributed", "source": "brief#¶12"},
            {"value": 30, "kind": "attributed", "source": "brief#¶14"},
        ]
    )
    assert m.mean == pytest.approx(110 / 3)
    assert m.spread == (20, 80)
    assert m.best_kind is ProvenanceKind.ATTRIBUTED
    assert m.best_sourced == 25


def test_measure_accepts_one_estimate_or_a_list_and_writes_one_back_compactly() -> None:
    one = {"value": 1.0, "kind": "declared", "source": "memo"}
    assert Measure.model_validate(one).model_dump(mode="json", exclude_none=True) == one
    assert len(Measure.model_validate([one, one])) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": 1, "kind": "estimated", "source": "analyst"}, "needs a rationale"),
        ({"value": 1, "kind": "guessed", "source": "analyst"}, "Input should be"),
        ({"value": 1, "kind": "declared", "source": "Brief 12"}, "not a source reference"),
        ({"value": 5, "kind": "declared", "source": "memo", "range": [6, 9]}, "must contain the value"),
        ([], "at least one estimate"),
        (3, "needs its provenance"),
    ],
)
def test_bad_estimates_are_refused_with_a_reason(data: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Measure.model_validate(data)
