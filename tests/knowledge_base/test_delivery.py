"""Delivering a notice to a clerk: the state machine and its decisions, with plain times."""

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
    PlaybackInterrupted,
    PlaybackStarted,
    RepeatRequested,
    Situation,
    Superseded,
    apply,
    decide,
    recover,
)
from knowledge_base.quiet_moments import SessionMoment, is_quiet, not_quiet_because

T0 = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
POLICY = DeliveryPolicy(acknowledge_within=timedelta(minutes=2))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def new() -> Delivery:
    return Delivery(notice_id="weekend-running@3", clerk="ana", created_at=T0)


def now(
    seconds: float,
    *,
    on_shift: bool = True,
    connected: bool = True,
    quiet: bool = True,
    next_shift: datetime | None = None,
) -> Situation:
    return Situation(
        now=at(seconds),
        on_shift=on_shift,
        connected=connected,
        quiet=quiet,
        next_shift_start=next_shift,
    )


def played(start: float = 0, end: float = 5) -> Delivery:
    d = apply(new(), PlaybackStarted(at(start)))
    return apply(d, PlaybackFinished(at(end)))


def test_a_connected_on_shift_clerk_hears_it_at_the_first_quiet_moment() -> None:
    assert decide(new(), now(0), POLICY).action is Action.SPEAK
    waiting = decide(new(), now(0, quiet=False), POLICY)
    assert (waiting.action, waiting.reason) == (Action.WAIT, "waiting for a pause")


def test_a_disconnected_clerk_is_spoken_to_when_they_connect() -> None:
    assert decide(new(), now(0, connected=False), POLICY).reason == "not connected"
    assert decide(new(), now(600, connected=True), POLICY).action is Action.SPEAK


def test_an_off_shift_clerk_is_neither_spoken_to_nor_escalated_about() -> None:
    shift = at(8 * 3600)
    decision = decide(new(), now(0, on_shift=False, next_shift=shift), POLICY)
    assert (decision.action, decision.until) == (Action.WAIT, shift)
    stale = played()
    for later in (300, 3600, 7 * 3600):
        assert (
            decide(stale, now(later, on_shift=False, next_shift=shift), POLICY).action
            is Action.WAIT
        )
    assert decide(stale, now(8 * 3600), POLICY).action is Action.REPLAY


def test_the_record_keeps_delivered_played_and_acknowledged_times() -> None:
    d = apply(new(), PlaybackStarted(at(1)))
    assert (d.state, d.delivered_at) == (DeliveryState.SPEAKING, at(1))
    assert decide(d, now(2), POLICY).reason == "speaking"
    d = apply(d, PlaybackFinished(at(6)))
    assert (d.state, d.played_at, d.last_played_at, d.plays) == (
        DeliveryState.PLAYED,
        at(6),
        at(6),
        1,
    )
    d = apply(d, Acknowledged(at(9)))
    assert (d.state, d.acknowledged_at) == (DeliveryState.ACKNOWLEDGED, at(9))
    assert decide(d, now(10), POLICY).action is Action.DONE
    assert d.to_dict()["acknowledged_at"] == at(9).isoformat()
    assert d.to_dict()["state"] == "acknowledged"


def test_an_acknowledgement_while_it_is_still_playing_counts() -> None:
    d = apply(apply(new(), PlaybackStarted(at(0))), Acknowledged(at(3)))
    assert d.state is DeliveryState.ACKNOWLEDGED
    assert apply(d, PlaybackFinished(at(5))) == d


def test_got_it_said_over_the_notice_cuts_it_off_and_still_counts() -> None:
    # The floor reports the barge-in first, then the reply it carried.
    cut = apply(apply(new(), PlaybackStarted(at(0))), PlaybackInterrupted(at(2)))
    assert cut.state is DeliveryState.PENDING
    d = apply(cut, Acknowledged(at(3)))
    assert d.state is DeliveryState.ACKNOWLEDGED
    assert d.acknowledged_at == at(3)
    assert d.played_at is None


def test_an_acknowledgement_before_anything_was_spoken_is_ignored() -> None:
    assert apply(new(), Acknowledged(at(0))) == new()


def test_silence_gets_one_replay_at_the_next_pause_then_escalation() -> None:
    d = played(0, 5)
    wait = decide(d, now(60), POLICY)
    assert (wait.action, wait.until) == (Action.WAIT, at(125))
    assert decide(d, now(125, quiet=False), POLICY).action is Action.WAIT
    assert decide(d, now(130), POLICY).action is Action.REPLAY
    d = apply(apply(d, PlaybackStarted(at(130))), PlaybackFinished(at(135)))
    assert d.plays == 2 and d.played_at == at(5) and d.last_played_at == at(135)
    assert decide(d, now(200), POLICY).until == at(255)
    escalate = decide(d, now(255), POLICY)
    assert escalate.action is Action.ESCALATE
    d = apply(d, Escalated(at(256)))
    assert decide(d, now(300), POLICY).action is Action.WAIT
    assert apply(d, Acknowledged(at(400))).state is DeliveryState.ACKNOWLEDGED


def test_escalation_never_needs_the_clerk_to_be_connected_but_needs_them_on_shift() -> None:
    d = played(0, 5)
    assert decide(d, now(125, connected=False), POLICY).action is Action.ESCALATE
    assert decide(d, now(125, connected=False, on_shift=False), POLICY).action is Action.WAIT


def test_a_cut_off_notice_is_spoken_again_from_the_start() -> None:
    d = apply(apply(new(), PlaybackStarted(at(0))), PlaybackInterrupted(at(2)))
    assert (d.state, d.interruptions, d.delivered_at) == (DeliveryState.PENDING, 1, at(0))
    assert decide(d, now(3), POLICY).action is Action.SPEAK


def test_a_cut_off_replay_is_retried_as_a_replay() -> None:
    d = played(0, 5)
    d = apply(apply(d, PlaybackStarted(at(130))), PlaybackInterrupted(at(131)))
    assert (d.state, d.plays) == (DeliveryState.PLAYED, 1)
    assert decide(d, now(140), POLICY).action is Action.REPLAY


def test_a_restart_while_speaking_counts_as_interrupted() -> None:
    d = recover(apply(new(), PlaybackStarted(at(0))), at(30))
    assert d.state is DeliveryState.PENDING
    assert recover(played(), at(30)) == played()


def test_a_newer_version_supersedes_an_unheard_or_unacknowledged_notice() -> None:
    for d in (new(), apply(new(), PlaybackStarted(at(0))), played()):
        gone = apply(d, Superseded(at(50)))
        assert (gone.state, gone.superseded_at) == (DeliveryState.SUPERSEDED, at(50))
        assert decide(gone, now(60), POLICY).action is Action.DROP_SUPERSEDED
        assert apply(gone, PlaybackStarted(at(70))) == gone


def test_an_acknowledged_notice_stays_acknowledged_when_superseded() -> None:
    d = apply(played(), Acknowledged(at(6)))
    assert apply(d, Superseded(at(50))) == d


def test_asking_to_hear_it_again_replays_at_the_next_pause_up_to_a_limit() -> None:
    d = apply(played(0, 5), RepeatRequested(at(7)))
    assert decide(d, now(8), POLICY).action is Action.REPLAY
    for n in range(2):
        d = apply(apply(d, PlaybackStarted(at(10 + n))), PlaybackFinished(at(15 + n)))
        assert not d.repeat_requested
        d = apply(d, RepeatRequested(at(20 + n)))
    assert d.plays == 3
    assert decide(d, now(30), POLICY).action is Action.WAIT
    assert decide(d, now(300), POLICY).action is Action.ESCALATE


def test_decisions_are_plain_data() -> None:
    decision = decide(played(0, 5), now(60), POLICY)
    assert decision.to_dict() == {
        "action": "wait",
        "reason": "waiting for the acknowledgement",
        "until": at(125).isoformat(),
    }


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        (SessionMoment(True, False, False, 30.0), "the clerk is speaking"),
        (SessionMoment(False, True, False, 30.0), "the assistant is speaking"),
        (SessionMoment(False, False, True, 30.0), "a question is being answered"),
        (SessionMoment(False, False, False, 1.5), "a conversation is going on"),
        (SessionMoment(False, False, False, 4.0), None),
        (SessionMoment(False, False, False, None), None),
    ],
)
def test_a_quiet_moment_is_a_pause_outside_any_conversation(
    moment: SessionMoment, reason: str | None
) -> None:
    assert not_quiet_because(moment, pause_seconds=4.0) == reason
    assert is_quiet(moment) is (reason is None)


def test_a_record_survives_a_round_trip_through_plain_values() -> None:
    record = apply(played(0, 5), RepeatRequested(at(7)))
    assert Delivery.from_dict(record.to_dict()) == record
    assert Delivery.from_dict(new().to_dict()) == new()
