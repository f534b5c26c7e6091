"""Spoken notices of a published change, per listener role, in English and Chinese."""

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from knowledge_base.answering import Role, split_sentences
from knowledge_base.fact_guard import check_facts
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR
from knowledge_base.models import LocalizedText, Promotion
from knowledge_base.notice_scope import (
    Audience,
    Publication,
    concerns,
    has_news_for,
    notice_stores,
    recipients,
)
from knowledge_base.notices import (
    ACKNOWLEDGE_EN,
    ACKNOWLEDGE_ZH,
    compose_notice,
    escalation_notice,
)
from knowledge_base.roster_files import parse_roster
from knowledge_base.versions import make_version, read_history

SHANGHAI = timezone(timedelta(hours=8))
BEFORE_WINDOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
DURING_WINDOW = datetime(2026, 11, 28, 10, 0, tzinfo=SHANGHAI)
V1 = read_history(SAMPLE_DATA_DIR)[0]["weekend-running"][0].promotion
CLERK = Audience(Role.CLERK, store_id="SH-01")
EAST = ("SH-01", "SH-02", "HZ-01")


def edited(promotion: Promotion, **changes: object) -> Promotion:
    data = promotion.model_dump(by_alias=True)
    data.update(changes)
    data["version"] = promotion.version + 1
    data.pop("changes", None)
    return Promotion.model_validate(data)


@pytest.fixture
def v2(knowledge: KnowledgeBase) -> Promotion:
    return knowledge.promotion("weekend-running")


def publication(new: Promotion, old: Promotion | None, **kwargs: object) -> Publication:
    return Publication(
        promotion=new,
        previous=old,
        published_at=kwargs.pop("at", BEFORE_WINDOW),  # type: ignore[arg-type]
        published_by="Lin Wei",
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_clerk_hears_what_changed_from_when_and_where(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    notice = compose_notice(
        publication(v2, V1, urgent=True), knowledge=knowledge, audience=CLERK, language="en"
    )
    assert notice.sentences == (
        "Urgent update to the Weekend Running Offer, effective Friday 27 November at your"
        " store: the discount went up from 15 percent to 20 percent.",
        "The Aero X 200 Limited Edition is now excluded.",
        ACKNOWLEDGE_EN,
    )
    assert (notice.notice_id, notice.version, notice.role) == ("weekend-running@2", 2, Role.CLERK)
    data = notice.to_dict()
    assert (data["role"], data["text"], data["store_ids"]) == (
        "clerk",
        " ".join(notice.sentences),
        ["HZ-01", "SG-01", "SH-01", "SH-02"],
    )


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize(
    "audience",
    [
        CLERK,
        Audience(Role.STORE_MANAGER, store_id="SG-01"),
        Audience(Role.REGIONAL_MANAGER, region_id="east-china"),
        Audience(Role.HQ),
    ],
)
def test_every_number_in_a_notice_comes_from_the_versions(
    knowledge: KnowledgeBase, v2: Promotion, audience: Audience, language: str
) -> None:
    notice = compose_notice(
        publication(v2, V1), knowledge=knowledge, audience=audience, language=language
    )
    assert check_facts(notice.text, notice.facts).ok, check_facts(notice.text, notice.facts)
    assert not any("change notes" in fact for fact in notice.facts)
    assert len(split_sentences(notice.text)) <= 3
    assert notice.sentences[-1] == (ACKNOWLEDGE_ZH if language == "zh-CN" else ACKNOWLEDGE_EN)


def test_the_place_is_phrased_for_the_listener_role(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    def first(audience: Audience, language: str = "en") -> str:
        pub = publication(v2, V1)
        return compose_notice(
            pub, knowledge=knowledge, audience=audience, language=language
        ).sentences[0]

    assert "at Orchard Road:" in first(Audience(Role.STORE_MANAGER, store_id="SG-01"))
    assert "at all East China stores:" in first(
        Audience(Role.REGIONAL_MANAGER, region_id="east-china")
    )
    assert "at all East China stores and all Singapore stores:" in first(Audience(Role.HQ))
    assert "在乌节路店生效" in first(Audience(Role.STORE_MANAGER, store_id="SG-01"), "zh-CN")
    partial = edited(v2, stores=["SH-01", "HZ-01"])
    text = compose_notice(
        publication(partial, v2),
        knowledge=knowledge,
        audience=Audience(Role.REGIONAL_MANAGER, region_id="east-china"),
        language="en",
    ).sentences[0]
    assert "at Shanghai Nanjing Road and Hangzhou West Lake:" in text


def test_chinese_notices_use_the_change_notes_when_the_versions_back_them(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    notice = compose_notice(
        publication(v2, V1), knowledge=knowledge, audience=CLERK, language="zh-CN"
    )
    assert notice.text == (
        "周末跑鞋优惠更新，自11月27日星期五起在本店生效：折扣从15%提高到20%。"
        "AX-200-LE 限量版现在不参加。听清后请说“收到”。"
    )


def test_a_change_note_with_a_number_the_versions_do_not_hold_is_not_spoken(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    wrong = (LocalizedText.model_validate({"en": "Now 25 percent.", "zh-CN": "折扣提高到25%。"}),)
    notice = compose_notice(
        publication(v2, V1, notes=wrong), knowledge=knowledge, audience=CLERK, language="zh-CN"
    )
    assert "25" not in notice.text
    assert "现在优惠20%，会员再额外优惠5%，每位顾客限2双" in notice.text


def test_managers_hear_changes_to_their_notes_and_clerks_do_not(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    changed = edited(v2, store_manager_notes=["Put three extra staff on the running wall."])
    pub = publication(changed, v2)
    clerk = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="en")
    manager = compose_notice(
        pub,
        knowledge=knowledge,
        audience=Audience(Role.STORE_MANAGER, store_id="SH-01"),
        language="en",
    )
    assert "staff" not in clerk.text.lower()
    assert "it is now 20 percent off" in clerk.text
    assert "staff" in manager.text.lower()


def test_a_change_during_the_window_is_effective_now(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    changed = edited(v2, rules=[{"kind": "percent_off", "percent": 25}])
    notice = compose_notice(
        publication(changed, v2, at=DURING_WINDOW),
        knowledge=knowledge,
        audience=CLERK,
        language="en",
    )
    assert notice.sentences[0].startswith(
        "Update to the Weekend Running Offer, effective now at your store:"
    )
    assert "25 percent" in notice.text
    zh = compose_notice(
        publication(changed, v2, at=DURING_WINDOW),
        knowledge=knowledge,
        audience=CLERK,
        language="zh-CN",
    )
    assert "即日起在本店生效" in zh.text


def test_a_start_time_other_than_midnight_is_spoken(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    later = edited(v2, window={"start": "2026-11-27T10:00", "end": "2026-11-29"})
    notice = compose_notice(
        publication(later, v2), knowledge=knowledge, audience=CLERK, language="en"
    )
    assert "effective 10:00 on Friday 27 November at your store" in notice.text
    assert check_facts(notice.text, notice.facts).ok


def test_a_store_that_left_the_promotion_is_told_so(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    shrunk = edited(v2, regions=["singapore"])
    pub = publication(shrunk, v2)
    assert notice_stores(pub, knowledge) == frozenset({*EAST, "SG-01"})
    assert concerns(pub, knowledge, CLERK)
    notice = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="en")
    assert (
        notice.sentences[0]
        == "Update to the Weekend Running Offer, it no longer runs at your store."
    )
    zh = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="zh-CN")
    assert zh.sentences[0] == "周末跑鞋优惠更新，不再在本店进行。"


def test_scope_decides_who_a_notice_concerns(knowledge: KnowledgeBase, v2: Promotion) -> None:
    pub = publication(v2, V1)
    assert notice_stores(pub, knowledge) == frozenset({*EAST, "SG-01"})
    assert concerns(pub, knowledge, Audience(Role.CLERK, store_id="SG-01"))
    assert not concerns(pub, knowledge, Audience(Role.CLERK, store_id="BER-01"))
    assert not concerns(pub, knowledge, Audience(Role.STORE_MANAGER, store_id="BER-01"))
    assert concerns(pub, knowledge, Audience(Role.REGIONAL_MANAGER, region_id="singapore"))
    assert not concerns(pub, knowledge, Audience(Role.REGIONAL_MANAGER, region_id="germany"))
    assert concerns(pub, knowledge, Audience(Role.HQ))
    one_store = publication(edited(v2, stores=["SH-02"]), None)
    assert notice_stores(one_store, knowledge) == frozenset({"SH-02"})


def test_a_first_publication_announces_the_rules(knowledge: KnowledgeBase, v2: Promotion) -> None:
    pub = publication(v2, None, urgent=True, at=DURING_WINDOW)
    notice = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="en")
    assert notice.sentences[0] == (
        "Urgent: new promotion, the Weekend Running Offer, effective now at your store: 20 percent"
        " off, members save another 5 percent and limit 2 pairs per customer."
    )
    zh = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="zh-CN")
    assert (
        zh.sentences[0]
        == "紧急新促销：周末跑鞋优惠，即日起在本店生效：优惠20%，会员再额外优惠5%，每位顾客限2双。"
    )


def test_a_publication_is_built_from_stored_versions(v2: Promotion) -> None:
    first = make_version(V1, previous=None, published_at=BEFORE_WINDOW, published_by="Lin Wei")
    second = make_version(v2, previous=first, published_at=DURING_WINDOW, published_by="Ana Li")
    pub = Publication.from_versions(first, second, urgent=True)
    assert (pub.previous, pub.promotion, pub.published_by, pub.urgent) == (V1, v2, "Ana Li", True)
    assert [note.en for note in pub.change_notes()][0].startswith("The discount went up")


def test_recipients_are_the_roster_members_the_notice_concerns(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    roster_file = Path(__file__).resolve().parent.parent / "fixtures" / "rosters" / "stride.yaml"
    roster = parse_roster(
        roster_file.read_text(encoding="utf-8"), file="stride.yaml", knowledge=knowledge
    )
    assert [m.identity for m in recipients(publication(v2, V1), knowledge, roster)] == [
        "ana",
        "ben",
        "mei",
        "lin",
    ]  # jonas works in Berlin
    berlin_only = edited(v2, regions=["germany"])
    assert [m.identity for m in recipients(publication(berlin_only, None), knowledge, roster)] == [
        "jonas"
    ]

    managers_only = edited(v2, store_manager_notes=["Put three extra staff on the running wall."])
    assert not has_news_for(publication(managers_only, v2), Role.CLERK)
    assert has_news_for(publication(managers_only, v2), Role.STORE_MANAGER)
    assert [m.identity for m in recipients(publication(managers_only, v2), knowledge, roster)] == [
        "mei",
        "lin",
    ]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_every_sample_promotion_gives_short_notices_backed_by_its_versions(
    knowledge: KnowledgeBase, language: str
) -> None:
    for old in knowledge.promotions.values():
        changes: list[dict[str, object]] = [
            {"window": {"start": old.window.start, "end": old.window.end + timedelta(days=2)}},
            {"limit": {"per_customer": 5, "unit": {"en": "items", "zh-CN": "件"}}},
            {"regions": [*old.regions, "germany"]} if "germany" not in old.regions else {},
        ]
        for change in filter(None, changes):
            pub = publication(edited(old, **change), old, urgent=True)
            for store in sorted(notice_stores(pub, knowledge)):
                region = knowledge.region_of(store).id
                for audience in (
                    Audience(Role.CLERK, store_id=store),
                    Audience(Role.STORE_MANAGER, store_id=store),
                    Audience(Role.REGIONAL_MANAGER, region_id=region),
                    Audience(Role.HQ),
                ):
                    notice = compose_notice(
                        pub, knowledge=knowledge, audience=audience, language=language
                    )
                    check = check_facts(notice.text, notice.facts)
                    assert check.ok, (old.id, change, audience, notice.text, check.describe())
                    assert len(split_sentences(notice.text)) <= 3, notice.text


def test_a_store_that_joins_the_promotion_hears_it_as_new(
    knowledge: KnowledgeBase, v2: Promotion
) -> None:
    grown = edited(v2, regions=[*v2.regions, "germany"])
    pub = publication(grown, v2)
    berlin = compose_notice(
        pub, knowledge=knowledge, audience=Audience(Role.CLERK, store_id="BER-01"), language="en"
    )
    assert berlin.sentences[0] == (
        "New promotion, the Weekend Running Offer, effective Friday 27 November at your store:"
        " 20 percent off, members save another 5 percent and limit 2 pairs per customer."
    )
    shanghai = compose_notice(pub, knowledge=knowledge, audience=CLERK, language="en")
    assert shanghai.sentences[0].endswith("at your store: it now also runs in Germany.")


def test_the_store_manager_hears_who_has_not_acknowledged(v2: Promotion) -> None:
    pub = publication(v2, V1, urgent=True)
    assert escalation_notice(pub, clerk_name="Ana Li", plays=2, language="en") == (
        "Ana Li has not acknowledged the update to the Weekend Running Offer, version 2,"
        " after hearing it 2 times."
    )
    assert escalation_notice(pub, clerk_name="Ana Li", plays=2, language="zh-CN") == (
        "Ana Li收听2次后仍未确认周末跑鞋优惠第2版的更新。"
    )
    assert escalation_notice(pub, clerk_name="Ana Li", plays=1, language="en").endswith(
        "after hearing it once."
    )
