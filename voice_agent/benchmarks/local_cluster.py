"""A whole cluster on this machine: Redis, LiveKit nodes, worker processes and the service.

For benchmarks and trials (``voice-agent bench cluster``): everything on loopback and
free ports, torn down on exit. :class:`LocalCluster` starts Redis through
``scripts/redis.sh``, ``nodes`` livekit-servers sharing it, the store service with no
worker of its own (API, webhooks, the watch over the workers, re-dispatch) in this
process, and ``workers`` ``voice-agent worker`` processes registered round-robin with the
nodes, all sharing one SQLite database (conversations and the workers' heartbeats).

Every child gets SIGKILL when this process dies, even by ``kill -9``
(:func:`~voice_agent.livekit.process_guard.die_with_parent`): a benchmark that is
killed leaves no worker or Redis holding a port.

The parts are also offered one by one (:func:`start_redis`, :func:`start_worker_process`,
:func:`assistants_in`) for the cluster tests, which build their cluster piece by piece.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

import httpx
from livekit import api
from pydantic import SecretStr

from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint
from voice_agent.livekit.process_guard import die_with_parent
from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.server_ports import pick_free_port
from voice_agent.runtime import Runtime
from voice_agent.service.errors import ServiceError
from voice_agent.service.runner import StoreService
from voice_agent.service_settings import ServiceSettings
from voice_agent.settings import PROJECT_ROOT, LiveKitSettings
from voice_agent.storage import Database, open_database

REDIS_SCRIPT = PROJECT_ROOT / "scripts" / "redis.sh"
_READY_TIMEOUT_SECS = 120.0


@dataclass
class WorkerProcess:
    """One ``voice-agent worker`` child."""

    process: subprocess.Popen[str]
    worker_id: str
    health_url: str
    log: Path
    """Its stderr (loguru's log)."""

    def active_jobs(self) -> int:
        """Jobs it runs now (-1 when it does not answer)."""
        try:
            response = httpx.get(f"{self.health_url}worker", timeout=2)
            return int(response.json().get("active_jobs", 0))
        except (httpx.HTTPError, ValueError):
            return -1


class LocalCluster:
    """See the module docstring.

    Args:
        runtime: The service's models and knowledge base (this process).
        livekit_binary: Path of livekit-server.
        nodes: LiveKit nodes.
        workers: Worker processes.
        capacity: Sessions per worker.
        work_dir: Logs and databases; ``None``: a temporary directory.
    """

    def __init__(
        self,
        *,
        runtime: Runtime,
        livekit_binary: Path,
        nodes: int = 2,
        workers: int = 2,
        capacity: int = 10,
        work_dir: Path | None = None,
    ) -> None:
        self.api_key = "local-cluster"
        self.api_secret = secrets.token_hex(24)
        self._runtime = runtime
        self._binary = livekit_binary
        self._node_count = nodes
        self._worker_count = workers
        self._capacity = capacity
        self._dir = work_dir or Path(tempfile.mkdtemp(prefix="voice-agent-cluster-"))
        self._redis: subprocess.Popen[bytes] | None = None
        self.nodes: list[LocalLiveKitServer] = []
        self.workers: list[WorkerProcess] = []
        self.service: StoreService | None = None
        self._database: Database | None = None

    async def start(self) -> None:
        """Start everything; return once every worker has registered.

        Raises:
            ServiceError: A part did not come up (``code`` ``cluster_failed``).
        """
        front_port = pick_free_port()
        await asyncio.to_thread(self._start_redis_and_nodes, front_port)
        # One database for the service and all workers, as in a real cluster: a
        # re-dispatched clerk's conversation is picked up by whichever worker takes them,
        # and the service sees the workers' heartbeats.
        self._database = open_database(self.database_url)
        self.service = StoreService(
            runtime=self._runtime,
            database=self._database,
            service=ServiceSettings(port=front_port, run_worker=False),
            livekit=LiveKitSettings(
                url=self.nodes[0].url,
                api_key=self.api_key,
                api_secret=SecretStr(self.api_secret),
            ),
            local_livekit=None,
        )
        await self.service.start()
        for index in range(self._worker_count):
            node = self.nodes[index % len(self.nodes)]
            worker = await asyncio.to_thread(
                start_worker_process,
                url=node.url,
                api_key=self.api_key,
                api_secret=self.api_secret,
                directory=self._dir / f"worker{index + 1}",
                database_url=self.database_url,
                capacity=self._capacity,
            )
            self.workers.append(worker)

    @property
    def database_url(self) -> str:
        """The database the service and the workers share."""
        return f"sqlite:///{self._dir / 'cluster.sqlite3'}"

    @property
    def endpoint(self) -> LiveKitEndpoint:
        """Node 1 and the cluster's keys."""
        return LiveKitEndpoint(
            url=self.nodes[0].url, api_key=self.api_key, api_secret=self.api_secret
        )

    async def stop(self) -> None:
        """Stop workers, the service, the nodes and Redis."""
        await asyncio.to_thread(self._stop_workers)
        if self.service is not None:
            await self.service.stop()
        if self._database is not None:
            self._database.close()
        await asyncio.to_thread(self._stop_nodes_and_redis)

    def _start_redis_and_nodes(self, front_port: int) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        redis_port = pick_free_port()
        self._redis = start_redis(redis_port)
        for index in range(self._node_count):
            node = LocalLiveKitServer(
                binary=self._binary,
                api_key=self.api_key,
                api_secret=self.api_secret,
                work_dir=self._dir / f"node{index + 1}",
                redis_address=f"127.0.0.1:{redis_port}",
                departure_timeout_secs=5,
                webhook_urls=[f"http://127.0.0.1:{front_port}/livekit/webhook"],
            )
            self.nodes.append(node)
            node.start()

    def _stop_workers(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.kill()
            worker.process.wait(timeout=20)

    def _stop_nodes_and_redis(self) -> None:
        for node in self.nodes:
            node.stop()
        if self._redis is not None:
            self._redis.terminate()
            self._redis.wait(timeout=10)

    async def __aenter__(self) -> Self:
        try:
            await self.start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


def _wait_for_port(port: int, what: str) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT_SECS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise ServiceError(f"{what} did not listen on port {port}", code="cluster_failed")


def start_redis(port: int) -> subprocess.Popen[bytes]:
    """``scripts/redis.sh`` on ``port`` (loopback, nothing on disk); return once it listens.

    Raises:
        ServiceError: It did not listen within 120 s (``code`` ``cluster_failed``).
    """
    process = subprocess.Popen(
        [str(REDIS_SCRIPT)],
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    _wait_for_port(port, "redis-server")
    return process


def start_worker_process(
    *,
    url: str,
    api_key: str,
    api_secret: str,
    directory: Path,
    database_url: str,
    capacity: int,
) -> WorkerProcess:
    """Start ``voice-agent worker --json`` registered with ``url``; return once it is ready.

    Its log goes to ``directory / "worker.log"``. A clerk gone 5 s frees their slot (the
    benchmarks and tests run rounds back to back).

    Raises:
        ServiceError: It exited before it was ready (``code`` ``cluster_failed``).
    """
    directory.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "VOICE_AGENT_LIVEKIT__API_KEY": api_key,
        "VOICE_AGENT_LIVEKIT__API_SECRET": api_secret,
        "VOICE_AGENT_STORAGE__DATABASE_URL": database_url,
        "VOICE_AGENT_SERVICE__CLERK_ABSENT_TIMEOUT_SECS": "5",
    }
    command = [sys.executable, "-m", "voice_agent.cli", "worker", "--json"]
    command += ["--capacity", str(capacity), "--livekit-url", url]
    log_path = directory / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
            text=True,
            preexec_fn=die_with_parent,
        )
    assert process.stdout is not None
    lines: list[str] = []
    while line := process.stdout.readline():
        lines.append(line)
        if line.startswith("}"):
            break
    if not lines:
        raise ServiceError(f"a worker did not start; see {log_path}", code="cluster_failed")
    ready = json.loads("".join(lines))
    return WorkerProcess(process, ready["worker_id"], ready["health_url"], log_path)


async def assistants_in(endpoint: LiveKitEndpoint, rooms: list[str]) -> dict[str, str]:
    """Room -> participant sid of the assistant, for the rooms it is in right now.

    A re-dispatched assistant is a new participant: its sid differs from the dead one's.
    """
    http_url = endpoint.url.replace("ws", "http", 1)
    client = api.LiveKitAPI(http_url, endpoint.api_key, endpoint.api_secret)
    found: dict[str, str] = {}
    try:
        for room in rooms:
            try:
                listed = await client.room.list_participants(api.ListParticipantsRequest(room=room))
            except api.TwirpError:
                continue  # the room does not exist (yet)
            for participant in listed.participants:
                if participant.identity == AGENT_IDENTITY:
                    found[room] = participant.sid
    finally:
        await client.aclose()
    return found
