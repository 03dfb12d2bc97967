"""Reading one cell of a text table: what the table readers (BdM, DEU, exchange input) share."""

from __future__ import annotations

import math


def finite_float(text: str) -> float | None:
    """The cell as a finite number, or None when it is not one (not a number, NaN or infinity)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
