"""What a chain can now write without tricks: excluded stores, later rule sets, discount
channels, contacts without an extension, windows that end at a clock time."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from kb_helpers import local

from knowledge_base import pricing, resolution
from knowledge_base.channels import Channel, channel_words
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base, validate_knowledge_base
from knowledge_base.phrasing import contact_phrase, ends_phrase
from knowledge_base.pricing import Basket
from knowledge_base.resolution import Phase

WEEKEND = "promotions/weekend-running.yaml"


def _edit(kb: Path, file: str, old: str, new: str) -> None:
    path = kb / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _ids(knowledge: KnowledgeBase, store: str, at: str, sku: str) -> list[str]:
    return [
        a.promotion.id
        for a in resolution.resolve(knowledge, store_id=store, at=local(store, at), item=sku)
    ]


# --- a store excluded inside a region --------------------------------------------------------


@pytest.fixture
def without_xintiandi(sample_copy: Path) -> KnowledgeBase:
    _edit(
        sample_copy,
        WEEKEND,
        "regions: [east-china, singapore]\n",
        "regions: [east-china, singapore]\nexclude_stores: [SH-02]\n",
    )
    return load_knowledge_base(sample_copy)


def test_an_excluded_store_gets_nothing_while_its_region_keeps_the_offer(without_xintiandi) -> None:
    assert _ids(without_xintiandi, "SH-02", "2026-11-28T15:00", "AX-200") == []
    assert _ids(without_xintiandi, "SH-01", "2026-11-28T15:00", "AX-200") == ["weekend-running"]
    assert _ids(without_xintiandi, "HZ-01", "2026-11-28T15:00", "AX-200") == ["weekend-running"]


def test_an_excluded_store_is_told_apart_from_a_store_outside_the_regions(
    without_xintiandi,
) -> None:
    weekend = without_xintiandi.promotion("weekend-running")
    assert without_xintiandi.is_store_excluded(weekend, "SH-02")
    assert not without_xintiandi.is_store_excluded(weekend, "SH-01")
    assert not without_xintiandi.is_store_excluded(weekend, "BER-01")  # not in its regions
    assert "SH-02" not in without_xintiandi.scope_stores(weekend)


def test_an_excluded_store_pays_the_list_price(without_xintiandi) -> None:
    at = local("SH-02", "2026-11-28T15:00")
    assert (
        pricing.quote(
            without_xintiandi,
            basket=Basket.of({"AX-200": 1}),
            store_id="SH-02",
            at=at,
            member=False,
        ).total
        == 899
    )


def test_excluding_every_store_is_an_error(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        "promotions/berlin-black-friday.yaml",
        "regions: [germany]\n",
        "regions: [germany]\nexclude_stores: [BER-01]\n",
    )
    issues = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert [(Path(i.file).name, i.line, i.field, i.code) for i in issues] == [
        ("berlin-black-friday.yaml", 10, "exclude_stores", "no_stores")
    ]


# --- a later rule set inside the same promotion ----------------------------------------------

TRAIL_FROM_SATURDAY_NOON = """rule_sets:
  - start: 2026-11-28T12:00
    scope: {skus: [TR-900]}
    rules: [{kind: percent_off, percent: 30}]
  - start: 2026-11-29
    scope: {skus: [AX-200]}
    rules: [{kind: percent_off, percent: 25}]
limit:
"""


@pytest.fixture
def later_rule_sets(sample_copy: Path) -> KnowledgeBase:
    _edit(sample_copy, WEEKEND, "limit:\n", TRAIL_FROM_SATURDAY_NOON)
    return load_knowledge_base(sample_copy)


def test_an_item_added_later_is_not_in_the_offer_before_its_start(later_rule_sets) -> None:
    assert _ids(later_rule_sets, "SH-01", "2026-11-28T11:59", "TR-900") == []
    assert _ids(later_rule_sets, "SH-01", "2026-11-28T12:00", "TR-900") == ["weekend-running"]
    assert _ids(later_rule_sets, "SH-01", "2026-11-30T00:00", "TR-900") == []


def test_timing_for_an_item_added_later_says_upcoming_until_its_rules_start(
    later_rule_sets,
) -> None:
    weekend = later_rule_sets.promotion("weekend-running")
    morning = local("SH-01", "2026-11-28T09:00")
    placed = resolution.timing(
        later_rule_sets, promotion=weekend, store_id="SH-01", at=morning, sku="TR-900"
    )
    assert placed.phase is Phase.UPCOMING
    assert placed.starts.isoformat() == "2026-11-28T12:00:00+08:00"
    assert placed.last_day == date(2026, 11, 29)
    assert (
        resolution.timing(later_rule_sets, promotion=weekend, store_id="SH-01", at=morning).phase
        is Phase.RUNNING
    )


def test_the_rule_set_in_force_is_the_last_listed_that_covers_the_item(later_rule_sets) -> None:
    weekend = later_rule_sets.promotion("weekend-running")
    saturday = resolution.rule_set_at(
        later_rule_sets,
        promotion=weekend,
        sku="AX-200",
        store_id="SH-01",
        at=local("SH-01", "2026-11-28T15:00"),
    )
    sunday = resolution.rule_set_at(
        later_rule_sets,
        promotion=weekend,
        sku="AX-200",
        store_id="SH-01",
        at=local("SH-01", "2026-11-29T10:00"),
    )
    assert saturday is not None and saturday.index == 0
    assert sunday is not None and sunday.index == 2
    assert sunday.starts.isoformat() == "2026-11-29T00:00:00+08:00"
    assert (
        resolution.rule_set_at(
            later_rule_sets,
            promotion=weekend,
            sku="CL-50",
            store_id="SH-01",
            at=local("SH-01", "2026-11-29T10:00"),
        )
        is None
    )


def test_an_item_is_priced_by_the_rule_set_in_force_on_that_day(later_rule_sets) -> None:
    def total(at: str, member: bool) -> Decimal:
        return pricing.quote(
            later_rule_sets,
            basket=Basket.of({"AX-200": 1}),
            store_id="SH-01",
            at=local("SH-01", at),
            member=member,
        ).total

    assert total("2026-11-28T11:00", True) == Decimal("683.24")  # 20, then members 5 more
    assert total("2026-11-28T15:00", False) == Decimal("719.20")  # 20 percent
    assert total("2026-11-29T15:00", False) == Decimal("674.25")  # 25 percent from Sunday
    # The Sunday rule set has no member extra: members pay the same.
    assert total("2026-11-29T15:00", True) == Decimal("674.25")
    trail = pricing.quote(
        later_rule_sets,
        basket=Basket.of({"TR-900": 1}),
        store_id="SH-01",
        at=local("SH-01", "2026-11-29T10:00"),
        member=True,
    )
    assert trail.total == Decimal("769.30")  # Saturday's rule set still prices it on Sunday


def test_rule_sets_share_the_promotions_per_customer_limit(later_rule_sets) -> None:
    quote = pricing.quote(
        later_rule_sets,
        basket=Basket.of({"AX-200": 1, "TR-900": 2}),
        store_id="SH-01",
        at=local("SH-01", "2026-11-28T15:00"),
        member=False,
    )
    # Limit 2 pairs, the dearest first: both TR-900 at 30 percent off, the AX-200 at list price.
    assert quote.total == Decimal("2437.60")  # 2 x 769.30 + 899
    assert quote.steps[0].description == (
        "Weekend Running Offer: limit 2 pairs per customer, 1 more at the regular price"
    )
    assert quote.promotion_ids == ("weekend-running",)


def test_a_rule_set_starting_after_the_promotion_ends_is_an_error(
    sample_copy: Path,
) -> None:
    # Black Friday (Berlin outerwear, to 30 November) gains hoodies from 1 December: past its
    # end, so the rules are never in force.
    _edit(
        sample_copy,
        "promotions/berlin-black-friday.yaml",
        "contact: jonas-weber\n",
        "rule_sets:\n  - start: 2026-12-01\n    scope: {skus: [HD-220]}\n"
        "    rules: [{kind: percent_off, percent: 10}]\ncontact: jonas-weber\n",
    )
    issues = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert [(i.line, i.field, i.code) for i in issues] == [
        (16, "rule_sets[0].start", "rule_set_outside_window")
    ]


# --- other discount channels -----------------------------------------------------------------


def test_whether_a_promotion_combines_with_a_channel_is_a_fact(knowledge) -> None:
    weekend = knowledge.promotion("weekend-running")
    assert knowledge.combines_with_channel(weekend, Channel.COUPONS) is False
    assert knowledge.combines_with_channel(weekend, "app_coupons") is False
    assert knowledge.combines_with_channel(weekend, Channel.VOUCHERS) is None  # not said
    assert (
        knowledge.combines_with_channel(knowledge.promotion("double-12"), Channel.COUPONS) is None
    )


def test_a_chains_own_channel_is_found_by_name_or_alias(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        WEEKEND,
        "  app_coupons: no\n",
        "  app_coupons: no\n  vouchers: yes\n  other:\n"
        "    - name: {en: student card, zh-CN: 学生卡}\n"
        "      aliases: [student discount]\n"
        "      combines: yes\n",
    )
    knowledge = load_knowledge_base(sample_copy)
    weekend = knowledge.promotion("weekend-running")
    assert knowledge.combines_with_channel(weekend, "Student Card") is True
    assert knowledge.combines_with_channel(weekend, "student discount") is True
    assert knowledge.combines_with_channel(weekend, "学生卡") is True
    assert knowledge.combines_with_channel(weekend, "pension card") is None
    said = [(name.en, value) for name, value in weekend.channels.said()]
    assert said == [
        ("coupons", False),
        ("app coupons", False),
        ("vouchers", True),
        ("student card", True),
    ]


# --- contacts --------------------------------------------------------------------------------


def test_a_contact_may_be_reached_by_email_or_desk_without_an_extension(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        "contacts.yaml",
        '    extension: "3100"\n',
        "    email: maria.keller@stride.example\n",
    )
    contact = load_knowledge_base(sample_copy).contacts["maria-keller"]
    assert contact.extension is None
    assert contact.ways == [("email", "maria.keller@stride.example")]


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ('    extension: "0000"\n', "looks like a placeholder"),
        ("    extension: TBD\n", "should match pattern"),
        ("    phone: TBD\n", "should match pattern"),
        ("    desk: TBD\n", "looks like a placeholder"),
        ("    email: someone@example.com\n", "looks like a placeholder"),
        ("", "at least one way to reach them"),
    ],
)
def test_a_contact_without_a_real_way_to_reach_them_is_an_error(
    sample_copy: Path, written: str, message: str
) -> None:
    _edit(sample_copy, "contacts.yaml", '    extension: "3100"\n', written)
    issues = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert len(issues) == 1, issues
    assert Path(issues[0].file).name == "contacts.yaml"
    assert issues[0].line in (7, 8, 10)
    assert issues[0].field is not None and issues[0].field.startswith("contacts[1]")
    assert message in issues[0].message


def test_a_chain_default_contact_answers_for_promotions_without_one(sample_copy: Path) -> None:
    _edit(sample_copy, "contacts.yaml", "contacts:\n", "default: maria-keller\ncontacts:\n")
    knowledge = load_knowledge_base(sample_copy)
    assert knowledge.contact_for(knowledge.promotion("double-12")).id == "maria-keller"
    assert knowledge.contact_for(knowledge.promotion("weekend-running")).id == "lin-wei"
    codes = [i.code for i in validate_knowledge_base(sample_copy)]
    assert "built_in_contact" not in codes


def test_an_unknown_default_contact_is_an_error(sample_copy: Path) -> None:
    _edit(sample_copy, "contacts.yaml", "contacts:\n", "default: nobody\ncontacts:\n")
    issues = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert [(i.line, i.field, i.code) for i in issues] == [(2, "default", "unknown_contact")]


# --- a window that ends at a clock time ------------------------------------------------------


def test_a_window_ending_at_22_00_is_off_from_22_00(sample_copy: Path) -> None:
    _edit(sample_copy, WEEKEND, "  end: 2026-11-29\n", "  end: 2026-11-29T22:00\n")
    knowledge = load_knowledge_base(sample_copy)
    assert _ids(knowledge, "SH-01", "2026-11-29T21:59:59", "AX-200") == ["weekend-running"]
    assert _ids(knowledge, "SH-01", "2026-11-29T22:00", "AX-200") == []
    placed = resolution.timing(
        knowledge,
        promotion=knowledge.promotion("weekend-running"),
        store_id="SH-01",
        at=local("SH-01", "2026-11-29T23:00"),
    )
    assert placed.phase is Phase.ENDED
    assert placed.last_day == date(2026, 11, 29)


def test_an_end_written_at_23_59_is_warned_about(sample_copy: Path) -> None:
    _edit(sample_copy, WEEKEND, "  end: 2026-11-29\n", "  end: 2026-11-29T23:59\n")
    issues = [i for i in validate_knowledge_base(sample_copy) if i.code == "end_at_2359"]
    assert [(Path(i.file).name, i.line, i.field, i.severity) for i in issues] == [
        ("weekend-running.yaml", 8, "window.end", "warning")
    ]


def test_answers_name_the_last_day_on_or_the_clock_time_it_stops() -> None:
    now = datetime(2026, 11, 28, 15, 0)
    assert ends_phrase(datetime(2026, 11, 30, 0, 0), now, False) == "ends on Sunday 29 November"
    assert ends_phrase(datetime(2026, 12, 24, 22, 0), now, False) == (
        "ends at 22:00 on Thursday 24 December"
    )
    assert ends_phrase(datetime(2026, 11, 30, 0, 0), now, True) == "11月29日星期日结束"


def test_the_channel_vocabulary_maps_spoken_words_to_channels(knowledge) -> None:
    words = channel_words()
    assert words["app coupons"] is Channel.APP_COUPONS
    assert words["优惠券"] is Channel.COUPONS
    assert words["staff discount"] is Channel.STAFF_DISCOUNT
    weekend = knowledge.promotion("weekend-running")
    assert knowledge.combines_with_channel(weekend, words["app coupon"]) is False


def test_a_contact_is_spoken_only_with_the_ways_written(sample_copy: Path) -> None:
    _edit(
        sample_copy,
        "contacts.yaml",
        '    extension: "3100"\n',
        "    email: maria.keller@stride.example\n"
        "    desk: {en: the merchandising desk, zh-CN: 商品部服务台}\n",
    )
    knowledge = load_knowledge_base(sample_copy)
    maria = knowledge.contacts["maria-keller"]
    assert contact_phrase(maria, False) == (
        "Maria Keller, merchandising, email maria.keller@stride.example or the merchandising desk"
    )
    assert (
        contact_phrase(maria, True)
        == "商品部的Maria Keller，邮箱maria.keller@stride.example或商品部服务台"
    )
    assert "None" not in contact_phrase(maria, False)
    lin = knowledge.contacts["lin-wei"]
    assert contact_phrase(lin, False) == "Lin Wei, east region promotions, extension 2204"
