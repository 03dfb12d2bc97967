"""The cell parser the table readers share."""

from __future__ import annotations

import pytest

from accord.io.cells import finite_float


@pytest.mark.parametrize(("text", "value"), [("3", 3.0), (" -2.5 ", -2.5), ("1e2", 100.0), ("0", 0.0)])
def test_numbers_are_read(text: str, value: float) -> None:
    assert finite_float(text) == value


@pytest.mark.parametrize("text", ["", "abc", "nan", "NaN", "inf", "-Infinity", "1,5"])
def test_what_is_not_a_finite_number_is_none(text: str) -> None:
    assert finite_float(text) is None
