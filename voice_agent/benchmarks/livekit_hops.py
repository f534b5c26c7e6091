"""Where a LiveKit turn's time goes: the clerk's timings split at the node's own events.

A simulated clerk times each reply from its own side (:mod:`voice_agent.livekit.clerk_report`);
the node's session reports when its VAD heard the clerk stop, when its first reply audio went
to LiveKit and when it took a barge-in (:mod:`pipelines.events`). Both run on this machine's
monotonic clock, so each voice-to-voice time splits into three hops that add up to it:

- ``to_node``: the clerk's last voiced frame sent -> the node's VAD hears the speech stop
  (the way in through LiveKit, and the VAD's stop wait);
- ``node``: the VAD stop -> the first reply audio handed to LiveKit (transcription, turn end,
  answer, first sentence spoken);
- ``to_ear``: that audio handed to LiveKit -> its first voiced frame heard by the clerk (the
  agent's audio source, Opus, the server, the clerk's jitter buffer).

Each barge-in splits into ``to_node`` (the clerk starts speaking -> the node stops its reply)
and ``to_ear`` (-> the last frame of the reply heard). Pure: no LiveKit, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pipelines.events import BargeIn, BotAudioStarted, UserSpeechStopped
from voice_agent.benchmarks.stats import summary
from voice_agent.livekit.clerk_report import ClerkReport


@dataclass(frozen=True, slots=True)
class TurnHops:
    """One answered question's voice-to-voice time in three hops (seconds; ``None``: unmatched)."""

    voice_to_voice: float
    to_node: float | None
    node: float | None
    to_ear: float | None


@dataclass(frozen=True, slots=True)
class BargeInHops:
    """One barge-in's stop time in two hops (seconds; ``None``: the node took no barge-in)."""

    barge_in: float
    to_node: float | None
    to_ear: float | None


def turn_hops(report: ClerkReport, events: Sequence[object]) -> list[TurnHops]:
    """Split each answered question of ``report`` at the node's events of the same session."""
    if report.started_at_monotonic is None:
        return []
    t0 = report.started_at_monotonic
    stops = _times(events, UserSpeechStopped)
    audio = _times(events, BotAudioStarted)
    rows: list[TurnHops] = []
    for u in report.utterances:
        if u.barge_in or u.voice_to_voice_secs is None or u.speech_ended_at is None:
            continue
        assert u.reply_started_at is not None
        spoken, heard = t0 + u.speech_ended_at, t0 + u.reply_started_at
        stop = _first_between(stops, spoken, heard)
        sent = _first_between(audio, stop, heard) if stop is not None else None
        rows.append(
            TurnHops(
                voice_to_voice=u.voice_to_voice_secs,
                to_node=None if stop is None else round(stop - spoken, 4),
                node=None if stop is None or sent is None else round(sent - stop, 4),
                to_ear=None if sent is None else round(heard - sent, 4),
            )
        )
    return rows


def barge_in_hops(report: ClerkReport, events: Sequence[object]) -> list[BargeInHops]:
    """Split each scripted barge-in of ``report`` at the node's :class:`BargeIn` event.

    Only the script's barge-ins count, as in the round's ``barge_in_secs``: a question said
    over a late reply is no barge-in measurement.
    """
    if report.started_at_monotonic is None:
        return []
    t0 = report.started_at_monotonic
    taken = _times(events, BargeIn)
    rows: list[BargeInHops] = []
    for u in report.utterances:
        if not u.barge_in or u.barge_in_stop_secs is None or u.speech_started_at is None:
            continue
        assert u.interrupted_reply_ended_at is not None
        started, stopped = t0 + u.speech_started_at, t0 + u.interrupted_reply_ended_at
        # The node may stop the reply a little after the clerk last heard it (audio in flight).
        node = _first_between(taken, started, stopped + 1.0)
        rows.append(
            BargeInHops(
                barge_in=u.barge_in_stop_secs,
                to_node=None if node is None else round(node - started, 4),
                to_ear=None if node is None else round(stopped - node, 4),
            )
        )
    return rows


def hop_summary(turns: Iterable[TurnHops], barge_ins: Iterable[BargeInHops]) -> dict[str, Any]:
    """p50/p95 of every hop, for the benchmark's JSON."""
    turns, barge_ins = list(turns), list(barge_ins)
    return {
        "voice_to_voice": {
            hop: summary([v for t in turns if (v := getattr(t, hop)) is not None])
            for hop in ("to_node", "node", "to_ear")
        },
        "unmatched_turns": sum(1 for t in turns if t.to_ear is None),
        "barge_in": {
            hop: summary([v for b in barge_ins if (v := getattr(b, hop)) is not None])
            for hop in ("to_node", "to_ear")
        },
        "unmatched_barge_ins": sum(1 for b in barge_ins if b.to_node is None),
    }


def _times(
    events: Sequence[object], kind: type[UserSpeechStopped | BotAudioStarted | BargeIn]
) -> list[float]:
    return sorted(e.at for e in events if isinstance(e, kind))


def _first_between(times: Sequence[float], after: float, before: float) -> float | None:
    return next((t for t in times if after <= t <= before), None)
