"""Value types of the content schema: ids, codes, time zones, money and percentages."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown IANA time zone {value!r}") from e
    return value


Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
"""Lowercase id: letters, digits and hyphens (``weekend-running``)."""
Sku = Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]
"""Stock-keeping unit code as printed on the tag (``AX-200``, ``SK-3P``)."""
StoreId = Annotated[str, Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)*$", max_length=40)]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
"""ISO 4217 code (``CNY``)."""
TimeZoneName = Annotated[str, AfterValidator(_zone)]
"""IANA time zone (``Asia/Shanghai``)."""
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), decimal_places=2, allow_inf_nan=False)]
"""An amount in one currency, at most two decimals."""
Percent = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2, allow_inf_nan=False)]
"""A percentage, 0 < p <= 100 (``20`` means 20 percent)."""
Prices = dict[CurrencyCode, Money]
"""An amount per currency: ``{CNY: 899, SGD: 169, EUR: 119}``."""
