"""The simulated clerk over a real server: what it sends arrives, and its timings are true.

The timing test pits the clerk against a small scripted responder in the same room that
records, on the wall clock, when it really started and stopped replying; the clerk's
report must agree with that ground truth within the transport's delay.
"""

import asyncio
import json
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from livekit import rtc
from livekit_helpers import rms_dbfs, room_token, speech_like, write_wav

from voice_agent.livekit.clerk import SimulatedClerk
from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance, read_clerk_audio
from voice_agent.livekit.earpiece import AGENT_STATE_ATTRIBUTE, LEAVING, LISTENING, PTT_TOPIC
from voice_agent.livekit.errors import AudioFileError, ClerkError
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import build_access_token

RATE = 16000


def test_any_wav_is_read_as_16k_mono(tmp_path: Path) -> None:
    source = speech_like(1.0, rate=44100)
    path = write_wav(tmp_path / "stereo44k.wav", source, rate=44100, channels=2)
    samples = read_clerk_audio(path)
    assert samples.dtype == np.int16 and samples.size == pytest.approx(RATE, abs=2)
    assert rms_dbfs(samples) == pytest.approx(rms_dbfs((source * 32767).astype(np.int16)), abs=0.3)


async def test_a_bad_audio_file_is_refused_before_joining(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.wav"
    bogus.write_text("not audio")
    clerk = SimulatedClerk(url="ws://127.0.0.1:9", token="unused")
    with pytest.raises(AudioFileError) as error:
        await clerk.run(ClerkScript(utterances=[ClerkUtterance(path=bogus)]))
    assert error.value.code.startswith("audio_") and "notes.wav" in error.value.message


@pytest.mark.livekit
@pytest.mark.slow
async def test_an_expired_token_is_a_connect_failure(
    livekit_server: LocalLiveKitServer, question_wav: Path
) -> None:
    from datetime import timedelta

    expired = (
        build_access_token(
            api_key=livekit_server.api_key,
            api_secret=livekit_server.api_secret,
            identity="ana",
            role="clerk",
            room="store-SH-01-clerk-ana",
            store_id="SH-01",
        )
        .with_ttl(timedelta(minutes=-5))
        .to_jwt()
    )
    clerk = SimulatedClerk(url=livekit_server.url, token=expired)
    with pytest.raises(ClerkError) as error:
        await clerk.run(ClerkScript.from_files([question_wav]))
    assert error.value.code == "connect_failed"


@pytest.mark.livekit
@pytest.mark.slow
async def test_a_listener_receives_the_clerks_speech_at_its_energy_and_ptt_messages(
    livekit_server: LocalLiveKitServer, tmp_path: Path
) -> None:
    room_name = "store-SH-02-clerk-kai"
    source = speech_like(1.2, rate=44100)
    wav = write_wav(tmp_path / "q.wav", source, rate=44100, channels=2)
    frames: list[np.ndarray] = []
    data: list[tuple[str | None, dict[str, str]]] = []
    listener = rtc.Room()
    readers: list[asyncio.Task[None]] = []

    async def read(track: rtc.Track) -> None:
        async for event in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
            frames.append(np.frombuffer(event.frame.data, dtype=np.int16).copy())

    @listener.on("track_subscribed")
    def on_track(track: rtc.Track, *_: object) -> None:
        readers.append(asyncio.create_task(read(track)))

    @listener.on("data_received")
    def on_data(packet: rtc.DataPacket) -> None:
        data.append((packet.topic, json.loads(packet.data)))

    await listener.connect(
        livekit_server.url,
        room_token(livekit_server, "mgr-li", room=room_name, role="store_manager"),
    )
    clerk = SimulatedClerk(
        url=livekit_server.url, token=room_token(livekit_server, "kai", room=room_name)
    )
    script = ClerkScript.from_files(
        [wav], wait_for_reply=False, lead_in_secs=0.3, tail_secs=0.8, push_to_talk=True
    )
    report = await clerk.run(script)
    for reader in readers:
        reader.cancel()
    await listener.disconnect()

    (utterance,) = report.utterances
    assert utterance.audio_secs == pytest.approx(1.2, abs=0.01)
    # Paced in real time, not sent in a burst (a loaded machine may only fall behind).
    assert utterance.ended_at - utterance.started_at >= 1.2 - 0.1
    assert utterance.reply_started_at is None and report.heard == []
    assert report.data_messages_sent == 2
    assert data == [(PTT_TOPIC, {"action": "start"}), (PTT_TOPIC, {"action": "stop"})]

    received = np.concatenate(frames)
    voiced = np.concatenate([f for f in frames if rms_dbfs(f) > -45])
    sent = (source * 32767).astype(np.int16)
    assert voiced.size / RATE == pytest.approx(1.2, abs=0.15)
    assert rms_dbfs(voiced) == pytest.approx(rms_dbfs(sent), abs=3.0)
    assert received.size / RATE > 1.5  # silence around the speech arrives too


@pytest.mark.livekit
@pytest.mark.slow
async def test_a_clerk_waiting_for_the_assistant_speaks_only_once_it_says_it_listens(
    livekit_server: LocalLiveKitServer, tmp_path: Path
) -> None:
    # As a clerk's app waits for the assistant after (re)joining: a question spoken into an
    # empty room, or to an assistant that is leaving, is lost.
    room_name = "store-SH-02-clerk-uma"
    wav = write_wav(tmp_path / "q.wav", speech_like(1.2, rate=RATE), rate=RATE)
    voiced: list[np.ndarray] = []
    listener = rtc.Room()
    readers: list[asyncio.Task[None]] = []

    async def read(track: rtc.Track) -> None:
        async for event in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
            frame = np.frombuffer(event.frame.data, dtype=np.int16).copy()
            if rms_dbfs(frame) > -45:
                voiced.append(frame)

    @listener.on("track_subscribed")
    def on_track(track: rtc.Track, *_: object) -> None:
        readers.append(asyncio.create_task(read(track)))

    async def listen_late() -> None:
        await asyncio.sleep(1.0)
        await listener.connect(
            livekit_server.url,
            room_token(livekit_server, "assistant", room=room_name, role="agent"),
        )
        await listener.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LEAVING})
        await asyncio.sleep(1.0)  # in the room, subscribed, but not listening yet
        await listener.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LISTENING})

    clerk = SimulatedClerk(
        url=livekit_server.url, token=room_token(livekit_server, "uma", room=room_name)
    )
    script = ClerkScript.from_files(
        [wav], wait_for_reply=False, wait_for_assistant_secs=20, lead_in_secs=0.2, tail_secs=0.8
    )
    joining = asyncio.create_task(listen_late())
    report = await clerk.run(script)
    await joining
    for reader in readers:
        reader.cancel()
    await listener.disconnect()

    (utterance,) = report.utterances
    assert utterance.started_at >= 2.0 + 0.2
    assert sum(f.size for f in voiced) / RATE == pytest.approx(1.2, abs=0.15)


@pytest.mark.livekit
@pytest.mark.slow
async def test_a_clerk_whose_assistant_stops_listening_during_the_lead_in_waits_for_the_next(
    livekit_server: LocalLiveKitServer, tmp_path: Path
) -> None:
    # An assistant winding down may still say it listens as the clerk joins, then leave.
    room_name = "store-SH-02-clerk-ugo"
    wav = write_wav(tmp_path / "q.wav", speech_like(0.5, rate=RATE), rate=RATE)
    assistant = rtc.Room()
    subscribed = asyncio.Event()
    assistant.on("track_subscribed", lambda *_: subscribed.set())
    await assistant.connect(
        livekit_server.url, room_token(livekit_server, "assistant", room=room_name, role="agent")
    )
    await assistant.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LISTENING})

    async def leave_and_come_back() -> float:
        await subscribed.wait()
        await asyncio.sleep(0.3)  # the clerk has seen "listening" and is in its lead-in
        await assistant.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LEAVING})
        await asyncio.sleep(1.5)
        await assistant.local_participant.set_attributes({AGENT_STATE_ATTRIBUTE: LISTENING})
        return time.monotonic()

    clerk = SimulatedClerk(
        url=livekit_server.url, token=room_token(livekit_server, "ugo", room=room_name)
    )
    script = ClerkScript.from_files(
        [wav], wait_for_reply=False, wait_for_assistant_secs=20, lead_in_secs=1.0, tail_secs=0.2
    )
    back = asyncio.create_task(leave_and_come_back())
    report = await clerk.run(script)
    listening_again_at = await back
    await assistant.disconnect()

    (utterance,) = report.utterances
    spoke_at = report.started_at_monotonic + utterance.started_at
    assert spoke_at >= listening_again_at + 1.0 - 0.05  # a whole lead-in after it came back


@pytest.mark.livekit
@pytest.mark.slow
async def test_a_clerk_no_assistant_listens_to_speaks_anyway_after_its_wait(
    livekit_server: LocalLiveKitServer, tmp_path: Path
) -> None:
    wav = write_wav(tmp_path / "q.wav", speech_like(0.5, rate=RATE), rate=RATE)
    clerk = SimulatedClerk(
        url=livekit_server.url,
        token=room_token(livekit_server, "una", room="store-SH-02-clerk-una"),
    )
    script = ClerkScript.from_files(
        [wav], wait_for_reply=False, wait_for_assistant_secs=1.0, lead_in_secs=0.0, tail_secs=0.0
    )
    report = await clerk.run(script)
    (utterance,) = report.utterances
    assert 1.0 <= utterance.started_at < 3.0


@dataclass
class Responder:
    """Replies with a tone after the clerk stops; stops as soon as the clerk speaks over it."""

    replies_secs: list[float]
    wait_after_speech_secs: float = 0.3
    source: rtc.AudioSource | None = None
    clerk_speaking: bool = False
    replying: asyncio.Event = field(default_factory=asyncio.Event)
    barge_in: asyncio.Event = field(default_factory=asyncio.Event)
    reply_started: list[float] = field(default_factory=list)
    """Wall time of each reply's first frame."""
    reply_stopped: list[float] = field(default_factory=list)
    """Wall time each reply stopped (last frame sent, or the barge-in)."""
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def listen(self, track: rtc.Track) -> None:
        voiced_run, quiet_since = 0, None
        async for event in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
            level = rms_dbfs(np.frombuffer(event.frame.data, dtype=np.int16))
            now = time.monotonic()
            if level > -40:
                voiced_run += 1
                quiet_since = None
                if voiced_run >= 2 and not self.clerk_speaking:
                    self.clerk_speaking = True
                    if self.replying.is_set():
                        self.barge_in.set()
            else:
                voiced_run = 0
                quiet_since = quiet_since or now
                if self.clerk_speaking and now - quiet_since >= self.wait_after_speech_secs:
                    self.clerk_speaking = False
                    if self.replies_secs:
                        self.tasks.append(asyncio.create_task(self.reply(self.replies_secs.pop(0))))

    async def reply(self, secs: float) -> None:
        assert self.source is not None
        self.replying.set()
        self.barge_in.clear()
        t = np.arange(RATE * 20 // 1000) / RATE
        next_send = time.monotonic()
        for i in range(round(secs * 50)):
            if self.barge_in.is_set():
                self.source.clear_queue()
                break
            tone = (8000 * np.sin(2 * np.pi * 300 * (t + i * 0.02))).astype(np.int16)
            await asyncio.sleep(max(0.0, next_send - time.monotonic()))
            await self.source.capture_frame(rtc.AudioFrame(tone.tobytes(), RATE, 1, tone.size))
            next_send += 0.02
            if i == 0:
                self.reply_started.append(time.time())
        self.reply_stopped.append(time.time())
        self.replying.clear()


@pytest.mark.livekit
@pytest.mark.slow
async def test_voice_to_voice_and_barge_in_timings_match_the_responders_truth(
    livekit_server: LocalLiveKitServer, tmp_path: Path
) -> None:
    room_name = "store-HZ-01-clerk-wen"
    responder = Responder(replies_secs=[3.0, 0.6])
    bot = rtc.Room()
    readers: list[asyncio.Task[None]] = []

    @bot.on("track_subscribed")
    def on_track(track: rtc.Track, *_: object) -> None:
        readers.append(asyncio.create_task(responder.listen(track)))

    await bot.connect(
        livekit_server.url, room_token(livekit_server, "promo-agent", room=room_name, role="agent")
    )
    responder.source = rtc.AudioSource(RATE, 1, queue_size_ms=100)
    await bot.local_participant.publish_track(
        rtc.LocalAudioTrack.create_audio_track("reply", responder.source),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE),
    )
    q1 = write_wav(tmp_path / "q1.wav", speech_like(1.0))
    q2 = write_wav(tmp_path / "q2.wav", speech_like(0.8))
    recording = tmp_path / "heard.wav"
    clerk = SimulatedClerk(
        url=livekit_server.url,
        token=room_token(livekit_server, "wen", room=room_name),
        recording_path=recording,
        reply_from="promo-agent",
        hangover_secs=0.4,
    )
    script = ClerkScript(
        utterances=[ClerkUtterance(path=q1), ClerkUtterance(path=q2, barge_in_after_secs=0.5)],
        lead_in_secs=0.3,
        silence_between_secs=0.3,
        reply_timeout_secs=5.0,
        tail_secs=0.2,
    )
    report = await clerk.run(script)
    for task in [*readers, *responder.tasks]:
        task.cancel()
    await responder.source.aclose()
    await bot.disconnect()

    first, second = report.utterances
    wall = report.started_at_unix
    assert len(responder.reply_started) == 2 and len(responder.reply_stopped) == 2, responder
    # 1. Voice-to-voice: the reply arrives a transport delay after the responder started it.
    assert first.reply_from == "promo-agent" and first.voice_to_voice_secs is not None
    arrival_delay = wall + first.reply_started_at - responder.reply_started[0]
    assert 0.0 <= arrival_delay < 0.5
    assert 0.3 <= first.voice_to_voice_secs < 0.3 + 0.6
    # 2. Barge-in: the clerk spoke 0.5 s into the 3 s reply, which then stopped.
    assert second.barge_in and second.barge_in_stop_secs is not None
    assert second.speech_started_at - first.reply_started_at == pytest.approx(0.5, abs=0.1)
    stop_delay = wall + second.interrupted_reply_ended_at - responder.reply_stopped[0]
    assert -0.1 <= stop_delay < 0.5
    truth = responder.reply_stopped[0] - (wall + second.speech_started_at)
    assert second.barge_in_stop_secs == pytest.approx(truth, abs=0.4)
    assert 0.0 < second.barge_in_stop_secs < 1.0
    assert first.reply_ended_at == second.interrupted_reply_ended_at
    # ... and the responder answered the second question after it ended.
    assert second.reply_started_at is not None and second.voice_to_voice_secs >= 0.3
    assert second.reply_ended_at - second.reply_started_at == pytest.approx(0.6, abs=0.15)
    # 3. The recording is aligned with the clerk's clock: loud during replies, quiet before.
    with wave.open(str(recording), "rb") as heard:
        audio = np.frombuffer(heard.readframes(heard.getnframes()), dtype=np.int16)
        assert heard.getframerate() == RATE
    assert audio.size / RATE == pytest.approx(report.duration_secs, abs=0.3)

    def window(start: float, end: float) -> np.ndarray:
        return audio[int(start * RATE) : int(end * RATE)]

    assert rms_dbfs(window(second.reply_started_at + 0.1, second.reply_ended_at - 0.1)) > -25
    assert rms_dbfs(window(first.started_at, first.speech_ended_at)) < -50
