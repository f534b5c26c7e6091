"""One thread per node that sends every session's speech to LiveKit on time.

:class:`voice_agent.livekit.paced_speech.PacedSpeech` holds a session's frames until they
are due; the pacer wakes every 10 ms while anyone speaks, hands each due frame to its
LiveKit source (no earlier than :data:`LEAD_SECS` before it plays), and sleeps while nobody
speaks. A thread keeps time where the event loop, busy with every session's pipeline, did
not (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from livekit import rtc
from livekit.rtc._ffi_client import FfiClient
from livekit.rtc._proto import ffi_pb2 as proto_ffi
from loguru import logger

from voice_agent.livekit import ffi_routing

if TYPE_CHECKING:
    from voice_agent.livekit.paced_speech import PacedSpeech

FRAME_SECS = 0.01
"""What a LiveKit source without a queue takes per call."""
LEAD_SECS = 0.02
"""How long before it plays a frame may be handed to LiveKit (slack for the thread's timing)."""

SendFrame = Callable[["PacedSpeech", rtc.AudioFrame], None]


class SpeechPacer:
    """One thread that sends every :class:`PacedSpeech` of the process its frames on time.

    It sleeps while nobody speaks. ``send`` hands one frame to LiveKit (tests may record).
    """

    def __init__(self, *, lead_secs: float = LEAD_SECS, send: SendFrame | None = None) -> None:
        self._lead = lead_secs
        self._send = send if send is not None else _FRAMES_IN_FLIGHT.send
        self._wake = threading.Condition()
        self._speeches: list[PacedSpeech] = []
        self._sending = threading.Lock()
        """Held while frames are sent (see :meth:`remove`)."""
        self._thread: threading.Thread | None = None

    def add(self, speech: PacedSpeech) -> None:
        """Send ``speech``'s frames from now on."""
        with self._wake:
            self._speeches.append(speech)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech-pacer", daemon=True)
                self._thread.start()

    def remove(self, speech: PacedSpeech) -> None:
        """Stop sending ``speech``'s frames; once it returns, none is sent any more.

        It waits for a round of sends under way (a few milliseconds): its source may be
        closed right after, and LiveKit refuses a frame for a closed source ("handle not
        found").
        """
        with self._wake:
            if speech in self._speeches:
                self._speeches.remove(speech)
        with self._sending:
            pass

    def close(self, *, wait_secs: float = 1.0) -> None:
        """Send nothing more, then wait (at most ``wait_secs``) for LiveKit's confirmations.

        Run at the process's exit, before LiveKit's own exit handler shuts its runtime down:
        frames sent then were refused, and once a process here aborted at exit in LiveKit's
        audio thread ("panic in a function that cannot unwind").
        """
        with self._wake:
            self._speeches.clear()
            self._wake.notify()
        with self._sending:
            pass
        deadline = time.monotonic() + wait_secs
        while len(_FRAMES_IN_FLIGHT) and time.monotonic() < deadline:
            time.sleep(0.01)

    def wake(self) -> None:
        """Speech was handed in: send it."""
        with self._wake:
            self._wake.notify()

    def _send_due(self, speech: PacedSpeech) -> float | None:
        """Send ``speech``'s due frames; when its next one is due (``None``: none waits)."""
        frames, next_at = speech.take_due(self._lead)
        for frame in frames:
            try:
                self._send(speech, frame)
            except Exception as e:  # one source gone wrong must not silence the others
                logger.warning("speech to LiveKit dropped, its source failed: {!r}", e)
                speech.drop()
                return None
        return next_at

    def _run(self) -> None:
        while True:
            with self._wake:
                while not any(s.has_speech() for s in self._speeches):
                    self._wake.wait()
            next_at = time.monotonic() + FRAME_SECS
            with self._sending:
                with self._wake:  # read under both locks: a speech removed now is not sent to
                    speeches = list(self._speeches)
                for speech in speeches:
                    speech_next = self._send_due(speech)
                    if speech_next is not None:
                        next_at = min(next_at, speech_next)
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)


class _FramesInFlight:
    """Frames handed to LiveKit, kept alive until LiveKit confirms it has taken them.

    LiveKit reads a frame's samples from the frame's own memory; the SDK's
    ``capture_frame`` keeps the frame until the confirmation arrives, and so does this. The
    confirmations reach :meth:`confirmed` in LiveKit's thread (:mod:`ffi_routing`), past the
    process's other subscribers.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frames: dict[int, rtc.AudioFrame] = {}

    def send(self, speech: PacedSpeech, frame: rtc.AudioFrame) -> None:
        """Hand ``frame`` to ``speech``'s LiveKit source."""
        request = proto_ffi.FfiRequest()
        request.capture_audio_frame.source_handle = speech.handle
        request.capture_audio_frame.buffer.CopyFrom(frame._proto_info())
        # Held across the request, so that a confirmation faster than the bookkeeping
        # waits for it in confirmed().
        with self._lock:
            response = FfiClient.instance.request(request)
            self._frames[response.capture_audio_frame.async_id] = frame

    def confirmed(self, event: proto_ffi.FfiEvent) -> bool:
        """Release a sent frame on LiveKit's confirmation; ``False`` if it is not one of ours."""
        if event.WhichOneof("message") != "capture_audio_frame":
            return False
        with self._lock:
            frame = self._frames.pop(event.capture_audio_frame.async_id, None)
        if frame is None:
            return False
        if event.capture_audio_frame.error:
            logger.warning("LiveKit refused a frame of speech: {}", event.capture_audio_frame.error)
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._frames)


_FRAMES_IN_FLIGHT = _FramesInFlight()
_PACER: SpeechPacer | None = None
_PACER_LOCK = threading.Lock()


def frames_in_flight() -> int:
    """Frames handed to LiveKit and not yet confirmed (a handful while speech plays)."""
    return len(_FRAMES_IN_FLIGHT)


def shared_pacer() -> SpeechPacer:
    """The process's pacer (its thread starts with the first speech)."""
    global _PACER
    with _PACER_LOCK:
        if _PACER is None:
            ffi_routing.install()
            ffi_routing.take_capture_callbacks(_FRAMES_IN_FLIGHT.confirmed)
            _PACER = SpeechPacer()
            # After LiveKit's own exit handler (registered when its client was first used),
            # so it runs before it.
            atexit.register(_PACER.close)
        return _PACER
