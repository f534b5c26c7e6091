from datetime import datetime
from decimal import Decimal

from knowledge_base.models import Currency
from knowledge_base.speech import (
    amount_text,
    invented_numbers,
    money,
    numbers_in,
    percent,
    spoken_date,
)

YUAN = Currency.model_validate({"code": "CNY", "name": {"en": "yuan", "zh-CN": "元"}})


def test_money_has_cents_only_when_it_needs_them() -> None:
    assert money(Decimal("899"), YUAN) == "899 yuan"
    assert money(Decimal("719.2"), YUAN) == "719.20 yuan"
    assert money(Decimal("719.20"), YUAN, "zh-CN") == "719.20元"
    assert amount_text(Decimal("0.005")) == "0.01"  # half up


def test_percentages_and_dates_read_well_aloud() -> None:
    assert percent(Decimal("20")) == "20 percent"
    assert percent(Decimal("12.50"), "zh-CN") == "12.5%"
    sunday = datetime(2026, 11, 29, 23, 59)
    assert spoken_date(sunday) == "Sunday 29 November"
    assert spoken_date(sunday, with_year=True) == "Sunday 29 November 2026"
    assert spoken_date(sunday, "zh-CN") == "11月29日星期日"


def test_numbers_are_read_back_as_values() -> None:
    assert numbers_in("1,200 pairs, 719.20 yuan, AX-200, 12:00-18:00") == [
        Decimal(1200),
        Decimal("719.20"),
        Decimal(200),
        Decimal(12),
        Decimal(0),
        Decimal(18),
        Decimal(0),
    ]


def test_invented_numbers_are_those_no_source_holds() -> None:
    sources = ["Weekend Running Offer: 20 percent off", "total 719.2 yuan"]
    assert invented_numbers("It is 20 percent off, 719.20 yuan.", sources) == []
    assert invented_numbers("It is 25 percent off.", sources) == [Decimal(25)]
