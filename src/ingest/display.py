"""How values are shown to people: in the CLI, in diffs and in artifacts."""

from __future__ import annotations

from decimal import Decimal

# The README promises times as the reports state them: China has one time zone and no daylight saving time.
DEFAULT_TIMEZONE = "Asia/Shanghai"


def plain(value: object) -> str:
    """A value as a person reads it: decimals without the trailing zeros of their column's scale (0.6, not
    0.6000000000) and never in exponent notation; NULL as nothing."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value.is_finite() else str(value)
    return str(value)
