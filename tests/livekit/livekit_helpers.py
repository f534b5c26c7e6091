"""Helpers of the LiveKit tests: tokens and joining, rosters, synthetic speech, levels, replies
heard, fault moments and the conversations stored."""

import os
import re
import secrets
import wave
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from livekit import rtc

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.roster_files import parse_roster
from voice_agent.audio_io import load_audio
from voice_agent.livekit.activity import level_dbfs
from voice_agent.livekit.clerk_report import ClerkReport
from voice_agent.livekit.rooms import clerk_room_name, parse_clerk_room
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import mint_token
from voice_agent.storage import Database, SqlRosterRepository, SqlSessionStore, open_database

SAMPLE_RATE = 16000
WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def always_on_shift(*people: str) -> str:
    """A roster CSV in which each person works every day from 00:00 to 23:59.

    Args:
        people: One ``"identity,name,role,store,region"`` per person (store or region empty).
    """
    return "identity,name,role,store,region,day,start,end\n" + "".join(
        f"{person},{day},00:00,23:59\n" for person in people for day in WEEK
    )


def load_roster(database: Database, knowledge: KnowledgeBase, roster_csv: str) -> None:
    """Store ``roster_csv`` (read against ``knowledge``) as the roster in ``database``, now."""
    SqlRosterRepository(database=database).replace(
        parse_roster(roster_csv, file="roster.csv", knowledge=knowledge),
        source="roster.csv",
        loaded_by="test",
        loaded_at=datetime.now(UTC),
    )


def speech_like(secs: float, *, rate: int = SAMPLE_RATE, level: float = 0.25) -> np.ndarray:
    """A voiced, syllable-like signal: harmonics of 140 Hz with a 4 Hz envelope (float32)."""
    t = np.arange(int(secs * rate)) / rate
    voice = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 8))
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 4 * t)
    signal = voice * envelope
    return (level * signal / np.max(np.abs(signal))).astype(np.float32)


def write_wav(
    path: Path, samples: np.ndarray, *, rate: int = SAMPLE_RATE, channels: int = 1
) -> Path:
    """Write float samples in [-1, 1] as 16-bit PCM, duplicated to ``channels``."""
    pcm = np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2")
    if channels > 1:
        pcm = np.repeat(pcm[:, None], channels, axis=1).reshape(-1)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return path


def rms_dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dB full scale."""
    rms = float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
    return 20 * np.log10(max(rms, 1e-9) / 32768)


def reply_secs(report: ClerkReport) -> float:
    """Seconds of voiced reply audio the simulated clerk heard, over all its segments."""
    return sum(segment.end - segment.start for segment in report.heard)


def words(text: str) -> set[str]:
    """The lower-case words and numbers of ``text`` ("20%" gives "20")."""
    return set(re.findall(r"[a-z]+|\d+", text.lower()))


HEARD_WINDOW_SECS = 8.0
"""Whisper hears a recording in windows this long (see :func:`heard_words`)."""
HEARD_OVERLAP_SECS = 2.0
"""Consecutive windows overlap by this much: a word cut by one window is whole in the next."""
SILENT_DBFS = -50.0
"""A window no louder than this carries no speech and is not transcribed."""


def heard_words(runtime: Any, recording: Path) -> set[str]:
    """What Whisper makes of a clerk's recording, as :func:`words`, in overlapping windows.

    Whisper hears the assistant's own speech back loosely ("Maria Keller" as "calmeria
    color"), so tests decide on the session's events and stored answers and use this only
    for a loose check that the audio carried that answer (see :func:`share_of`). One pass
    over a whole recording lets Whisper end early: of a 26 s recording holding a 13 s reply
    it sometimes wrote the first sentences only, though the clerk had heard all of it.
    """
    audio = load_audio(recording)
    pcm = np.frombuffer(audio.pcm16, dtype=np.int16)
    window = round(HEARD_WINDOW_SECS * audio.sample_rate)
    overlap = round(HEARD_OVERLAP_SECS * audio.sample_rate)
    heard: set[str] = set()
    for start in range(0, max(pcm.size - overlap, 1), window - overlap):
        piece = pcm[start : start + window]
        if level_dbfs(piece) <= SILENT_DBFS:
            continue
        heard |= words(runtime.transcriber.transcribe_sync(piece.tobytes()).text)
    return heard


def share_of(heard: set[str], text: str) -> float:
    """The share of ``text``'s words of three or more letters (and its numbers) in ``heard``."""
    wanted = {word for word in words(text) if len(word) >= 3 or word.isdigit()}
    return len(wanted & heard) / len(wanted) if wanted else 0.0


def room_token(
    server: LocalLiveKitServer,
    identity: str,
    *,
    store: str = "SH-01",
    room: str | None = None,
    role: str = "clerk",
    dispatch_agent: bool = False,
) -> str:
    """A token of ``server`` for ``identity`` in ``room`` (default: their clerk room of ``store``).

    A clerk room's name sets the token's store; with ``dispatch_agent`` joining the room has
    LiveKit dispatch the assistant to it.
    """
    room = room or clerk_room_name(store_id=store, identity=identity)
    return mint_token(
        api_key=server.api_key,
        api_secret=server.api_secret,
        identity=identity,
        role=role,
        room=room,
        store_id=parse_clerk_room(room).store_id,
        dispatch_agent=dispatch_agent,
    )


@asynccontextmanager
async def joined(server: LocalLiveKitServer, token: str) -> AsyncIterator[rtc.Room]:
    """A participant in the token's room for the length of the block."""
    room = rtc.Room()
    await room.connect(server.url, token)
    try:
        yield room
    finally:
        await room.disconnect()


def fault_seed() -> int:
    """The seed of a fault's moment: ``VOICE_AGENT_FAULT_SEED``, or a new one each run.

    Tests print it, so a failing moment can be replayed.
    """
    return int(os.environ.get("VOICE_AGENT_FAULT_SEED") or secrets.randbelow(10**6))


def stored_turns(database_url: str, room: str, identity: str) -> int:
    """Answered turns of the clerk's conversation stored in the database (0: none)."""
    database = open_database(database_url)
    try:
        since = datetime.now(UTC) - timedelta(hours=1)
        stored = SqlSessionStore(database=database).load(room, identity, answered_since=since)
    finally:
        database.close()
    return 0 if stored is None else stored.turns
