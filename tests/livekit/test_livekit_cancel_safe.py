"""A join cancelled half-way neither kills the process nor leaves a participant behind.

livekit/python-sdks#784: the FFI server waits for a request that ``Room.connect`` sends
last; a cancelled ``connect`` never sends it, and 15 s later the SDK SIGTERMs its own process.
Each case runs in a child process, so a regression kills the child, not the test run.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from livekit_helpers import room_token

from voice_agent.livekit.server import LocalLiveKitServer

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

FFI_READY_TIMEOUT_SECS = 15
"""How long the FFI server waits for the ready request before its panic."""

JOIN_AND_CANCEL = textwrap.dedent(
    """
    import asyncio, sys
    from livekit import api, rtc
    from voice_agent.livekit import cancel_safe

    url, token, key, secret, room_name, wait = sys.argv[1:7]

    async def main() -> None:
        cancel_safe.install()
        room = rtc.Room()
        joining = asyncio.create_task(room.connect(url, token))
        await asyncio.sleep(0)  # the FFI server has the request; connect awaits its answer
        joining.cancel()
        try:
            await joining
        except asyncio.CancelledError:
            print("cancelled", flush=True)
        await asyncio.sleep(float(wait))
        lk = api.LiveKitAPI(url.replace("ws", "http", 1), key, secret)
        try:
            listed = await lk.room.list_participants(
                api.ListParticipantsRequest(room=room_name)
            )
        except api.TwirpError:  # the room is gone: nobody in it
            listed = None
        finally:
            await lk.aclose()
        left = [p.identity for p in listed.participants] if listed else []
        print("left behind:", left, flush=True)

    asyncio.run(main())
    """
)


def test_a_cancelled_join_completes_in_the_background_and_leaves_the_room(
    livekit_server: LocalLiveKitServer,
) -> None:
    room = "store-SH-02-clerk-vic"
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            JOIN_AND_CANCEL,
            livekit_server.url,
            room_token(livekit_server, "vic", room=room),
            livekit_server.api_key,
            livekit_server.api_secret,
            room,
            str(FFI_READY_TIMEOUT_SECS + 3),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert child.returncode == 0, child.stderr[-3000:]
    assert "cancelled" in child.stdout
    assert "left behind: []" in child.stdout, child.stdout
