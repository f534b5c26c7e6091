"""One clerk's notices together: supersede older versions, pick what to do next.

:func:`knowledge_base.delivery.decide` judges one notice; a clerk may have several (two
promotions changed, or a second version published before the first was heard). Here:

* :func:`supersede` marks every open notice of an older version of the same promotion as
  superseded when a newer one is published (nobody is told an outdated rule);
* :func:`next_step` picks the one thing to do now: drop superseded notices first, then
  escalate, then speak or replay the oldest notice due, and never start a notice while
  another is playing;
* :func:`wake_at` says when to look again if nothing is due now;
* :func:`awaiting_acknowledgement` is the notice whose "got it" is awaited now (a session
  that starts, after a rejoin or a restart, awaits it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from knowledge_base.delivery import (
    Action,
    Decision,
    Delivery,
    DeliveryPolicy,
    DeliveryState,
    Situation,
    Superseded,
    apply,
    decide,
)

_PRIORITY = {Action.DROP_SUPERSEDED: 0, Action.ESCALATE: 1, Action.SPEAK: 2, Action.REPLAY: 2}


def notice_id(promotion_id: str, version: int) -> str:
    """``weekend-running@3``."""
    return f"{promotion_id}@{version}"


def parse_notice_id(value: str) -> tuple[str, int]:
    """``"weekend-running@3"`` -> ``("weekend-running", 3)``.

    Raises:
        ValueError: Not ``<promotion id>@<version>``.
    """
    promotion_id, _, version = value.rpartition("@")
    if not promotion_id or not version.isdigit():
        raise ValueError(f"not a notice id (<promotion id>@<version>): {value!r}")
    return promotion_id, int(version)


def supersede(deliveries: Iterable[Delivery], *, published: str, at: datetime) -> list[Delivery]:
    """The records after version ``published`` (a notice id) of a promotion came out."""
    promotion_id, version = parse_notice_id(published)
    updated = []
    for delivery in deliveries:
        other_id, other_version = parse_notice_id(delivery.notice_id)
        if other_id == promotion_id and other_version < version:
            delivery = apply(delivery, Superseded(at))
        updated.append(delivery)
    return updated


@dataclass(frozen=True, slots=True)
class Step:
    """The one thing to do now for a clerk."""

    delivery: Delivery
    decision: Decision


def next_step(
    deliveries: Sequence[Delivery], situation: Situation, policy: DeliveryPolicy
) -> Step | None:
    """What to do now for one clerk's notices, or ``None`` when nothing is due."""
    playing = any(d.state is DeliveryState.SPEAKING for d in deliveries)
    steps = []
    for delivery in sorted(deliveries, key=lambda d: (d.created_at, d.notice_id)):
        decision = decide(delivery, situation, policy)
        if decision.action not in _PRIORITY:
            continue
        if playing and decision.action in (Action.SPEAK, Action.REPLAY):
            continue
        steps.append(Step(delivery, decision))
    return min(steps, key=lambda step: _PRIORITY[step.decision.action], default=None)


def wake_at(
    deliveries: Sequence[Delivery], situation: Situation, policy: DeliveryPolicy
) -> datetime | None:
    """The earliest time a waiting notice asks to be looked at again (``None``: on events)."""
    times = [
        decision.until
        for d in deliveries
        if (decision := decide(d, situation, policy)).action is Action.WAIT and decision.until
    ]
    return min(times, default=None)


def awaiting_acknowledgement(
    deliveries: Sequence[Delivery], *, now: datetime, policy: DeliveryPolicy
) -> tuple[Delivery, timedelta] | None:
    """The oldest notice played to its end whose acknowledgement is awaited now, and how long.

    Not escalated, and its acknowledgement deadline (``acknowledge_within`` after its last
    play) not yet reached; after the deadline its replay or escalation is due instead.
    """
    for delivery in sorted(deliveries, key=lambda d: (d.created_at, d.notice_id)):
        if delivery.state is not DeliveryState.PLAYED or delivery.escalated_at is not None:
            continue
        assert delivery.last_played_at is not None
        left = delivery.last_played_at + policy.acknowledge_within - now
        if left > timedelta(0):
            return delivery, left
    return None
