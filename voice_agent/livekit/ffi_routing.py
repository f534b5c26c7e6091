"""Each audio stream and audio source of a process hears only its own FFI events.

The LiveKit SDK (livekit 1.1.21, pinned by livekit-agents 1.8.9) delivers FFI events to
subscribers on the event loop. Two of its subscriptions are far wider than they need be:

- every ``AudioStream`` subscribes to *all* audio-stream events of the process and drops
  the other streams' frames one by one on the loop, and every event of the process (each
  10 ms frame of each stream) is offered to every subscriber's filter in the FFI thread;
- every ``AudioSource.capture_frame`` (one per 10-20 ms frame sent) subscribes to *all*
  events of the process until its own callback arrives.

With N sessions (a node) or N simulated clerks (``bench livekit``) in one process, that is
N times the events for every stream and every send: work that grows with N squared, on
the loop that should be reading speech. Measured in ``bench livekit`` (docs/BENCHMARKS.md).
:func:`install` routes each stream's frames straight to it (:class:`AudioStreamRouter`)
and narrows each send's subscription to its own callback; what each stream or source
receives is unchanged.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from livekit import rtc
from livekit.rtc._ffi_client import FfiClient, FfiQueue
from livekit.rtc._proto import ffi_pb2 as proto_ffi

_MARK = "_voice_agent_ffi_routing"


def install() -> None:
    """Narrow the SDK's audio subscriptions once per process (later calls do nothing)."""
    global _ROUTER
    if getattr(rtc.AudioSource.capture_frame, _MARK, False):
        return
    # One lock for the SDK's subscribers and the routes: the FFI thread takes the SDK's and
    # then the router's, and a stream collected while the router's is held takes the SDK's.
    _ROUTER = AudioStreamRouter(lock=FfiClient.instance.queue._lock)
    _narrow_audio_streams()
    setattr(_capture_frame, _MARK, True)
    _capture_frame.__doc__ = rtc.AudioSource.capture_frame.__doc__
    rtc.AudioSource.capture_frame = _capture_frame  # type: ignore[method-assign]


def take_capture_callbacks(taker: Callable[[proto_ffi.FfiEvent], bool]) -> None:
    """Offer every FFI event to ``taker`` first, in LiveKit's thread; what it takes goes no further.

    For frames sent outside ``AudioSource.capture_frame`` (:mod:`voice_agent.livekit.paced_speech`):
    their confirmations are nobody else's business. Needs :func:`install`.
    """
    global _CAPTURE_TAKER
    _CAPTURE_TAKER = taker


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
        # The stream subscribed before it knew its handle (so no frame is missed); from now
        # on its frames reach it by handle, past every other subscriber.
        _ROUTER.take_over(self._ffi_queue, self._ffi_handle.handle)

    __init__.__doc__ = original_init.__doc__
    rtc.AudioStream.__init__ = __init__  # type: ignore[method-assign]
    original_put = FfiQueue.put
    original_unsubscribe = FfiQueue.unsubscribe

    def put(self: FfiQueue[proto_ffi.FfiEvent], item: proto_ffi.FfiEvent) -> None:
        taker = _CAPTURE_TAKER
        if taker is not None and taker(item):
            return
        with self._lock:  # a stream taken over between the two sees each frame once
            if not _ROUTER.deliver(item):
                original_put(self, item)

    def unsubscribe(self: FfiQueue[proto_ffi.FfiEvent], queue: Any) -> None:
        _ROUTER.forget(queue)
        original_unsubscribe(self, queue)

    FfiQueue.put = put  # type: ignore[method-assign,assignment]
    FfiQueue.unsubscribe = unsubscribe  # type: ignore[method-assign,assignment]


class AudioStreamRouter:
    """Hands each audio-stream event to its own stream, in the FFI thread, in O(1).

    The SDK offers every event to every subscriber's filter (each room, each stream, each
    pending request) and wakes the event loop once per event and subscriber. With N
    sessions at 100 frames a second each, that is N times N filter calls per frame and a
    wake-up per frame, each a hand-over of the interpreter lock between the FFI thread and
    the loop: at 10 sessions the frames reached the loop seconds late and the sessions'
    inputs got a few percent of them (docs/BENCHMARKS.md, "Ten clerks"). Here a stream's
    frames go straight to its queue, and frames that arrive while the loop is busy are
    handed over together with one wake-up.

    The lock is reentrant because the SDK's ``AudioStream.__del__`` unsubscribes, and so
    calls :meth:`forget`, in whatever thread the cyclic garbage collector happens to run:
    also in the middle of this router's own work, in LiveKit's thread or on the loop. With a
    plain lock that thread waited for itself forever, and the loop or every stream of the
    process with it. So each method also tolerates a route forgotten in the middle of it.
    """

    def __init__(self, lock: threading.RLock | None = None) -> None:
        self._lock = lock if lock is not None else threading.RLock()
        self._streams: dict[int, tuple[Any, asyncio.AbstractEventLoop]] = {}
        self._waiting: dict[asyncio.AbstractEventLoop, list[tuple[Any, proto_ffi.FfiEvent]]] = {}

    def take_over(self, queue: Any, handle: int) -> None:
        """Route ``handle``'s events to ``queue`` and take the queue out of the SDK's fan-out."""
        events = FfiClient.instance.queue
        with events._lock:
            for index, (subscribed, loop, _wanted) in enumerate(events._subscribers):
                if subscribed is queue:
                    del events._subscribers[index]
                    self.route(handle, queue, loop)
                    return

    def route(self, handle: int, queue: Any, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver stream ``handle``'s events to ``queue`` (an asyncio queue of ``loop``)."""
        with self._lock:
            self._streams[handle] = (queue, loop)

    def routes(self) -> dict[int, Any]:
        """The queue each routed stream handle delivers to."""
        with self._lock:
            # dict.copy allocates nothing the collector tracks once it copies: no finalizer
            # can change the routes under an iteration.
            streams = self._streams.copy()
        return {handle: queue for handle, (queue, _loop) in streams.items()}

    def forget(self, queue: Any) -> None:
        """Stop routing to ``queue`` (its stream unsubscribed)."""
        with self._lock:
            for handle, (routed, _loop) in self._streams.copy().items():
                if routed is queue:
                    self._streams.pop(handle, None)

    def deliver(self, event: proto_ffi.FfiEvent) -> bool:
        """Queue ``event`` for its stream; ``False`` if it is not a routed stream's."""
        if event.WhichOneof("message") != "audio_stream_event":
            return False
        handle = event.audio_stream_event.stream_handle
        with self._lock:
            route = self._streams.get(handle)
            if route is None:
                return False
            queue, loop = route
            if event.audio_stream_event.HasField("eos"):
                self._streams.pop(handle, None)
            waiting = self._waiting.get(loop)
            if waiting is not None:  # a hand-over to this loop is already due
                waiting.append((queue, event))
                return True
            self._waiting[loop] = [(queue, event)]
        try:
            loop.call_soon_threadsafe(self._hand_over, loop)
        except RuntimeError:  # the loop is closed: nobody reads these streams any more
            with self._lock:
                self._waiting.pop(loop, None)
        return True

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        with self._lock:
            waiting = self._waiting.pop(loop, [])
        for queue, event in waiting:
            queue.put_nowait(event)


_ROUTER = AudioStreamRouter()
_CAPTURE_TAKER: Callable[[proto_ffi.FfiEvent], bool] | None = None


def router() -> AudioStreamRouter:
    """The process's router of audio-stream events (it routes once :func:`install` ran)."""
    return _ROUTER


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
