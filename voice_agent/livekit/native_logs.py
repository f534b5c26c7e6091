"""LiveKit's native log records stay native: filtered where they are made, not in Python.

The LiveKit SDK (livekit 1.1.21) starts its native library with ``capture_logs`` on: every
record of its Rust and libwebrtc code, at every level, is formatted there and handed to
Python one event at a time, on a thread that takes the interpreter lock, parsed, and then
dropped unless it is info or above. Counted in a node answering one clerk over a real
server: 5401 such events in a minute, twice the 2557 audio frames it heard (libwebrtc logs
received audio at debug level, the signalling socket logs each message at trace); in each
simulated clerk's process about as many again (docs/BENCHMARKS.md, "Where a node's CPU
goes").

:func:`keep_native` turns capture off: the library then writes its records with its own
logger to standard error, filtered by ``RUST_LOG`` (``warn`` unless set before the library
first starts in the process, so warnings and errors are still shown).
"""

from __future__ import annotations

import os

from livekit.rtc._ffi_client import FfiClient, ffi_event_callback
from livekit.rtc.version import __version__

RUST_LOG_ENV = "RUST_LOG"
DEFAULT_NATIVE_LEVEL = "warn"
"""The native records shown when ``RUST_LOG`` is unset: warnings and errors."""


def keep_native() -> None:
    """Stop the process's LiveKit library from sending its log records to Python.

    Safe to call more than once and at any time: the library takes a new start with the
    same event callback, keeping its rooms, streams and sources.
    """
    os.environ.setdefault(RUST_LOG_ENV, DEFAULT_NATIVE_LEVEL)
    library = FfiClient.instance._ffi_lib
    library.livekit_ffi_initialize(ffi_event_callback, False, b"python", __version__.encode())
