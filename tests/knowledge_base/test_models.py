from datetime import date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from knowledge_base.channels import CHANNEL_NAMES, Channel, Channels
from knowledge_base.models import (
    BuyXGetY,
    Contact,
    LocalizedText,
    PercentOff,
    Promotion,
    Stacking,
    Window,
    looks_like_placeholder,
)

MINIMAL = {
    "id": "spring",
    "version": 1,
    "status": "published",
    "title": "Spring Offer",
    "window": {"start": "2026-03-01", "end": "2026-03-31"},
    "regions": ["east-china"],
    "scope": {"categories": ["socks"]},
    "rules": [{"kind": "percent_off", "percent": 10}],
}


def test_a_plain_string_is_english_text() -> None:
    text = LocalizedText.model_validate("Weekend Running Offer")
    assert text.en == "Weekend Running Offer"
    assert text.zh_cn is None
    assert text.best("zh-CN") == "Weekend Running Offer"


def test_chinese_text_is_used_for_any_chinese_language_tag() -> None:
    text = LocalizedText.model_validate({"en": "Socks", "zh-CN": "袜子"})
    assert text.get("zh-CN") == "袜子"
    assert text.get("zh") == "袜子"
    assert text.get("en") == "Socks"


def test_english_text_is_required() -> None:
    with pytest.raises(ValidationError):
        LocalizedText.model_validate({"zh-CN": "袜子"})


def test_a_bare_date_window_runs_from_midnight_through_the_end_of_its_last_day() -> None:
    window = Window.model_validate({"start": "2026-11-15", "end": "2026-12-15"})
    assert window.start == datetime(2026, 11, 15, 0, 0)
    assert window.end == datetime(2026, 12, 16, 0, 0)  # the first moment it is off
    assert window.last_day == date(2026, 12, 15)


def test_an_end_time_is_the_first_moment_the_offer_is_off() -> None:
    window = Window.model_validate({"start": "2026-11-15", "end": "2026-12-15T22:00"})
    assert window.end == datetime(2026, 12, 15, 22, 0)
    assert window.contains(datetime(2026, 12, 15, 21, 59, 59))
    assert not window.contains(datetime(2026, 12, 15, 22, 0))
    assert window.last_day == date(2026, 12, 15)


def test_an_end_at_24_00_is_the_end_of_that_day() -> None:
    window = Window.model_validate({"start": "2026-11-15", "end": "2026-12-15T24:00"})
    assert window.end == datetime(2026, 12, 16, 0, 0)


def test_a_one_day_window_is_a_bare_date_twice() -> None:
    window = Window.model_validate({"start": "2026-12-12", "end": "2026-12-12"})
    assert (window.start, window.end) == (datetime(2026, 12, 12), datetime(2026, 12, 13))


def test_a_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="before it starts"):
        Window.model_validate({"start": "2026-11-30", "end": "2026-11-01"})


def test_window_times_with_a_utc_offset_are_refused() -> None:
    with pytest.raises(ValidationError, match="local to each store"):
        Window.model_validate({"start": "2026-11-01T00:00+08:00", "end": "2026-11-02"})


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs"):
        Promotion.model_validate({**MINIMAL, "discount": 10})


def test_rules_are_told_apart_by_kind() -> None:
    promotion = Promotion.model_validate(
        {
            **MINIMAL,
            "rules": [
                {"kind": "percent_off", "percent": "12.5", "member_percent": 15},
                {"kind": "buy_x_get_y", "buy": 2, "get": 1},
            ],
        }
    )
    percent, buy = promotion.rules
    assert isinstance(percent, PercentOff) and percent.percent == Decimal("12.5")
    assert isinstance(buy, BuyXGetY) and buy.percent_off == Decimal(100)


def test_percentages_over_100_are_refused() -> None:
    with pytest.raises(ValidationError):
        Promotion.model_validate({**MINIMAL, "rules": [{"kind": "percent_off", "percent": 120}]})


def test_money_has_at_most_two_decimals() -> None:
    with pytest.raises(ValidationError):
        Promotion.model_validate(
            {**MINIMAL, "rules": [{"kind": "amount_off", "amount": {"CNY": "10.005"}}]}
        )


def test_a_scope_needs_a_category_or_a_sku() -> None:
    with pytest.raises(ValidationError, match="at least one category or SKU"):
        Promotion.model_validate({**MINIMAL, "scope": {"exclude_skus": ["AX-200"]}})


def test_change_notes_cannot_name_a_future_version() -> None:
    with pytest.raises(ValidationError, match="version 3"):
        Promotion.model_validate({**MINIMAL, "changes": [{"version": 3, "notes": ["x"]}]})


def test_drafts_are_not_visible() -> None:
    assert not Promotion.model_validate({**MINIMAL, "status": "draft"}).visible
    assert Promotion.model_validate({**MINIMAL, "status": "retired"}).visible


def test_stacks_with_accepts_the_everything_wildcard() -> None:
    assert Stacking.model_validate({"stacks_with": ["*"]}).stacks_with == ["*"]


def test_every_channel_of_the_vocabulary_is_a_field_with_a_spoken_name() -> None:
    assert set(Channels.model_fields) == {c.value for c in Channel} | {"other"}
    assert set(CHANNEL_NAMES) == set(Channel)


def test_a_misspelt_channel_is_refused() -> None:
    with pytest.raises(ValidationError, match="app_coupon"):
        Promotion.model_validate({**MINIMAL, "channels": {"app_coupon": False}})


def test_a_rule_set_reads_its_start_and_end_like_a_window() -> None:
    promotion = Promotion.model_validate(
        {
            **MINIMAL,
            "rule_sets": [
                {
                    "start": "2026-03-15",
                    "end": "2026-03-20",
                    "scope": {"skus": ["SK-3P"]},
                    "rules": [{"kind": "percent_off", "percent": 20}],
                }
            ],
        }
    )
    later = promotion.all_rule_sets[1]
    assert later.bounds(promotion.window) == (datetime(2026, 3, 15), datetime(2026, 3, 21))
    assert promotion.all_rule_sets[0].rules == promotion.rules


@pytest.mark.parametrize("value", ["TBD", "0000", "<ext>", "n/a", "xxx", "???", "1234"])
def test_placeholders_are_recognised(value: str) -> None:
    assert looks_like_placeholder(value)


@pytest.mark.parametrize("value", ["2204", "Lin Wei", "+86 21 5555 0100", "service desk"])
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not looks_like_placeholder(value)


def test_a_contact_needs_one_way_to_reach_them() -> None:
    with pytest.raises(ValidationError, match="at least one way"):
        Contact.model_validate({"id": "a", "name": "Ann Lee", "team": "promotions"})
    desk = Contact.model_validate(
        {"id": "a", "name": "Ann Lee", "team": "promotions", "desk": "the service desk"}
    )
    assert desk.ways == [("desk", "the service desk")]
