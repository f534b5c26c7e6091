"""One round of ``bench livekit`` over a real LiveKit server: every answer splits into hops.

The clerk runs in a process of its own and times from its side; the node's session reports
its own events. The split is only useful if every answer and every barge-in is matched to
the node's events and the hops add up to what the clerk measured.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime
from pathlib import Path

import pytest

from voice_agent.benchmarks.livekit_bench import API_KEY, clerk_round
from voice_agent.livekit.server import LocalLiveKitServer

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def test_a_one_clerk_round_splits_every_answer_and_barge_in_at_the_nodes_events(
    livekit_binary: Path, runtime, tmp_path: Path
) -> None:
    secret = secrets.token_hex(24)
    at = datetime.fromisoformat("2026-11-28T15:00").replace(tzinfo=runtime.knowledge.zone("SH-01"))
    with LocalLiveKitServer(
        binary=livekit_binary,
        api_key=API_KEY,
        api_secret=secret,
        work_dir=tmp_path,
        departure_timeout_secs=1,
    ) as server:
        result = asyncio.run(clerk_round(runtime, server, secret, 1, at, audio=AUDIO))

    assert result["unanswered"] == 0, result
    hops = result["hops"]
    assert hops["unmatched_turns"] == 0 and hops["unmatched_barge_ins"] == 0, hops
    way = hops["voice_to_voice"]
    assert [way[hop]["n"] for hop in ("to_node", "node", "to_ear")] == [3, 3, 3]
    assert all(way[hop]["p50"] >= 0 for hop in ("to_node", "node", "to_ear")), way
    # The way in holds the VAD's whole stop wait (stop_secs), so it cannot be shorter.
    assert way["to_node"]["p50"] >= runtime.loop_config.vad_stop_secs
    barge = hops["barge_in"]
    assert barge["to_node"]["n"] == 1 and barge["to_ear"]["n"] == 1
    total = barge["to_node"]["p50"] + barge["to_ear"]["p50"]
    assert total == pytest.approx(result["barge_in_secs"]["p50"], abs=0.002)
