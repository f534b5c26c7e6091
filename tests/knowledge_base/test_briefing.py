"""After a briefing: summary, proposed knowledge-base changes, attendance."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from knowledge_base.attendance import Presence, attendance
from knowledge_base.briefing import Caption, ChangeKind, ProposedChange, propose_changes, summarize
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.versions import change_lines

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "briefings"


def captions(name: str) -> tuple[str, list[Caption]]:
    data = yaml.safe_load((FIXTURES / name).read_text(encoding="utf-8"))
    return data["speaker"], [Caption(**segment) for segment in data["captions"]]


def test_changes_heard_in_a_briefing_are_proposed_against_the_catalogue(
    knowledge: KnowledgeBase,
) -> None:
    speaker, heard = captions("weekend-change.yaml")
    proposals = propose_changes(heard, knowledge=knowledge, speaker=speaker)
    assert [(p.kind, p.promotion_id, p.describe()) for p in proposals] == [
        (ChangeKind.EXCLUDE_SKU, "weekend-running", "exclude AX-200 from weekend-running"),
        (
            ChangeKind.SET_PERCENT,
            "weekend-running",
            "set the discount to 25 percent in weekend-running",
        ),
        (ChangeKind.SET_END, "socks-3for2", "end on 2027-01-10 for socks-3for2"),
    ]
    assert proposals[0].heard == "The A X 200 is out of it from Saturday."
    assert proposals[0].at == 9.2


def test_only_the_manager_is_listened_to(knowledge: KnowledgeBase) -> None:
    heard = [Caption(0, 3, "The Road Nova is out of the weekend offer.", speaker="ana")]
    assert propose_changes(heard, knowledge=knowledge, speaker="mei") == []
    assert len(propose_changes(heard, knowledge=knowledge)) == 1


def test_chinese_briefings_are_read_too(knowledge: KnowledgeBase) -> None:
    speaker, heard = captions("weekend-change-zh.yaml")
    proposals = propose_changes(heard, knowledge=knowledge, speaker=speaker)
    assert [(p.kind, p.sku, p.percent) for p in proposals] == [
        (ChangeKind.EXCLUDE_SKU, "AX-200", None),
        (ChangeKind.SET_PERCENT, None, Decimal(25)),
    ]


def test_applying_a_proposal_builds_the_next_version_with_a_note(knowledge: KnowledgeBase) -> None:
    current = knowledge.promotion("weekend-running")
    speaker, heard = captions("weekend-change.yaml")
    exclude, percent, _ = propose_changes(heard, knowledge=knowledge, speaker=speaker)
    new = exclude.apply(current)
    assert new.version == current.version + 1
    assert new.scope.exclude_skus == ["AX-200-LE", "AX-200"]
    assert new.changes[0].version == new.version
    assert new.changes[0].notes[0].en == "Briefing: exclude AX-200 from weekend-running."
    assert change_lines(current, percent.apply(current))[0] == "discount: 20 percent -> 25 percent"
    assert knowledge.promotion("weekend-running") == current  # nothing changed without approval


def test_member_percent_limit_and_inclusion_proposals(knowledge: KnowledgeBase) -> None:
    heard = [
        Caption(0, 2, "Weekend offer: members now get an extra 10 percent off."),
        Caption(2, 4, "The limit is now three pairs per customer."),
        Caption(4, 6, "The AX-200 limited edition is back in."),
    ]
    proposals = {p.kind: p for p in propose_changes(heard, knowledge=knowledge)}
    current = knowledge.promotion("weekend-running")
    member = proposals[ChangeKind.SET_MEMBER_PERCENT].apply(current)
    assert "extra member discount: 5 percent -> 10 percent" in change_lines(current, member)
    assert proposals[ChangeKind.SET_LIMIT].apply(current).limit.per_customer == 3  # type: ignore[union-attr]
    assert proposals[ChangeKind.INCLUDE_SKU].apply(current).scope.exclude_skus == []


def test_a_proposal_that_changes_nothing_is_not_made(knowledge: KnowledgeBase) -> None:
    heard = [
        Caption(0, 2, "The weekend offer stays at 20 percent off."),
        Caption(2, 4, "The AX-200 limited edition is still out of it."),
        Caption(4, 6, "Nothing else today."),
    ]
    assert propose_changes(heard, knowledge=knowledge) == []


def test_a_change_that_does_not_fit_the_promotion_is_refused(knowledge: KnowledgeBase) -> None:
    socks = knowledge.promotion("socks-3for2")
    change = ProposedChange(
        ChangeKind.SET_PERCENT, "socks-3for2", heard="", at=0, percent=Decimal(10)
    )
    with pytest.raises(ValueError, match="no percentage rule"):
        change.apply(socks)
    assert (
        propose_changes(
            [Caption(0, 2, "Socks 3 for 2 is now 10 percent off.")], knowledge=knowledge
        )
        == []
    )


def test_sentences_without_a_promotion_in_context_propose_nothing(knowledge: KnowledgeBase) -> None:
    assert propose_changes([Caption(0, 2, "The AX-200 is out.")], knowledge=knowledge) == []


def test_the_summary_keeps_the_sentences_that_carry_facts(knowledge: KnowledgeBase) -> None:
    _, heard = captions("weekend-change.yaml")
    summary = summarize(heard, knowledge=knowledge)
    assert summary.sentences == (
        "Two changes to the weekend offer.",
        "The A X 200 is out of it from Saturday.",
        "Is the Road Nova still in?",
    )
    assert summary.promotion_ids == ("weekend-running", "socks-3for2")
    assert summary.skus == ("AX-200", "RN-300")
    assert summary.duration_seconds == 31.5
    small_talk = summarize(
        [Caption(0, 2, "Morning all."), Caption(2, 3, "Have a good day.")], knowledge=knowledge
    )
    assert small_talk.text == "Morning all. Have a good day."


T0 = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


def t(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_attendance_merges_rejoins_and_clips_to_the_briefing() -> None:
    result = attendance(
        [
            Presence("ana", t(-5), t(10)),
            Presence("ana", t(12), None),
            Presence("ben", t(3), t(6)),
            Presence("ben", t(5), t(8)),  # a second device, overlapping
            Presence("cho", t(-10), t(-1)),  # left before it began
            Presence("dan", t(14), t(30)),
        ],
        started_at=t(0),
        ended_at=t(15),
    )
    assert [(a.identity, a.minutes, a.stretches) for a in result] == [
        ("ana", 13.0, 2),
        ("ben", 5.0, 1),
        ("dan", 1.0, 1),
    ]
    assert result[0].to_dict() == {
        "identity": "ana",
        "first_joined_at": t(0).isoformat(),
        "last_left_at": t(15).isoformat(),
        "seconds": 780.0,
        "minutes": 13.0,
        "stretches": 2,
    }
    assert date(2026, 11, 30) == result[0].first_joined_at.date()


def test_exclusions_and_inclusions_keep_the_scope_tidy(knowledge: KnowledgeBase) -> None:
    weekend = knowledge.promotion("weekend-running")
    boot_out = ProposedChange(
        ChangeKind.EXCLUDE_SKU, "weekend-running", heard="", at=0, sku="TR-900"
    )
    assert boot_out.apply(weekend).scope.exclude_skus == ["AX-200-LE", "TR-900"]
    tee_in = ProposedChange(ChangeKind.INCLUDE_SKU, "weekend-running", heard="", at=0, sku="TE-100")
    assert tee_in.apply(weekend).scope.skus == ["TE-100"]
    # A SKU listed by itself is taken off the list rather than excluded.
    listed = weekend.model_copy(
        update={"scope": weekend.scope.model_copy(update={"skus": ["TE-100"]})}
    )
    tee_out = ProposedChange(
        ChangeKind.EXCLUDE_SKU, "weekend-running", heard="", at=0, sku="TE-100"
    )
    assert tee_out.apply(listed).scope.skus == []
    only = weekend.model_copy(
        update={
            "scope": weekend.scope.model_copy(
                update={"categories": [], "skus": ["TE-100"], "exclude_skus": []}
            )
        }
    )
    with pytest.raises(ValueError, match="without items"):
        tee_out.apply(only)


def test_items_outside_the_promotion_are_not_excluded_again(knowledge: KnowledgeBase) -> None:
    heard = [Caption(0, 2, "The Winter Boot 310 is out of the weekend offer.")]
    assert propose_changes(heard, knowledge=knowledge) == []


def test_a_question_proposes_no_change(knowledge: KnowledgeBase) -> None:
    heard = [
        Caption(0, 2, "Is the AX-200 out of the weekend offer?"),
        Caption(2, 4, "周末优惠AX-200不参加吗"),
    ]
    assert propose_changes(heard, knowledge=knowledge) == []


def test_no_clerk_question_from_the_question_bank_reads_as_a_change(
    knowledge: KnowledgeBase,
) -> None:
    bank = yaml.safe_load((FIXTURES.parent / "questions.yaml").read_text(encoding="utf-8"))
    for question in bank["questions"]:
        for text in (question["text"], question["text"].rstrip("?？")):
            assert propose_changes([Caption(0, 1, text)], knowledge=knowledge) == [], text


def test_a_day_alone_is_read_within_the_promotion_and_names_carry_no_numbers(
    knowledge: KnowledgeBase,
) -> None:
    heard = [
        Caption(0, 2, "The weekend offer is extended until the 1st."),
        Caption(2, 4, "周末优惠延长到30号。"),
        Caption(4, 6, "Socks 3 for 2 has no limit change today."),
        Caption(6, 8, "Double 12 is extended until the 13th of December."),
    ]
    proposals = [
        (p.promotion_id, p.kind, p.end, p.limit)
        for p in propose_changes(heard, knowledge=knowledge)
    ]
    assert proposals == [
        ("weekend-running", ChangeKind.SET_END, date(2026, 12, 1), None),
        ("weekend-running", ChangeKind.SET_END, date(2026, 11, 30), None),
        ("double-12", ChangeKind.SET_END, date(2026, 12, 13), None),
    ]
