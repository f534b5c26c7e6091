"""How a briefing ends: why, what is kept, and when one whose node died counts as ended.

A briefing runs on one node. While it runs, that node stores its captions, its recording
(a chunk about every second) and every join and leave as they happen, and renews the
briefing's ``seen_at``. When it ends, :func:`conclude` turns what was stored into its
result: attendance stretches still open are closed at the end, the changes proposed from
the manager's captions, and the summary.

A node that dies leaves its briefing open in storage. :func:`abandoned` says when another
node (or the same one, started again) takes it for ended: at once on a single node (nothing
else could be running it), on a cluster once ``seen_at`` is older than ``stale_after``. It
is then concluded as of the last time its node was seen, and marked
:attr:`EndReason.NODE_FAILED`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from knowledge_base.attendance import Presence
from knowledge_base.briefing import Caption, ProposedChange, propose_changes, summarize
from knowledge_base.knowledge import KnowledgeBase


class EndReason(StrEnum):
    """Why a briefing ended."""

    CLOSED = "closed"
    """Closed over HTTP or the CLI, or the service stopping."""
    SPEAKER_LEFT = "speaker_left"
    SPEAKER_NEVER_CAME = "speaker_never_came"
    DISCONNECTED = "disconnected"
    """The room closed (everyone left)."""
    CONNECTION_FAILED = "connection_failed"
    NODE_FAILED = "node_failed"
    """The node running it died; closed by another node (or it, restarted)."""


def abandoned(
    *,
    running_here: bool,
    shared: bool,
    started_at: datetime,
    seen_at: datetime | None,
    now: datetime,
    stale_after: timedelta,
) -> bool:
    """Whether an open briefing's node is gone, so that this node may conclude it.

    Args:
        running_here: This node runs it (then it is not abandoned).
        shared: Other nodes may run briefings over the same storage. If not, a briefing
            open in storage and not running here was left by an earlier process.
        started_at: When it was opened (its node's first sign of life).
        seen_at: When its node last renewed it (``None``: never).
        now: The same clock as ``seen_at`` (the database's).
        stale_after: On a cluster, a node silent this long is dead.
    """
    if running_here:
        return False
    if not shared:
        return True
    return now - last_seen(started_at=started_at, seen_at=seen_at) > stale_after


def last_seen(*, started_at: datetime, seen_at: datetime | None) -> datetime:
    """The last moment a briefing's node was known to run it."""
    return max(started_at, seen_at) if seen_at is not None else started_at


@dataclass(frozen=True, slots=True)
class BriefingOutcome:
    """What a briefing leaves behind when it ends."""

    ended_at: datetime
    presences: list[Presence]
    """Every stretch, none open (a stretch open at the end is closed at it)."""
    proposals: list[ProposedChange]
    summary: str


def close_open(presences: Iterable[Presence], at: datetime) -> list[Presence]:
    """The stretches with every open one closed at ``at`` (never before it was joined)."""
    return [
        p if p.left_at is not None else replace(p, left_at=max(at, p.joined_at)) for p in presences
    ]


def conclude(
    captions: Sequence[Caption],
    presences: Iterable[Presence],
    *,
    knowledge: KnowledgeBase,
    speaker: str,
    ended_at: datetime,
) -> BriefingOutcome:
    """The result of a briefing that ended at ``ended_at`` (``speaker``: its manager)."""
    return BriefingOutcome(
        ended_at=ended_at,
        presences=close_open(presences, ended_at),
        proposals=propose_changes(captions, knowledge=knowledge, speaker=speaker),
        summary=summarize(captions, knowledge=knowledge).text,
    )
