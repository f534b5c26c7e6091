"""The assistant in real LiveKit rooms: a real server, real models, simulated clerks."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from knowledge_base.answering import split_sentences
from pipelines.answer_processor import CallerProfile
from pipelines.events import SessionEvent
from tests.conftest import AUDIO, load_manifest, reference_time
from tests.livekit.livekit_helpers import heard_words, reply_secs, room_token, share_of
from voice_agent.agent.lifecycle import SessionState
from voice_agent.agent.session import AgentSession, LiveKitEndpoint
from voice_agent.audio_io import load_audio, write_wav
from voice_agent.livekit.clerk import SimulatedClerk
from voice_agent.livekit.clerk_report import ClerkReport
from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

API_KEY = "agent-tests"
API_SECRET = secrets.token_hex(24)
SHARE_HEARD = 0.3
"""Share of an answer's words Whisper must find in the clerk's recording of it (loose)."""


@dataclasses.dataclass
class Room:
    session: AgentSession
    name: str
    identity: str
    events: list[SessionEvent]
    answers: list[tuple[str, str]]


@asynccontextmanager
async def agent_in_room(
    runtime: Any, server: LocalLiveKitServer, identity: str, *, store: str = "SH-01"
) -> AsyncIterator[Room]:
    room = clerk_room_name(store_id=store, identity=identity)
    asked_at = reference_time().replace(tzinfo=runtime.knowledge.zone(store))
    events: list[SessionEvent] = []
    answers: list[tuple[str, str]] = []

    async def record_answer(question: Any, answer: Any) -> None:
        answers.append((question.text, answer.text))

    session = AgentSession(
        runtime=runtime,
        endpoint=LiveKitEndpoint(
            url=server.url, api_key=server.api_key, api_secret=server.api_secret
        ),
        room=room,
        clerk_identity=identity,
        caller=CallerProfile(store_id=store),
        config=dataclasses.replace(runtime.loop_config, require_addressing=True),
        clock=lambda: asked_at,
        on_event=events.append,
        on_answer=record_answer,
        restart_delays=(0.3, 0.5, 1.0),
    )
    task = asyncio.create_task(session.run())
    try:
        await session.wait_connected(20)
        yield Room(session=session, name=room, identity=identity, events=events, answers=answers)
    finally:
        await session.stop()
        await asyncio.wait_for(task, 30)


async def clerk_says(
    server: LocalLiveKitServer, room: Room, script: ClerkScript, recording: Path
) -> ClerkReport:
    token = room_token(server, room.identity, room=room.name)
    # A long hangover: a reply may pause between its lead-in and the rest on a busy machine.
    clerk = SimulatedClerk(url=server.url, token=token, recording_path=recording, hangover_secs=1.5)
    # As the earpiece app does: speak once the assistant has the microphone and listens (on
    # a busy machine its subscription can take longer than the lead-in; "hey pro-" is lost).
    return await clerk.run(script.model_copy(update={"wait_for_assistant_secs": 20.0}))


def _types(events: list[SessionEvent]) -> list[str]:
    return [event.type for event in events]


async def test_a_wake_phrase_question_is_answered_in_the_clerks_ear(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, module_livekit, "ana") as room:
        report = await clerk_says(
            module_livekit,
            room,
            ClerkScript.from_files([AUDIO / "loop/wake_ax200_weekend.wav"], max_reply_secs=15),
            tmp_path / "heard.wav",
        )
    (utterance,) = report.utterances
    assert utterance.voice_to_voice_secs is not None
    assert room.answers, _types(room.events)
    (_, answer), *_ = room.answers
    assert "20 percent" in answer
    # The clerk heard that answer: seconds of it, and some of its words (Whisper hears
    # the assistant's voice loosely, so the decision above is what the test rests on).
    assert reply_secs(report) > 1.5
    heard = heard_words(runtime, tmp_path / "heard.wav")
    assert share_of(heard, answer) >= SHARE_HEARD, (heard, answer)


async def test_customer_chatter_is_neither_answered_nor_stored(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, module_livekit, "ben") as room:
        report = await clerk_says(
            module_livekit,
            room,
            ClerkScript.from_files([AUDIO / "loop/trail_runner_sale.wav"], reply_timeout_secs=4.0),
            tmp_path / "heard.wav",
        )
    assert report.utterances[0].reply_started_at is None
    assert room.answers == []
    assert "turn_not_addressed" in _types(room.events)
    assert "answer_completed" not in _types(room.events)


async def test_push_to_talk_opens_a_turn_without_the_wake_phrase(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, module_livekit, "cai") as room:
        report = await clerk_says(
            module_livekit,
            room,
            ClerkScript.from_files(
                [AUDIO / "loop/trail_runner_sale.wav"], push_to_talk=True, max_reply_secs=15
            ),
            tmp_path / "heard.wav",
        )
    assert report.utterances[0].reply_started_at is not None
    assert room.answers and "TR-900" in room.answers[0][1]
    assert any(e.type == "turn_addressed" and e.by == "push_to_talk" for e in room.events)


async def test_the_clerk_speaking_over_the_reply_stops_the_agents_audio(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    script = ClerkScript(
        utterances=[
            ClerkUtterance(path=AUDIO / "loop/wake_ax200_weekend.wav"),
            ClerkUtterance(path=AUDIO / "loop/trail_runner_sale.wav", barge_in_after_secs=1.0),
        ],
        max_reply_secs=15,
    )
    async with agent_in_room(runtime, module_livekit, "dan") as room:
        report = await clerk_says(module_livekit, room, script, tmp_path / "heard.wav")
    interrupting = report.utterances[1]
    assert interrupting.barge_in
    assert interrupting.interrupted_reply_ended_at is not None
    assert interrupting.speech_started_at is not None
    assert interrupting.interrupted_reply_ended_at - interrupting.speech_started_at < 0.8
    assert "barge_in" in _types(room.events)
    # The interrupting question was heard over the answer, so it needs no wake phrase.
    assert "TR-900" in room.answers[-1][1]


@pytest.mark.parametrize(
    "conversation", ["conversations/barge_in_noise.wav", "conversations/barge_in_cough.wav"]
)
async def test_noise_during_the_reply_does_not_silence_the_agent(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path, conversation: str
) -> None:
    # The conversation's sounds after its question start as the reply does. (Said with the
    # push-to-talk button held, the whole file would be one question, noise included.)
    noise = _after_the_question(conversation, tmp_path / "noise.wav")
    script = ClerkScript(
        utterances=[
            ClerkUtterance(path=AUDIO / "loop/wake_ax200_weekend.wav"),
            ClerkUtterance(path=noise, barge_in_after_secs=0.0),
        ],
        max_reply_secs=20,
        tail_secs=6.0,
    )
    async with agent_in_room(runtime, module_livekit, "eve") as room:
        report = await clerk_says(module_livekit, room, script, tmp_path / "heard.wav")
    story = _timeline(room.events, report)
    types = _types(room.events)
    assert "barge_in" not in types or "speech_resumed" in types, story
    assert room.answers, story
    (_, answer), *_ = room.answers
    # The answer's last sentence (its end date) was spoken, not cut off by the noise.
    last = split_sentences(answer)[-1]
    assert "29 November" in last, answer
    heard = heard_words(runtime, tmp_path / "heard.wav")
    assert share_of(heard, last) >= SHARE_HEARD, f"{sorted(heard)}\n{last}\n{story}"


def _timeline(events: list[SessionEvent], report: ClerkReport) -> str:
    """What the session and the clerk observed, in order: a failure's explanation."""
    start = events[0].at if events else 0.0
    lines = [f"{e.at - start:7.2f} {e.type} {_detail(e)}" for e in events]
    lines += [
        f"clerk said {Path(u.file).name} {u.started_at}-{u.ended_at} s,"
        f" voiced from {u.speech_started_at}"
        for u in report.utterances
    ]
    lines += [f"clerk heard {s.start:.2f}-{s.end:.2f} s" for s in report.heard]
    lines += [f"clerk left after {report.duration_secs:.2f} s"]
    return "\n".join(lines)


def _detail(event: SessionEvent) -> str:
    fields = event.model_dump(exclude={"session_id", "at", "type"})
    return " ".join(f"{k}={v!r}"[:80] for k, v in fields.items())


def _after_the_question(conversation: str, target: Path) -> Path:
    """The part of a conversation fixture after its question (its reply window) as a WAV."""
    (entry,) = [e for e in load_manifest()["files"] if e["path"] == conversation]
    audio = load_audio(AUDIO / conversation)
    start = round(entry["reply_window"]["start_s"] * audio.sample_rate) * 2
    write_wav(target, audio.pcm16[start:], audio.sample_rate)
    return target


async def test_two_clerks_at_once_each_hear_only_their_own_answer(
    runtime: Any, module_livekit: LocalLiveKitServer, tmp_path: Path
) -> None:
    async with (
        agent_in_room(runtime, module_livekit, "fay") as first,
        agent_in_room(runtime, module_livekit, "gus") as second,
    ):
        await asyncio.gather(
            clerk_says(
                module_livekit,
                first,
                ClerkScript.from_files([AUDIO / "loop/wake_ax200_weekend.wav"], max_reply_secs=15),
                tmp_path / "fay.wav",
            ),
            clerk_says(
                module_livekit,
                second,
                ClerkScript.from_files([AUDIO / "loop/wake_socks_contact.wav"], max_reply_secs=15),
                tmp_path / "gus.wav",
            ),
        )
    assert first.answers and second.answers, (_types(first.events), _types(second.events))
    (_, weekend), *_ = first.answers
    (_, contact), *_ = second.answers
    assert "20 percent" in weekend and "3100" in contact, (weekend, contact)
    # Each clerk's ear carried their own answer: more of its words than of the other's.
    fay = heard_words(runtime, tmp_path / "fay.wav")
    gus = heard_words(runtime, tmp_path / "gus.wav")
    assert share_of(fay, weekend) >= SHARE_HEARD and share_of(fay, weekend) > share_of(fay, contact)
    assert share_of(gus, contact) >= SHARE_HEARD and share_of(gus, contact) > share_of(gus, weekend)


async def test_the_agent_rejoins_after_the_server_restarts(
    runtime: Any, livekit_binary: Path, tmp_path: Path
) -> None:
    first = LocalLiveKitServer(
        binary=livekit_binary,
        api_key=API_KEY,
        api_secret=API_SECRET,
        work_dir=tmp_path / "first",
        departure_timeout_secs=1,
    )
    first.start()
    port, (tcp, udp) = first.port, first.rtc_ports
    second: LocalLiveKitServer | None = None
    try:
        async with agent_in_room(runtime, first, "hal") as room:
            before = await clerk_says(
                first,
                room,
                ClerkScript.from_files([AUDIO / "loop/wake_ax200_weekend.wav"], max_reply_secs=15),
                tmp_path / "before.wav",
            )
            assert before.utterances[0].reply_started_at is not None
            first.stop()
            second = LocalLiveKitServer(
                binary=livekit_binary,
                api_key=API_KEY,
                api_secret=API_SECRET,
                port=port,
                rtc_tcp_port=tcp,
                rtc_udp_port=udp,
                work_dir=tmp_path / "second",
                departure_timeout_secs=1,
            )
            second.start()
            for _ in range(200):
                if room.session.connections >= 2 and room.session.state == "connected":
                    break
                await asyncio.sleep(0.1)
            assert room.session.connections >= 2
            after = await clerk_says(
                second,
                room,
                ClerkScript.from_files([AUDIO / "loop/wake_socks_contact.wav"], max_reply_secs=15),
                tmp_path / "after.wav",
            )
        assert after.utterances[0].reply_started_at is not None
        (_, contact) = room.answers[-1]
        assert "3100" in contact, room.answers  # the socks answer: Maria at extension 3100
        heard = heard_words(runtime, tmp_path / "after.wav")
        assert share_of(heard, contact) >= SHARE_HEARD, (heard, contact)
    finally:
        first.stop()
        if second is not None:
            second.stop()


async def test_a_second_assistant_in_a_clerk_s_room_ends_the_first_instead_of_taking_turns(
    runtime: Any, module_livekit: LocalLiveKitServer
) -> None:
    # Two sessions of one clerk (one rejoining on a worker while the room was dispatched
    # again elsewhere) join with the same identity: LiveKit puts the earlier one out. If it
    # rejoined, it would put the other out in turn, and neither would hear a whole question.
    async with (
        agent_in_room(runtime, module_livekit, "ira") as first,
        agent_in_room(runtime, module_livekit, "ira") as second,
    ):
        for _ in range(200):
            if first.session.state is SessionState.STOPPED:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(3.0)  # long enough for a rejoin (the first delay is 0.3 s)
        assert first.session.state is SessionState.STOPPED, _types(first.events)
        assert second.session.state is SessionState.CONNECTED, _types(second.events)
    (stopped,) = [e for e in first.events if e.type == "session_stopped"]
    assert stopped.reason == "replaced"  # type: ignore[union-attr]
    assert "session_crashed" not in _types(second.events)
