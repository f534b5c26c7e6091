"""One clerk's notices together: superseding, what to do next, when to look again."""

from datetime import UTC, datetime, timedelta

import pytest

from knowledge_base.delivery import (
    Acknowledged,
    Action,
    Delivery,
    DeliveryPolicy,
    DeliveryState,
    Escalated,
    PlaybackFinished,
    PlaybackStarted,
    Situation,
    apply,
)
from knowledge_base.notice_queue import (
    awaiting_acknowledgement,
    next_step,
    notice_id,
    parse_notice_id,
    supersede,
    wake_at,
)

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
POLICY = DeliveryPolicy(acknowledge_within=timedelta(minutes=2))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def pending(notice: str, created: float = 0) -> Delivery:
    return Delivery(notice_id=notice, clerk="ana", created_at=at(created))


def situation(seconds: float, **facts: bool) -> Situation:
    return Situation(
        now=at(seconds),
        on_shift=facts.get("on_shift", True),
        connected=facts.get("connected", True),
        quiet=facts.get("quiet", True),
        next_shift_start=at(3600),
    )


def test_notice_ids_name_promotion_and_version() -> None:
    assert notice_id("weekend-running", 3) == "weekend-running@3"
    assert parse_notice_id("weekend-running@3") == ("weekend-running", 3)
    for bad in ("weekend-running", "@3", "weekend-running@three"):
        with pytest.raises(ValueError, match="not a notice id"):
            parse_notice_id(bad)


def test_a_newer_version_supersedes_only_older_notices_of_the_same_promotion() -> None:
    queue = [pending("weekend-running@2"), pending("winter-boots@1"), pending("weekend-running@3")]
    after = supersede(queue, published="weekend-running@3", at=at(10))
    assert [d.state for d in after] == [
        DeliveryState.SUPERSEDED,
        DeliveryState.PENDING,
        DeliveryState.PENDING,
    ]


def test_a_superseded_notice_is_never_played() -> None:
    queue = supersede(
        [pending("weekend-running@2"), pending("weekend-running@3", created=5)],
        published="weekend-running@3",
        at=at(5),
    )
    first = next_step(queue, situation(6), POLICY)
    assert first is not None and first.decision.action is Action.DROP_SUPERSEDED
    remaining = [d for d in queue if d.state is not DeliveryState.SUPERSEDED]
    step = next_step(remaining, situation(6), POLICY)
    assert step is not None
    assert (step.delivery.notice_id, step.decision.action) == ("weekend-running@3", Action.SPEAK)


def test_the_oldest_due_notice_is_spoken_first_and_never_two_at_once() -> None:
    queue = [pending("winter-boots@2", created=3), pending("weekend-running@3", created=1)]
    step = next_step(queue, situation(5), POLICY)
    assert step is not None and step.delivery.notice_id == "weekend-running@3"
    playing = [apply(queue[1], PlaybackStarted(at(5))), queue[0]]
    assert next_step(playing, situation(6), POLICY) is None


def test_escalation_comes_before_speaking_another_notice() -> None:
    heard_twice = pending("weekend-running@3")
    for start in (0, 130):
        heard_twice = apply(heard_twice, PlaybackStarted(at(start)))
        heard_twice = apply(heard_twice, PlaybackFinished(at(start + 5)))
    queue = [pending("winter-boots@2", created=200), heard_twice]
    step = next_step(queue, situation(300), POLICY)
    assert step is not None and step.decision.action is Action.ESCALATE


def test_nothing_is_due_off_shift_and_the_wake_time_is_the_shift_start() -> None:
    queue = [pending("weekend-running@3")]
    assert next_step(queue, situation(10, on_shift=False), POLICY) is None
    assert wake_at(queue, situation(10, on_shift=False), POLICY) == at(3600)
    played = [apply(apply(queue[0], PlaybackStarted(at(0))), PlaybackFinished(at(5)))]
    assert wake_at(played, situation(10), POLICY) == at(125)
    assert wake_at(queue, situation(10), POLICY) is None


def played(notice: str, at_seconds: float) -> Delivery:
    started = apply(pending(notice), PlaybackStarted(at(at_seconds - 8)))
    return apply(started, PlaybackFinished(at(at_seconds)))


def test_a_notice_played_and_not_yet_due_for_its_replay_awaits_its_acknowledgement() -> None:
    heard = played("weekend-running@3", 10)
    found = awaiting_acknowledgement([pending("winter-boots@1"), heard], now=at(40), policy=POLICY)
    assert found == (heard, timedelta(seconds=90))  # the rest of the two minutes


def test_nothing_awaits_an_acknowledgement_once_it_came_was_escalated_or_fell_due() -> None:
    heard = played("weekend-running@3", 10)
    done = apply(heard, Acknowledged(at(20)))
    escalated = apply(heard, Escalated(at(20)))
    for records, now in (([done], 30), ([escalated], 30), ([heard], 130), ([pending("a@1")], 0)):
        assert awaiting_acknowledgement(records, now=at(now), policy=POLICY) is None
