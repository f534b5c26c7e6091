"""One ``bench broadcast`` round's report: what the earpieces noted joined with what was stored.

Per phase (joined, first audio, played to the end, acknowledgement stored) a clerk counts
only if they got through it by that phase's deadline
(:class:`~voice_agent.benchmarks.broadcast_deadlines.RoundDeadlines`): the percentiles are
over those, and the others are listed by identity (``missing_<phase>``). The round is
``complete`` when nobody is missing from any phase and every earpiece left its room.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from loguru import logger

from voice_agent.benchmarks.broadcast_deadlines import RoundDeadlines
from voice_agent.benchmarks.broadcast_earpieces import EarpieceReport
from voice_agent.benchmarks.stats import summary


def round_report(
    identities: Sequence[str],
    earpieces: Sequence[EarpieceReport],
    records: dict[str, Any],
    published: datetime,
    deadlines: RoundDeadlines,
    *,
    earpieces_error: str | None = None,
) -> dict[str, Any]:
    """The round's report (see the module docstring); ``records`` are deliveries by clerk.

    ``earpieces_error`` says why the earpieces' process gave no reports, if it did not.
    """
    heard = {e.identity: e for e in earpieces}
    first: dict[str, float] = {}
    finished: dict[str, float] = {}
    acked: dict[str, float] = {}
    ack_store: list[float] = []
    for identity in identities:
        earpiece, record = heard.get(identity), records.get(identity)
        secs = earpiece.first_audio_after(published) if earpiece else None
        if secs is not None and secs <= deadlines.first_audio_secs:
            first[identity] = secs
        if record is None:
            continue
        if (secs := _after(published, record.played_at)) is not None:
            if secs <= deadlines.played_secs:
                finished[identity] = secs
        if (secs := _after(published, record.acknowledged_at)) is not None:
            if secs <= deadlines.acknowledged_secs:
                acked[identity] = secs
                if earpiece is not None and earpiece.ack_pressed_at is not None:
                    ack_store.append(_after(earpiece.ack_pressed_at, record.acknowledged_at) or 0.0)
    joined = [i for i in identities if i in heard and heard[i].heard_assistant]
    missing = {
        "joined": _absent(identities, joined),
        "first_audio": _absent(identities, first),
        "played": _absent(identities, finished),
        "acknowledged": _absent(identities, acked),
    }
    not_left = sorted(e.identity for e in earpieces if not e.left)
    report = {
        "clerks": len(identities),
        "complete": earpieces_error is None and not any(missing.values()) and not not_left,
        "deadlines_secs": deadlines.to_dict(),
        "first_audio_secs": _rounded(summary(list(first.values()))),
        "finished_secs": _rounded(summary(list(finished.values()))),
        "ack_recorded_secs": _rounded(summary(list(acked.values()))),
        "ack_store_secs": _rounded(summary(ack_store)),
        "missing": {
            "first_audio": len(missing["first_audio"]),
            "finished": len(missing["played"]),
            "ack_recorded": len(missing["acknowledged"]),
        },
        **{f"missing_{phase}": who for phase, who in missing.items()},
        "without_assistant_at_publish": len(identities) - len(joined),
        "ack_presses": {
            "total": sum(e.ack_presses for e in earpieces),
            "pressed_again": sum(1 for e in earpieces if e.ack_presses > 1),
            "not_sent": sum(e.ack_press_failures for e in earpieces),
            "send_secs": _rounded(summary([s for e in earpieces for s in e.ack_send_secs])),
        },
        "not_left_in_time": not_left,
        "earpieces_error": earpieces_error,
    }
    logger.info("bench broadcast: {} clerks: {}", len(identities), report)
    return report


def _after(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds()


def _absent(identities: Sequence[str], present: Sequence[str] | dict[str, float]) -> list[str]:
    return [identity for identity in identities if identity not in present]


def _rounded(stats: dict[str, float | int | None]) -> dict[str, float | int | None]:
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in stats.items()}
