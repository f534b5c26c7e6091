"""``kill -9`` of ``voice-agent serve`` at a random moment of a clerk's conversation.

The moment is drawn from a seeded generator and printed (``VOICE_AGENT_FAULT_SEED`` replays
one): anywhere from just after the first answer was stored to the middle of the next
reply. Afterwards no livekit-server is left holding the port, the next ``serve`` comes up
on it, the clerk who rejoins has the assistant within 5 s and is answered, and the
conversation stored before the kill is picked up and goes on counting (nothing stored is
lost).
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import signal
import time
from pathlib import Path

import pytest
from test_serve_cli import port_open, start_serve

from tests.conftest import AUDIO
from tests.livekit.livekit_helpers import fault_seed, stored_turns
from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.benchmarks.local_cluster import assistants_in
from voice_agent.livekit.clerk import SimulatedClerk
from voice_agent.livekit.clerk_report import ClerkReport
from voice_agent.livekit.clerk_script import ClerkScript
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server_ports import pick_free_port
from voice_agent.livekit.tokens import mint_token

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

QUESTION = AUDIO / "loop/ax200_weekend.wav"
API_KEY = "serve-killed"
API_SECRET = secrets.token_hex(24)
KILL_WINDOW_SECS = (0.0, 8.0)
"""After the first answer was stored: the second question (3.6 s), its answer, its reply."""
BACK_WITHIN_SECS = 5.0


async def clerk_runs(url: str, identity: str, script: ClerkScript) -> ClerkReport:
    token = mint_token(
        api_key=API_KEY,
        api_secret=API_SECRET,
        identity=identity,
        role="clerk",
        room=clerk_room_name(store_id="SH-01", identity=identity),
        store_id="SH-01",
        dispatch_agent=True,
    )
    clerk = SimulatedClerk(
        url=url, token=token, reply_from=AGENT_IDENTITY, hangover_secs=1.5, connect_timeout_secs=30
    )
    return await clerk.run(script)


async def test_serve_killed_mid_conversation_leaves_no_orphan_and_the_clerk_goes_on(
    livekit_binary: Path, tmp_path: Path
) -> None:
    seed = fault_seed()
    kill_after = random.Random(seed).uniform(*KILL_WINDOW_SECS)
    print(f"fault seed {seed}: serve is killed {kill_after:.2f} s after the first answer")
    livekit_port = pick_free_port()
    database_url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = {
        **os.environ,
        "VOICE_AGENT_STORAGE__DATABASE_URL": database_url,
        "VOICE_AGENT_LIVEKIT__URL": f"ws://127.0.0.1:{livekit_port}",
        "VOICE_AGENT_LIVEKIT__BINARY": str(livekit_binary),
        "VOICE_AGENT_LIVEKIT__API_KEY": API_KEY,
        "VOICE_AGENT_LIVEKIT__API_SECRET": API_SECRET,
    }
    room = clerk_room_name(store_id="SH-01", identity="ana")
    endpoint = LiveKitEndpoint(
        url=f"ws://127.0.0.1:{livekit_port}", api_key=API_KEY, api_secret=API_SECRET
    )
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        first, ready = start_serve(env, log)
        second = None
        try:
            talking = ClerkScript.from_files(
                [QUESTION, QUESTION, QUESTION],
                lead_in_secs=3.0,
                silence_between_secs=1.0,
                push_to_talk=True,
                max_reply_secs=15,
                reply_timeout_secs=15,
            )
            conversation = asyncio.create_task(clerk_runs(ready["livekit_url"], "ana", talking))
            deadline = time.monotonic() + 90
            while await asyncio.to_thread(stored_turns, database_url, room, "ana") < 1:
                assert time.monotonic() < deadline, "the first answer was never stored"
                assert not conversation.done(), conversation
                await asyncio.sleep(0.1)
            await asyncio.sleep(kill_after)
            first.kill()  # SIGKILL: serve cannot stop its livekit-server or its sessions
            first.wait(timeout=10)
            conversation.cancel()
            await asyncio.gather(conversation, return_exceptions=True)

            turns = await asyncio.to_thread(stored_turns, database_url, room, "ana")
            assert turns >= 1
            for _ in range(150):  # its livekit-server dies with it, within moments
                if not port_open(livekit_port):
                    break
                await asyncio.sleep(0.1)
            assert not port_open(livekit_port), "livekit-server outlived the killed service"

            second, ready = await asyncio.to_thread(start_serve, env, log)
            back = time.monotonic()
            asking = ClerkScript.from_files(
                [QUESTION], lead_in_secs=3.0, push_to_talk=True, max_reply_secs=15
            )
            rejoined = asyncio.create_task(clerk_runs(ready["livekit_url"], "ana", asking))
            assistant_secs = None
            while assistant_secs is None and not rejoined.done():
                if room in await assistants_in(endpoint, [room]):
                    assistant_secs = time.monotonic() - back
                await asyncio.sleep(0.1)
            report = await rejoined
            assert assistant_secs is not None, "no assistant joined the rejoining clerk"
            assert assistant_secs < BACK_WITHIN_SECS, (
                f"the assistant joined {assistant_secs:.1f} s after serve was back"
            )
            assert report.utterances[0].reply_started_at is not None, report
            stored = await asyncio.to_thread(stored_turns, database_url, room, "ana")
            assert stored == turns + 1, (turns, stored)
            log.flush()
            assert f"[{room}] picked up ana's conversation: {turns} turn(s)" in (
                log_path.read_text(errors="replace")
            )
            print(
                f"{turns} turn(s) stored at the kill; the assistant was in the rejoined room "
                f"{assistant_secs:.1f} s after serve was back"
            )
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=30) == 0
        finally:
            for process in (first, second):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()
    assert not port_open(livekit_port)
    assert not port_open(int(ready["api_url"].rsplit(":", 1)[1]))
