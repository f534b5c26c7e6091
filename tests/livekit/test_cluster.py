"""A cluster on one machine: Redis, two LiveKit nodes, two `voice-agent worker` processes.

Each worker takes one clerk at a time (``--capacity 1``), so LiveKit's dispatch has to
spread clerks over both, and a third clerk finds both full. Killing the worker of a clerk
mid-conversation gets the clerk re-dispatched to the other one: the store service (API
and webhooks only, no worker of its own) sees the assistant leave and dispatches it again,
and the new session picks up the conversation from the database the workers share.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from tests.conftest import AUDIO
from voice_agent.agent.connection import AGENT_IDENTITY
from voice_agent.livekit.clerk import ClerkReport, ClerkScript, SimulatedClerk
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.server import LocalLiveKitServer, pick_free_port
from voice_agent.livekit.tokens import mint_token
from voice_agent.service.runner import StoreService
from voice_agent.service_settings import ServiceSettings
from voice_agent.settings import LiveKitSettings
from voice_agent.storage import SqlSessionStore, open_database

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

API_KEY = "cluster-tests"
API_SECRET = secrets.token_hex(24)
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
QUESTION = AUDIO / "loop/ax200_weekend.wav"


@dataclass
class Worker:
    process: subprocess.Popen[str]
    worker_id: str
    health_url: str
    log: Path

    def active_jobs(self) -> int:
        try:
            response = httpx.get(f"{self.health_url}worker", timeout=2)
        except httpx.HTTPError:
            return -1
        return int(response.json().get("active_jobs", 0))


@pytest.fixture(scope="module")
def redis_address() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        message = "redis-server not installed (apt-get install redis-server)"
        if os.environ.get("VOICE_AGENT_REQUIRE_LIVEKIT") == "1":
            pytest.fail(message)
        pytest.skip(message)
    port = pick_free_port()
    process = subprocess.Popen(
        [str(SCRIPTS / "redis.sh")],
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def front_port() -> int:
    """Port of the store service that receives the nodes' webhooks."""
    return pick_free_port()


@pytest.fixture(scope="module")
def nodes(
    livekit_binary: Path,
    redis_address: str,
    front_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[LocalLiveKitServer]]:
    servers = [
        LocalLiveKitServer(
            binary=livekit_binary,
            api_key=API_KEY,
            api_secret=API_SECRET,
            work_dir=tmp_path_factory.mktemp(f"node{index}"),
            departure_timeout_secs=5,
            redis_address=redis_address,
            webhook_urls=[f"http://127.0.0.1:{front_port}/livekit/webhook"],
        )
        for index in (1, 2)
    ]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
async def front(
    runtime: Any,
    nodes: list[LocalLiveKitServer],
    front_port: int,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[StoreService]:
    """`voice-agent serve` with run_worker = false, next to node 1: API and webhooks."""
    database = open_database(f"sqlite:///{tmp_path_factory.mktemp('front') / 'db.sqlite3'}")
    service = StoreService(
        runtime=runtime,
        database=database,
        service=ServiceSettings(port=front_port, run_worker=False),
        livekit=LiveKitSettings(
            url=nodes[0].url, api_key=API_KEY, api_secret=SecretStr(API_SECRET)
        ),
        local_livekit=None,
    )
    try:
        async with service:
            yield service
    finally:
        database.close()


def start_worker(url: str, directory: Path, database_url: str) -> Worker:
    directory.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "VOICE_AGENT_LIVEKIT__API_KEY": API_KEY,
        "VOICE_AGENT_LIVEKIT__API_SECRET": API_SECRET,
        "VOICE_AGENT_STORAGE__DATABASE_URL": database_url,
        "VOICE_AGENT_SERVICE__CLERK_ABSENT_TIMEOUT_SECS": "5",
    }
    log = directory / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "voice_agent.cli", "worker", "--capacity", "1"]
        + ["--livekit-url", url, "--json"],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        env=env,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    while line := process.stdout.readline():
        lines.append(line)
        if line.startswith("}"):
            break
    assert lines, log.read_text()
    ready = json.loads("".join(lines))
    return Worker(process, ready["worker_id"], ready["health_url"], log)


@pytest.fixture
def shared_database_url(tmp_path: Path) -> str:
    """The database both workers store conversations in (as a cluster's workers would)."""
    return f"sqlite:///{tmp_path / 'shared.sqlite3'}"


@pytest.fixture
def workers(
    nodes: list[LocalLiveKitServer], tmp_path: Path, shared_database_url: str
) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for index, node in enumerate(nodes):
            directory = tmp_path / f"worker{index + 1}"
            started.append(start_worker(node.url, directory, shared_database_url))
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait(timeout=20)


async def clerk_says(node: LocalLiveKitServer, identity: str, script: ClerkScript) -> ClerkReport:
    room = clerk_room_name(store_id="SH-01", identity=identity)
    token = mint_token(
        api_key=API_KEY,
        api_secret=API_SECRET,
        identity=identity,
        role="clerk",
        room=room,
        store_id="SH-01",
        dispatch_agent=True,
    )
    clerk = SimulatedClerk(url=node.url, token=token, reply_from=AGENT_IDENTITY, hangover_secs=1.5)
    return await clerk.run(script)


def served(worker: Worker, identity: str) -> bool:
    room = clerk_room_name(store_id="SH-01", identity=identity)
    return f"[{room}] session started" in worker.log.read_text(errors="replace")


async def test_clerks_spread_over_workers_and_a_full_cluster_takes_no_more(
    nodes: list[LocalLiveKitServer], workers: list[Worker]
) -> None:
    asking = ClerkScript.from_files(
        [QUESTION], lead_in_secs=6.0, push_to_talk=True, max_reply_secs=15, reply_timeout_secs=20
    )
    first = asyncio.create_task(clerk_says(nodes[0], "cleo", asking))
    for _ in range(300):
        if sum(w.active_jobs() for w in workers) == 1:
            break
        await asyncio.sleep(0.1)
    second = asyncio.create_task(clerk_says(nodes[1], "dara", asking))
    for _ in range(300):
        if sum(w.active_jobs() for w in workers) == 2:
            break
        await asyncio.sleep(0.1)
    assert [w.active_jobs() for w in workers] == [1, 1]  # one clerk each
    third = await clerk_says(nodes[0], "emil", ClerkScript(lead_in_secs=3.0, wait_for_reply=False))
    assert third.heard == [], "a full cluster dispatched a third clerk"
    reports = await asyncio.gather(first, second)
    assert all(r.utterances[0].reply_started_at is not None for r in reports), reports
    assert {served(w, "cleo") for w in workers} == {True, False}
    assert {served(w, "dara") for w in workers} == {True, False}
    assert not any(served(w, "emil") for w in workers)


async def test_a_killed_worker_s_clerk_is_redispatched_and_answered(
    nodes: list[LocalLiveKitServer],
    workers: list[Worker],
    front: StoreService,
    shared_database_url: str,
) -> None:
    # LiveKit reports a killed agent's connection anywhere from at once to tens of seconds
    # later (its signal ping timeout); the second question waits that out.
    script = ClerkScript.from_files(
        [QUESTION, QUESTION],
        lead_in_secs=3.0,
        silence_between_secs=70.0,
        push_to_talk=True,
        max_reply_secs=15,
        reply_timeout_secs=20,
    )
    clerk = asyncio.create_task(clerk_says(nodes[0], "finn", script))
    serving: Worker | None = None
    for _ in range(300):
        serving = next((w for w in workers if w.active_jobs() == 1), None)
        if serving is not None:
            break
        await asyncio.sleep(0.1)
    assert serving is not None, "no worker took the clerk"
    other = next(w for w in workers if w is not serving)
    room = clerk_room_name(store_id="SH-01", identity="finn")
    database = open_database(shared_database_url)
    try:
        conversations = SqlSessionStore(database=database)
        since = datetime.now(UTC) - timedelta(minutes=5)
        for _ in range(400):  # the first answer is stored right after it was written
            if conversations.load(room, "finn", answered_since=since) is not None:
                break
            await asyncio.sleep(0.1)
    finally:
        database.close()
    serving.process.kill()  # mid-conversation: the clerk is hearing the first answer
    killed_at = time.monotonic()
    for _ in range(650):
        if other.active_jobs() == 1:
            break
        await asyncio.sleep(0.1)
    assert other.active_jobs() == 1, "the clerk was not re-dispatched"
    redispatch_secs = time.monotonic() - killed_at
    report = await clerk
    assert report.utterances[1].reply_started_at is not None, report
    assert served(other, "finn")
    assert f"[{room}] picked up finn's conversation: 1 turn(s)" in other.log.read_text()
    assert front.redispatcher_count == 1
    print(f"re-dispatched {redispatch_secs:.1f} s after the kill")


async def test_a_draining_worker_finishes_its_clerk_and_takes_no_new_one(
    nodes: list[LocalLiveKitServer], workers: list[Worker], front: StoreService
) -> None:
    script = ClerkScript.from_files(
        [QUESTION, QUESTION],
        lead_in_secs=3.0,
        silence_between_secs=6.0,
        push_to_talk=True,
        max_reply_secs=15,
        reply_timeout_secs=20,
    )
    staying = asyncio.create_task(clerk_says(nodes[0], "gia", script))
    serving: Worker | None = None
    for _ in range(300):
        serving = next((w for w in workers if w.active_jobs() == 1), None)
        if serving is not None:
            break
        await asyncio.sleep(0.1)
    assert serving is not None, "no worker took the clerk"
    other = next(w for w in workers if w is not serving)
    serving.process.send_signal(signal.SIGTERM)  # drain: finish gia, take nobody new

    newcomer = await clerk_says(
        nodes[1],
        "hal",
        ClerkScript.from_files([QUESTION], lead_in_secs=4.0, push_to_talk=True, max_reply_secs=15),
    )
    assert newcomer.utterances[0].reply_started_at is not None, newcomer
    assert served(other, "hal") and not served(serving, "hal")

    report = await staying
    assert all(u.reply_started_at is not None for u in report.utterances), report
    assert served(serving, "gia") and not served(other, "gia")  # nobody moved mid-answer
    assert serving.process.wait(timeout=90) == 0  # it exits once gia's session ended
