"""Each audio stream and source hears only its own FFI events (voice_agent.livekit.ffi_routing).

Without it every stream of a process receives every other stream's frames on the event loop,
and every frame sent waits among all the process's events: N sessions cost N squared.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from livekit import rtc
from livekit.rtc._ffi_client import FfiClient
from livekit.rtc._proto import audio_frame_pb2, ffi_pb2
from livekit_helpers import room_token

from voice_agent.livekit import ffi_routing
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer


def _stream_frame(handle: int) -> ffi_pb2.FfiEvent:
    return ffi_pb2.FfiEvent(
        audio_stream_event=audio_frame_pb2.AudioStreamEvent(stream_handle=handle)
    )


def _capture_done(async_id: int) -> ffi_pb2.FfiEvent:
    return ffi_pb2.FfiEvent(
        capture_audio_frame=audio_frame_pb2.CaptureAudioFrameCallback(async_id=async_id)
    )


def test_a_stream_takes_only_its_own_frames() -> None:
    wanted = ffi_routing.stream_events_only(7)
    assert wanted(_stream_frame(7))
    assert not wanted(_stream_frame(8))
    assert not wanted(_capture_done(7))


def test_a_send_waits_only_for_its_own_capture_callback() -> None:
    async_id: list[int] = []
    wanted = ffi_routing.capture_callback_only(async_id)
    # Before the request returns its id, any capture callback may be it.
    assert wanted(_capture_done(3))
    assert not wanted(_stream_frame(3))
    async_id.append(5)
    assert wanted(_capture_done(5))
    assert not wanted(_capture_done(3))


@pytest.mark.livekit
@pytest.mark.slow
async def test_two_rooms_in_one_process_each_hear_their_own_speaker(
    livekit_server: LocalLiveKitServer,
) -> None:
    ffi_routing.install()
    ffi_routing.install()  # a second call changes nothing
    tones = {"ffia": 440.0, "ffib": 1250.0}
    rooms: list[rtc.Room] = []
    sources: dict[str, rtc.AudioSource] = {}
    heard: dict[str, list[np.ndarray]] = {name: [] for name in tones}
    streams: dict[str, rtc.AudioStream] = {}
    subscribed = {name: asyncio.Event() for name in tones}

    for name in tones:
        speaker, listener = rtc.Room(), rtc.Room()
        rooms += [speaker, listener]

        def on_track(track: rtc.Track, *_: object, name: str = name) -> None:
            streams[name] = rtc.AudioStream(track, sample_rate=16000, num_channels=1)
            subscribed[name].set()

        listener.on("track_subscribed", on_track)
        url = livekit_server.url
        room = clerk_room_name(store_id="SH-01", identity=name)
        await speaker.connect(url, room_token(livekit_server, name, room=room))
        await listener.connect(
            url, room_token(livekit_server, f"{name}-ear", room=room, role="agent")
        )
        sources[name] = rtc.AudioSource(16000, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track("mic", sources[name])
        await speaker.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in subscribed.values())), 20)
        # Each stream's subscription now lets through only its own handle's events.
        events = FfiClient.instance.queue
        handles = {name: stream._ffi_handle.handle for name, stream in streams.items()}
        for name, stream in streams.items():
            (wanted,) = [f for q, _loop, f in events._subscribers if q is stream._ffi_queue]
            assert wanted is not None
            other = next(h for n, h in handles.items() if n != name)
            assert wanted(_stream_frame(handles[name])) and not wanted(_stream_frame(other))

        async def speak(name: str) -> None:
            t = np.arange(320) / 16000
            for index in range(150):  # 3 s of 20 ms frames, through the narrowed send
                phase = 2 * np.pi * tones[name] * (t + index * 0.02)
                samples = (0.3 * 32767 * np.sin(phase)).astype(np.int16)
                frame = rtc.AudioFrame(samples.tobytes(), 16000, 1, samples.size)
                await sources[name].capture_frame(frame)

        async def listen(name: str) -> None:
            async for event in streams[name]:
                heard[name].append(np.frombuffer(event.frame.data, dtype=np.int16).copy())
                if sum(chunk.size for chunk in heard[name]) >= 24000:
                    return

        await asyncio.wait_for(
            asyncio.gather(*(speak(n) for n in tones), *(listen(n) for n in tones)), 30
        )
    finally:
        for stream in streams.values():
            await stream.aclose()
        for room in rooms:
            await room.disconnect()

    for name, pitch in tones.items():
        audio = np.concatenate(heard[name]).astype(np.float64)
        spectrum = np.abs(np.fft.rfft(audio[-8000:]))
        loudest = np.fft.rfftfreq(8000, 1 / 16000)[int(np.argmax(spectrum))]
        assert abs(loudest - pitch) < 20, (name, loudest)
