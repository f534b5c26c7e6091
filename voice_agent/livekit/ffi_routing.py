"""Each audio stream and audio source of a process hears only its own FFI events.

The LiveKit SDK (livekit 1.1.21, pinned by livekit-agents 1.8.9) delivers FFI events to
subscribers on the event loop. Two of its subscriptions are far wider than they need be:

- every ``AudioStream`` subscribes to *all* audio-stream events of the process and drops
  the other streams' frames one by one on the loop;
- every ``AudioSource.capture_frame`` (one per 10-20 ms frame sent) subscribes to *all*
  events of the process until its own callback arrives.

With N sessions (a node) or N simulated clerks (``bench livekit``) in one process, that is
N times the events for every stream and every send: work that grows with N squared, on
the loop that should be reading speech. Measured in ``bench livekit`` (docs/BENCHMARKS.md).
:func:`install` narrows both subscriptions, in the FFI thread, to the events they wait for;
what each stream or source receives is unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from livekit import rtc
from livekit.rtc._ffi_client import FfiClient
from livekit.rtc._proto import ffi_pb2 as proto_ffi

_MARK = "_voice_agent_ffi_routing"


def install() -> None:
    """Narrow the SDK's audio subscriptions once per process (later calls do nothing)."""
    if getattr(rtc.AudioSource.capture_frame, _MARK, False):
        return
    _narrow_audio_streams()
    setattr(_capture_frame, _MARK, True)
    _capture_frame.__doc__ = rtc.AudioSource.capture_frame.__doc__
    rtc.AudioSource.capture_frame = _capture_frame  # type: ignore[method-assign]


def stream_events_only(handle: int) -> Callable[[proto_ffi.FfiEvent], bool]:
    """The events one audio stream waits for: its own frames and end of stream."""

    def wanted(event: proto_ffi.FfiEvent) -> bool:
        return (
            event.WhichOneof("message") == "audio_stream_event"
            and event.audio_stream_event.stream_handle == handle
        )

    return wanted


def capture_callback_only(async_id: list[int]) -> Callable[[proto_ffi.FfiEvent], bool]:
    """The event one ``capture_frame`` waits for (any capture callback until its id is known)."""

    def wanted(event: proto_ffi.FfiEvent) -> bool:
        if event.WhichOneof("message") != "capture_audio_frame":
            return False
        return not async_id or event.capture_audio_frame.async_id == async_id[0]

    return wanted


def _narrow_audio_streams() -> None:
    original_init: Callable[..., None] = rtc.AudioStream.__init__

    def __init__(self: rtc.AudioStream, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        # The stream subscribed before it knew its handle (so no frame is missed); frames
        # already queued are still filtered by the stream itself.
        _replace_filter(self._ffi_queue, stream_events_only(self._ffi_handle.handle))

    __init__.__doc__ = original_init.__doc__
    rtc.AudioStream.__init__ = __init__  # type: ignore[method-assign]


def _replace_filter(queue: Any, wanted: Callable[[proto_ffi.FfiEvent], bool]) -> None:
    events = FfiClient.instance.queue
    with events._lock:
        for index, (subscribed, loop, _old) in enumerate(events._subscribers):
            if subscribed is queue:
                events._subscribers[index] = (subscribed, loop, wanted)
                return


async def _capture_frame(self: rtc.AudioSource, frame: rtc.AudioFrame) -> None:
    # livekit 1.1.21's AudioSource.capture_frame, with a subscription narrowed to the
    # capture callback it awaits.
    if frame.samples_per_channel == 0 or self._ffi_handle.disposed:
        return
    now = time.monotonic()
    elapsed = 0.0 if self._last_capture == 0.0 else now - self._last_capture
    self._q_size += frame.samples_per_channel / self.sample_rate - elapsed
    self._last_capture = now
    if self._join_handle:
        self._join_handle.cancel()
    if self._join_fut is None:
        self._join_fut = self._loop.create_future()
    self._join_handle = self._loop.call_later(self._q_size, self._release_waiter)

    request = proto_ffi.FfiRequest()
    request.capture_audio_frame.source_handle = self._ffi_handle.handle
    request.capture_audio_frame.buffer.CopyFrom(frame._proto_info())
    async_id: list[int] = []
    queue = FfiClient.instance.queue.subscribe(
        loop=self._loop, filter_fn=capture_callback_only(async_id)
    )
    try:
        response = FfiClient.instance.request(request)
        async_id.append(response.capture_audio_frame.async_id)
        callback: proto_ffi.FfiEvent = await queue.wait_for(
            lambda e: e.capture_audio_frame.async_id == async_id[0]
        )
    finally:
        FfiClient.instance.queue.unsubscribe(queue)
    if callback.capture_audio_frame.error:
        raise Exception(callback.capture_audio_frame.error)  # as the SDK raises it
