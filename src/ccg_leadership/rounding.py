"""Rounding as the report's tables round: halves away from zero."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, digits: int = 0) -> float:
    """Round as published tables do (halves away from zero), e.g. 32.5 -> 33; returns a float."""
    quantum = Decimal(1).scaleb(-int(digits))
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def is_missing(value: object) -> bool:
    """Return True for a hidden or absent value (None or NaN)."""
    return value is None or value != value  # noqa: PLR0124 (NaN check)
