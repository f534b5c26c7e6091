"""LiveKit's native log records stay native (voice_agent.livekit.native_logs).

The SDK starts its library forwarding every record of every level to Python, one event at a
time; a node parses them all and prints almost none. Once kept native, none reaches Python.
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from livekit import rtc
from livekit.rtc import _ffi_client
from livekit.rtc.version import __version__
from livekit_helpers import room_token

from voice_agent.livekit import native_logs
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer

_PENDING_FLUSH_SECS = 1.5
"""The library sends records it already holds within a second (its flush interval)."""


async def _join_speak_and_leave(server: LocalLiveKitServer, identity: str) -> None:
    room = rtc.Room()
    name = clerk_room_name(store_id="SH-01", identity=identity)
    await room.connect(server.url, room_token(server, identity, room=name))
    try:
        source = rtc.AudioSource(16000, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track("mic", source)
        await room.local_participant.publish_track(
            track, rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        )
        tone = (0.2 * 32767 * np.sin(2 * np.pi * 440 * np.arange(320) / 16000)).astype(np.int16)
        for _ in range(50):  # 1 s of 20 ms frames
            await source.capture_frame(rtc.AudioFrame(tone.tobytes(), 16000, 1, tone.size))
    finally:
        await room.disconnect()


@pytest.mark.livekit
@pytest.mark.slow
async def test_once_kept_native_no_log_record_of_the_library_reaches_python(
    livekit_server: LocalLiveKitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    levels: list[int] = []
    to_python_level = _ffi_client.to_python_level

    def counted(level: int) -> int | None:
        levels.append(level)
        return to_python_level(level)

    monkeypatch.setattr(_ffi_client, "to_python_level", counted)
    library = _ffi_client.FfiClient.instance._ffi_lib
    # As the SDK starts the library: every record is forwarded to Python.
    library.livekit_ffi_initialize(
        _ffi_client.ffi_event_callback, True, b"python", __version__.encode()
    )
    await _join_speak_and_leave(livekit_server, "logs-forwarded")
    await asyncio.sleep(_PENDING_FLUSH_SECS)
    forwarded = len(levels)

    native_logs.keep_native()
    await asyncio.sleep(_PENDING_FLUSH_SECS)
    before = len(levels)
    await _join_speak_and_leave(livekit_server, "logs-native")
    await asyncio.sleep(_PENDING_FLUSH_SECS)

    assert forwarded > 20  # a join and a second of audio log dozens of records
    assert len(levels) == before
