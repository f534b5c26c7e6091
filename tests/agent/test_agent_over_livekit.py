"""The assistant in real LiveKit rooms: a real server, real models, simulated clerks."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from pipelines.answer_processor import CallerProfile
from pipelines.events import SessionEvent
from tests.conftest import AUDIO, reference_time
from voice_agent.agent.session import AgentSession, LiveKitEndpoint
from voice_agent.audio_io import load_audio
from voice_agent.livekit.clerk import ClerkReport, ClerkScript, ClerkUtterance, SimulatedClerk
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import mint_token

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

API_KEY = "agent-tests"
API_SECRET = secrets.token_hex(24)


@pytest.fixture(scope="module")
def server(livekit_binary: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with LocalLiveKitServer(
        binary=livekit_binary,
        api_key=API_KEY,
        api_secret=API_SECRET,
        work_dir=tmp_path_factory.mktemp("livekit-agent"),
        departure_timeout_secs=1,
    ) as running:
        yield running


@dataclasses.dataclass
class Room:
    session: AgentSession
    name: str
    identity: str
    events: list[SessionEvent]
    answers: list[tuple[str, str]]


@asynccontextmanager
async def agent_in_room(
    runtime: Any, url: str, identity: str, *, store: str = "SH-01"
) -> AsyncIterator[Room]:
    room = clerk_room_name(store_id=store, identity=identity)
    asked_at = reference_time().replace(tzinfo=runtime.knowledge.zone(store))
    events: list[SessionEvent] = []
    answers: list[tuple[str, str]] = []

    async def record_answer(question: Any, answer: Any) -> None:
        answers.append((question.text, answer.text))

    session = AgentSession(
        runtime=runtime,
        endpoint=LiveKitEndpoint(url=url, api_key=API_KEY, api_secret=API_SECRET),
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


async def clerk_says(url: str, room: Room, script: ClerkScript, recording: Path) -> ClerkReport:
    token = mint_token(
        api_key=API_KEY,
        api_secret=API_SECRET,
        identity=room.identity,
        role="clerk",
        room=room.name,
        store_id="SH-01",
    )
    # A long hangover: a reply may pause between its lead-in and the rest on a busy machine.
    clerk = SimulatedClerk(url=url, token=token, recording_path=recording, hangover_secs=1.5)
    return await clerk.run(script)


def heard_text(runtime: Any, recording: Path) -> str:
    audio = load_audio(recording)
    text = runtime.transcriber.transcribe_sync(audio.pcm16).text
    return " ".join(re.findall(r"[\w%]+", text.lower()))


def _types(events: list[SessionEvent]) -> list[str]:
    return [event.type for event in events]


async def test_a_wake_phrase_question_is_answered_in_the_clerks_ear(
    runtime: Any, server: Any, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, server.url, "ana") as room:
        report = await clerk_says(
            server.url,
            room,
            ClerkScript.from_files([AUDIO / "loop/wake_ax200_weekend.wav"], max_reply_secs=15),
            tmp_path / "heard.wav",
        )
    (utterance,) = report.utterances
    assert utterance.voice_to_voice_secs is not None
    heard = heard_text(runtime, tmp_path / "heard.wav")
    assert "20%" in heard or "20 percent" in heard, heard
    assert room.answers and "20 percent" in room.answers[0][1]


async def test_customer_chatter_is_neither_answered_nor_stored(
    runtime: Any, server: Any, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, server.url, "ben") as room:
        report = await clerk_says(
            server.url,
            room,
            ClerkScript.from_files([AUDIO / "loop/trail_runner_sale.wav"], reply_timeout_secs=4.0),
            tmp_path / "heard.wav",
        )
    assert report.utterances[0].reply_started_at is None
    assert room.answers == []
    assert "turn_not_addressed" in _types(room.events)
    assert "answer_completed" not in _types(room.events)


async def test_push_to_talk_opens_a_turn_without_the_wake_phrase(
    runtime: Any, server: Any, tmp_path: Path
) -> None:
    async with agent_in_room(runtime, server.url, "cai") as room:
        report = await clerk_says(
            server.url,
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
    runtime: Any, server: Any, tmp_path: Path
) -> None:
    script = ClerkScript(
        utterances=[
            ClerkUtterance(path=AUDIO / "loop/wake_ax200_weekend.wav"),
            ClerkUtterance(path=AUDIO / "loop/trail_runner_sale.wav", barge_in_after_secs=1.0),
        ],
        max_reply_secs=15,
    )
    async with agent_in_room(runtime, server.url, "dan") as room:
        report = await clerk_says(server.url, room, script, tmp_path / "heard.wav")
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
    runtime: Any, server: Any, tmp_path: Path, conversation: str
) -> None:
    async with agent_in_room(runtime, server.url, "eve") as room:
        await clerk_says(
            server.url,
            room,
            ClerkScript.from_files(
                [AUDIO / conversation], push_to_talk=True, max_reply_secs=20, tail_secs=6.0
            ),
            tmp_path / "heard.wav",
        )
    types = _types(room.events)
    assert "barge_in" not in types or "speech_resumed" in types, types
    heard = heard_text(runtime, tmp_path / "heard.wav")
    assert "29 november" in heard, heard  # the answer's last sentence was spoken


async def test_two_clerks_at_once_each_hear_only_their_own_answer(
    runtime: Any, server: Any, tmp_path: Path
) -> None:
    async with (
        agent_in_room(runtime, server.url, "fay") as first,
        agent_in_room(runtime, server.url, "gus") as second,
    ):
        await asyncio.gather(
            clerk_says(
                server.url,
                first,
                ClerkScript.from_files([AUDIO / "loop/wake_ax200_weekend.wav"], max_reply_secs=15),
                tmp_path / "fay.wav",
            ),
            clerk_says(
                server.url,
                second,
                ClerkScript.from_files([AUDIO / "loop/wake_socks_contact.wav"], max_reply_secs=15),
                tmp_path / "gus.wav",
            ),
        )
    fay, gus = heard_text(runtime, tmp_path / "fay.wav"), heard_text(runtime, tmp_path / "gus.wav")
    # Whisper hears the names back loosely ("Maria Keller" as "calmeria color"): the contact's
    # extension, 3100, tells the contact answer apart as surely.
    assert ("20%" in fay or "20 percent" in fay) and "3100" not in fay and "maria" not in fay, fay
    assert "maria" in gus or "3100" in gus, gus
    assert "20%" not in gus and "20 percent" not in gus, gus


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
        async with agent_in_room(runtime, first.url, "hal") as room:
            before = await clerk_says(
                first.url,
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
                second.url,
                room,
                ClerkScript.from_files([AUDIO / "loop/wake_socks_contact.wav"], max_reply_secs=15),
                tmp_path / "after.wav",
            )
        assert after.utterances[0].reply_started_at is not None
        heard = heard_text(runtime, tmp_path / "after.wav")
        # The socks answer names Maria at extension 3100; Whisper may split the name.
        assert "maria" in heard or "3100" in heard, heard
    finally:
        first.stop()
        if second is not None:
            second.stop()
