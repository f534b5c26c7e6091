"""A whole cluster on this machine: Redis, LiveKit nodes, worker processes and the service.

For benchmarks and trials (``voice-agent bench cluster``): everything on loopback and
free ports, torn down on exit. :class:`LocalCluster` starts Redis through
``scripts/redis.sh``, ``nodes`` livekit-servers sharing it, the store service with no
worker of its own (API, webhooks, re-dispatch) in this process, and ``workers``
``voice-agent worker`` processes registered round-robin with the nodes, sharing one
SQLite database.
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
from pydantic import SecretStr

from voice_agent.livekit.server import LocalLiveKitServer, pick_free_port
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
        self._database = open_database(f"sqlite:///{self._dir / 'front.sqlite3'}")
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
            directory = self._dir / f"worker{index + 1}"
            self.workers.append(await asyncio.to_thread(self._start_worker, node.url, directory))

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
        self._redis = subprocess.Popen(
            [str(REDIS_SCRIPT)],
            env={**os.environ, "PORT": str(redis_port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(redis_port, "redis-server")
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

    def _start_worker(self, url: str, directory: Path) -> WorkerProcess:
        directory.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "VOICE_AGENT_LIVEKIT__API_KEY": self.api_key,
            "VOICE_AGENT_LIVEKIT__API_SECRET": self.api_secret,
            # One database for all workers, as in a real cluster: a re-dispatched clerk's
            # conversation is picked up by whichever worker takes them.
            "VOICE_AGENT_STORAGE__DATABASE_URL": f"sqlite:///{self._dir / 'workers.sqlite3'}",
            # Benchmarks run rounds back to back: a clerk gone 5 s frees the slot.
            "VOICE_AGENT_SERVICE__CLERK_ABSENT_TIMEOUT_SECS": "5",
        }
        command = [sys.executable, "-m", "voice_agent.cli", "worker", "--json"]
        command += ["--capacity", str(self._capacity), "--livekit-url", url]
        with (directory / "worker.log").open("w") as log:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, env=env, text=True
            )
        assert process.stdout is not None
        lines: list[str] = []
        while line := process.stdout.readline():
            lines.append(line)
            if line.startswith("}"):
                break
        if not lines:
            raise ServiceError(
                f"a worker did not start; see {directory / 'worker.log'}", code="cluster_failed"
            )
        ready = json.loads("".join(lines))
        return WorkerProcess(process, ready["worker_id"], ready["health_url"])

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
