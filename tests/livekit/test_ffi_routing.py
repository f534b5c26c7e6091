"""Each audio stream and source hears only its own FFI events (voice_agent.livekit.ffi_routing).

Without it every stream of a process receives every other stream's frames on the event loop,
and every frame sent waits among all the process's events: N sessions cost N squared. Node
streams also arrive in the pipeline's format (voice_agent.livekit.stream_format).
"""

from __future__ import annotations

import asyncio
import gc
import threading

import numpy as np
import pytest
from livekit import rtc
from livekit.rtc._ffi_client import FfiClient
from livekit.rtc._proto import audio_frame_pb2, ffi_pb2
from livekit_helpers import room_token

from voice_agent.livekit import ffi_routing, stream_format
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


def _eos(handle: int) -> ffi_pb2.FfiEvent:
    return ffi_pb2.FfiEvent(
        audio_stream_event=audio_frame_pb2.AudioStreamEvent(
            stream_handle=handle, eos=audio_frame_pb2.AudioStreamEOS()
        )
    )


def _handles(queue: asyncio.Queue[ffi_pb2.FfiEvent]) -> list[int]:
    handles = []
    while not queue.empty():
        handles.append(queue.get_nowait().audio_stream_event.stream_handle)
    return handles


async def test_each_stream_gets_its_own_frames_in_order_with_one_wake_up_per_burst() -> None:
    router = ffi_routing.AudioStreamRouter()
    loop = asyncio.get_running_loop()
    first: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    second: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    router.route(7, first, loop)
    router.route(8, second, loop)
    ready_before = len(loop._ready)  # type: ignore[attr-defined]

    # A burst from LiveKit's thread while the loop is busy: 50 frames of each stream.
    delivered = [router.deliver(_stream_frame(7 + index % 2)) for index in range(100)]

    assert all(delivered)
    assert first.empty() and second.empty()  # nothing runs in LiveKit's thread
    assert len(loop._ready) == ready_before + 1  # type: ignore[attr-defined]
    await asyncio.sleep(0)
    assert _handles(first) == [7] * 50
    assert _handles(second) == [8] * 50


async def test_what_is_no_routed_streams_frame_is_left_to_the_sdk() -> None:
    router = ffi_routing.AudioStreamRouter()
    routed: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    router.route(7, routed, asyncio.get_running_loop())

    assert not router.deliver(_stream_frame(9))  # a stream not yet taken over
    assert not router.deliver(_capture_done(7))  # not a stream's event at all


async def test_a_stream_is_no_longer_routed_after_its_end_or_once_forgotten() -> None:
    router = ffi_routing.AudioStreamRouter()
    loop = asyncio.get_running_loop()
    ending: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    closed: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    router.route(7, ending, loop)
    router.route(8, closed, loop)

    assert router.deliver(_eos(7))
    router.forget(closed)

    assert router.routes() == {}
    assert not router.deliver(_stream_frame(7))
    await asyncio.sleep(0)
    assert _handles(ending) == [7]  # the end itself still reaches the stream


class _CollectingLoop(asyncio.SelectorEventLoop):
    """A loop that runs the cyclic garbage collector whenever the router looks it up.

    The collector runs at whatever allocation crosses its threshold; this pins it to a
    point inside the router's lock.
    """

    collect_on_lookup = False

    def __hash__(self) -> int:
        if self.collect_on_lookup:
            gc.collect()
        return id(self)


class _CollectedStream:
    """Forgets its route when collected, as the SDK's ``AudioStream.__del__`` does."""

    def __init__(self, router: ffi_routing.AudioStreamRouter, queue: object) -> None:
        self.router, self.queue = router, queue
        self.cycle = self  # only the cyclic collector frees it

    def __del__(self) -> None:
        self.router.forget(self.queue)


def test_a_stream_collected_in_the_middle_of_the_routers_work_does_not_lock_it_up() -> None:
    router = ffi_routing.AudioStreamRouter()
    loop = _CollectingLoop()
    live: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    dropped: asyncio.Queue[ffi_pb2.FfiEvent] = asyncio.Queue()
    router.route(7, live, loop)
    router.route(8, dropped, loop)
    gc.disable()
    try:
        _CollectedStream(router, dropped)  # garbage now, collected inside deliver's lock
        loop.collect_on_lookup = True
        delivered: list[bool] = []
        # LiveKit's thread delivers; a deadlocked delivery must fail the test, not hang it.
        thread = threading.Thread(
            target=lambda: delivered.append(router.deliver(_stream_frame(7))), daemon=True
        )
        thread.start()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the router waited for its own lock"
        assert delivered == [True]
        assert router.routes() == {7: live}  # the collected stream's route is gone
        loop.run_until_complete(asyncio.sleep(0))
        assert _handles(live) == [7]
    finally:
        loop.collect_on_lookup = False
        gc.enable()
        loop.close()


def test_node_streams_ask_for_one_format_per_process() -> None:
    stream_format.install(sample_rate=16000)
    stream_format.install(sample_rate=16000)  # the same again changes nothing
    assert stream_format.installed_format() == {
        "sample_rate": 16000,
        "num_channels": 1,
        "frame_size_ms": stream_format.FRAME_MS,
    }
    with pytest.raises(ValueError, match="already open"):
        stream_format.install(sample_rate=8000)


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
    stream_format.install(sample_rate=16000)
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
            streams[name] = rtc.AudioStream(track)  # as Pipecat opens it: no format named
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
        # Each stream's frames are routed to it by handle, past the SDK's fan-out.
        subscribed_queues = [q for q, _loop, _f in FfiClient.instance.queue._subscribers]
        routes = ffi_routing.router().routes()
        # One lock for the SDK's subscribers and the routes, so no two threads take them
        # in opposite orders.
        assert ffi_routing.router()._lock is FfiClient.instance.queue._lock
        for stream in streams.values():
            assert routes[stream._ffi_handle.handle] is stream._ffi_queue
            assert stream._ffi_queue not in subscribed_queues

        async def speak(name: str) -> None:
            t = np.arange(320) / 16000
            for index in range(150):  # 3 s of 20 ms frames, through the narrowed send
                phase = 2 * np.pi * tones[name] * (t + index * 0.02)
                samples = (0.3 * 32767 * np.sin(phase)).astype(np.int16)
                frame = rtc.AudioFrame(samples.tobytes(), 16000, 1, samples.size)
                await sources[name].capture_frame(frame)

        async def listen(name: str) -> None:
            async for event in streams[name]:
                assert event.frame.sample_rate == 16000  # resampled by LiveKit, not the loop
                assert event.frame.samples_per_channel == 16 * stream_format.FRAME_MS
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
