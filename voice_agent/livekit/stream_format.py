"""The format LiveKit delivers a node's incoming audio in: the pipeline's rate, 20 ms frames.

Pipecat's LiveKit transport opens each participant's stream as ``rtc.AudioStream(track)``:
48 kHz in 10 ms frames, which it then resamples frame by frame to the pipeline's rate on
the event loop, and every frame costs a hand-over between LiveKit's thread and the loop.
At 10 clerks that resampling was a third of the node's loop and the loop fell seconds
behind (docs/BENCHMARKS.md, "Ten clerks"). LiveKit resamples in its own threads, outside
the interpreter lock, and can hand over longer frames. :func:`install` makes that the
default of every stream of the process: what a caller names itself it keeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from livekit import rtc

FRAME_MS = 20
"""Frame length asked of LiveKit: half the hand-overs of its 10 ms default; Silero reads 32 ms."""
_installed: dict[str, int] | None = None


def install(*, sample_rate: int, num_channels: int = 1, frame_ms: int = FRAME_MS) -> None:
    """Open this process's audio streams at ``sample_rate`` in ``frame_ms`` frames by default.

    Once per process; a later call with the same format does nothing.

    Raises:
        ValueError: The process already opens its streams in another format (two pipelines
            at different rates in one process would each get the other's audio).
    """
    global _installed
    wanted = {"sample_rate": sample_rate, "num_channels": num_channels, "frame_size_ms": frame_ms}
    if _installed is not None:
        if _installed != wanted:
            raise ValueError(f"audio streams already open as {_installed}, not {wanted}")
        return
    original: Callable[..., None] = rtc.AudioStream.__init__

    def __init__(self: rtc.AudioStream, track: Any = None, *args: Any, **kwargs: Any) -> None:
        if not args:  # the format is given by keyword or not at all
            for name, value in wanted.items():
                kwargs.setdefault(name, value)
        original(self, track, *args, **kwargs)

    __init__.__doc__ = original.__doc__
    rtc.AudioStream.__init__ = __init__  # type: ignore[method-assign]
    _installed = wanted


def installed_format() -> dict[str, int] | None:
    """The default format :func:`install` set in this process; ``None`` before it ran."""
    return None if _installed is None else dict(_installed)
