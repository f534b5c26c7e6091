"""The assistant's speech goes to LiveKit only while it speaks, paced by one thread of the node
(voice_agent.livekit.paced_speech, voice_agent.livekit.speech_pacer).

A LiveKit source with a queue has the Opus encoder encode silence all day (about 2.5% of a
core per session); a source without one encodes only what it is handed, so the pacing is
done here. Frames are never sent early, an interruption drops
what was not sent, speech ends with a short silence (the listener's jitter buffer otherwise
stretches the last sound), and an idle assistant sends nothing at all.
"""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np
import pytest
from livekit import rtc
from livekit_helpers import room_token

from voice_agent.livekit import ffi_routing, speech_pacer
from voice_agent.livekit.paced_speech import AHEAD_SECS, TAIL_FRAMES, PacedSpeech, ten_ms_frames
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.speech_pacer import FRAME_SECS, LEAD_SECS, SpeechPacer

RATE = 16000


def tone(secs: float, *, pitch: float = 440.0, start: int = 0) -> rtc.AudioFrame:
    t = (np.arange(int(RATE * secs)) + start) / RATE
    samples = (0.3 * 32767 * np.sin(2 * np.pi * pitch * t)).astype(np.int16)
    return rtc.AudioFrame(samples.tobytes(), RATE, 1, samples.size)


def is_silence(frame: rtc.AudioFrame) -> bool:
    return not np.frombuffer(frame.data, dtype=np.int16).any()


class Recorder:
    """What a pacer hands to LiveKit, and when (the real thread, a recording ``send``)."""

    def __init__(self) -> None:
        self.sent: list[tuple[float, rtc.AudioFrame]] = []
        self._lock = threading.Lock()

    def send(self, _speech: PacedSpeech, frame: rtc.AudioFrame) -> None:
        with self._lock:
            self.sent.append((time.monotonic(), frame))

    def frames(self) -> list[rtc.AudioFrame]:
        with self._lock:
            return [frame for _, frame in self.sent]


def test_a_chunk_is_cut_into_ten_ms_frames_in_order_and_a_short_tail_is_padded() -> None:
    frames = ten_ms_frames(tone(0.025))
    assert [f.samples_per_channel for f in frames] == [160, 160, 160]
    joined = np.concatenate([np.frombuffer(f.data, np.int16) for f in frames])
    original = np.frombuffer(tone(0.025).data, np.int16)
    assert joined[:400].tolist() == original.tolist()
    assert not joined[400:].any()


async def test_speech_is_sent_in_order_and_never_before_its_time_less_the_lead() -> None:
    recorder = Recorder()
    source = rtc.AudioSource(RATE, 1, queue_size_ms=0)
    speech = PacedSpeech(source, SpeechPacer(send=recorder.send))
    started = time.monotonic()
    for chunk in range(10):  # 400 ms, as Pipecat writes it: 40 ms at a time
        await speech.capture_frame(tone(0.04, start=chunk * 640))
    await asyncio.sleep(0.4 + TAIL_FRAMES * FRAME_SECS + 0.2)
    await speech.aclose()

    spoken = [(at, f) for at, f in recorder.sent if not is_silence(f)]
    assert len(spoken) == 40
    heard = np.concatenate([np.frombuffer(f.data, np.int16) for _, f in spoken])
    assert heard.tolist() == np.frombuffer(tone(0.4).data, np.int16).tolist()
    for index, (at, _) in enumerate(spoken):
        assert at - started >= index * FRAME_SECS - LEAD_SECS - 0.002, index
    # Then a short silence, and nothing more.
    last_spoken = max(i for i, (_, f) in enumerate(recorder.sent) if not is_silence(f))
    assert [is_silence(f) for _, f in recorder.sent[last_spoken + 1 :]] == [True] * TAIL_FRAMES


async def test_a_writer_waits_while_more_than_the_allowed_speech_is_unsent() -> None:
    recorder = Recorder()
    speech = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), SpeechPacer(send=recorder.send))
    started = time.monotonic()
    await speech.capture_frame(tone(1.0))
    returned = time.monotonic() - started
    # It returns once no more than AHEAD_SECS waits: the frame that left that much was
    # sent no earlier than its time less the lead.
    assert returned >= 1.0 - AHEAD_SECS - LEAD_SECS - FRAME_SECS - 0.002
    assert len(recorder.sent) >= round((1.0 - AHEAD_SECS) / FRAME_SECS)
    await speech.aclose()


async def test_an_interruption_drops_the_unsent_speech_and_ends_it_with_a_short_silence() -> None:
    recorder = Recorder()
    speech = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), SpeechPacer(send=recorder.send))
    writer = asyncio.create_task(speech.capture_frame(tone(2.0)))
    await asyncio.sleep(0.15)
    speech.clear_queue()  # the clerk spoke over the reply
    await asyncio.wait_for(writer, 1)  # a writer waiting for room goes on at once
    cut = len(recorder.frames())
    await asyncio.sleep(TAIL_FRAMES * FRAME_SECS + 0.3)
    await speech.aclose()

    frames = recorder.frames()
    assert cut < 40  # about 150 ms went out, not the 2 s handed in
    after = frames[cut:]
    assert all(is_silence(f) for f in after[-TAIL_FRAMES:])
    assert sum(not is_silence(f) for f in after) <= 4  # only what the pacer held as we cut


async def test_an_idle_source_sends_nothing() -> None:
    recorder = Recorder()
    speech = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), SpeechPacer(send=recorder.send))
    await asyncio.sleep(0.3)
    speech.clear_queue()  # an interruption with nothing said sends no silence either
    await asyncio.sleep(0.2)
    await speech.aclose()
    assert recorder.sent == []


async def test_one_pacer_keeps_time_for_several_speakers_at_once() -> None:
    recorder = Recorder()
    pacer = SpeechPacer(send=recorder.send)
    speeches = [PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), pacer) for _ in range(3)]
    started = time.monotonic()
    await asyncio.gather(*(s.capture_frame(tone(0.5)) for s in speeches))
    await asyncio.sleep(0.5 + TAIL_FRAMES * FRAME_SECS + 0.2)
    for speech in speeches:
        await speech.aclose()
    spoken = [at for at, f in recorder.sent if not is_silence(f)]
    assert len(spoken) == 3 * 50
    assert max(spoken) - started >= 0.5 - LEAD_SECS - FRAME_SECS - 0.002


async def test_a_source_that_fails_loses_its_own_speech_and_not_the_others() -> None:
    recorder = Recorder()
    failing: list[PacedSpeech] = []

    def send(speech: PacedSpeech, frame: rtc.AudioFrame) -> None:
        if speech in failing:
            raise RuntimeError("the source's handle is gone")
        recorder.send(speech, frame)

    pacer = SpeechPacer(send=send)
    broken = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), pacer)
    working = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), pacer)
    failing.append(broken)
    # The broken source's writer, waiting for room, goes on as soon as its speech is dropped.
    await asyncio.wait_for(
        asyncio.gather(broken.capture_frame(tone(1.0)), working.capture_frame(tone(0.3))), 3
    )
    assert not broken.has_speech()
    await asyncio.sleep(0.3 + TAIL_FRAMES * FRAME_SECS + 0.2)
    for speech in (broken, working):
        await speech.aclose()
    assert sum(not is_silence(f) for f in recorder.frames()) == 30


async def test_once_removed_a_speech_gets_no_frame_not_even_from_a_round_under_way() -> None:
    # Its source is closed right after, and LiveKit refuses a frame for a closed source
    # ("handle not found").
    sent_at: list[float] = []
    sending = threading.Event()

    def slow_send(_speech: PacedSpeech, _frame: rtc.AudioFrame) -> None:
        sending.set()
        time.sleep(0.03)
        sent_at.append(time.monotonic())

    pacer = SpeechPacer(send=slow_send)
    speech = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), pacer)
    writer = asyncio.create_task(speech.capture_frame(tone(1.0)))
    assert await asyncio.to_thread(sending.wait, 2)
    pacer.remove(speech)  # mid-round: it waits for the round to end
    removed_at = time.monotonic()
    await asyncio.sleep(0.2)
    assert sent_at and all(at <= removed_at for at in sent_at)
    await speech.aclose()
    await asyncio.wait_for(writer, 1)


async def test_a_closed_pacer_sends_nothing_more() -> None:
    recorder = Recorder()
    pacer = SpeechPacer(send=recorder.send)
    speech = PacedSpeech(rtc.AudioSource(RATE, 1, queue_size_ms=0), pacer)
    writer = asyncio.create_task(speech.capture_frame(tone(1.0)))
    await asyncio.sleep(0.1)
    pacer.close()  # at the process's exit, before LiveKit's runtime shuts down
    sent = len(recorder.sent)
    await asyncio.sleep(0.2)
    assert 0 < sent == len(recorder.sent)
    await speech.aclose()
    await asyncio.wait_for(writer, 1)


@pytest.mark.livekit
@pytest.mark.slow
async def test_over_livekit_an_idle_assistant_sends_no_packets_and_its_speech_is_heard(
    livekit_server: LocalLiveKitServer,
) -> None:
    ffi_routing.install()
    room_name = clerk_room_name(store_id="SH-01", identity="paced")
    speaker, listener = rtc.Room(), rtc.Room()
    subscribed: asyncio.Future[rtc.Track] = asyncio.get_running_loop().create_future()

    def on_track(track: rtc.Track, *_: object) -> None:
        if not subscribed.done():
            subscribed.set_result(track)

    listener.on("track_subscribed", on_track)
    await speaker.connect(livekit_server.url, room_token(livekit_server, "paced", room=room_name))
    await listener.connect(
        livekit_server.url, room_token(livekit_server, "paced-ear", room=room_name, role="agent")
    )
    source = rtc.AudioSource(RATE, 1, queue_size_ms=0)
    track = rtc.LocalAudioTrack.create_audio_track("assistant", source)
    await speaker.local_participant.publish_track(
        track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
    )
    speech = PacedSpeech(source, speech_pacer.shared_pacer())
    stream = rtc.AudioStream(await asyncio.wait_for(subscribed, 20), sample_rate=RATE)
    heard: list[np.ndarray] = []

    async def listen() -> None:
        async for event in stream:
            heard.append(np.frombuffer(event.frame.data, dtype=np.int16).copy())

    listening = asyncio.create_task(listen())

    async def packets_sent() -> int:
        stats = await track.get_stats()
        return sum(s.outbound_rtp.sent.packets_sent for s in stats if s.HasField("outbound_rtp"))

    try:
        await asyncio.sleep(1.0)
        idle_before = await packets_sent()
        await asyncio.sleep(1.5)
        idle_after = await packets_sent()
        heard.clear()
        for chunk in range(25):  # 1 s of a 1250 Hz tone, 40 ms at a time
            await speech.capture_frame(tone(0.04, pitch=1250.0, start=chunk * 640))
        await asyncio.sleep(AHEAD_SECS + TAIL_FRAMES * FRAME_SECS + 0.5)
        spoken = await packets_sent()
        await asyncio.sleep(1.0)
        after_speech = await packets_sent()
    finally:
        listening.cancel()
        await stream.aclose()
        await speech.aclose()
        await speaker.disconnect()
        await listener.disconnect()

    # Idle, nothing is encoded or sent (with LiveKit's queue: 50 packets a second).
    assert idle_after - idle_before <= 1
    assert after_speech - spoken <= 1
    # Speech went out (20 ms packets) and was heard as the tone it was.
    assert spoken - idle_after >= 45
    audio = np.concatenate(heard).astype(np.float64)
    loud = audio[np.abs(audio) > 0]
    assert loud.size >= RATE * 0.8
    spectrum = np.abs(np.fft.rfft(loud[:8000]))
    assert abs(np.fft.rfftfreq(8000, 1 / RATE)[int(np.argmax(spectrum))] - 1250.0) < 20
    # Every frame handed over was confirmed by LiveKit, and released.
    assert speech_pacer.frames_in_flight() == 0
