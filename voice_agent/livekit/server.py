"""Run the locally built ``livekit-server`` as a child process.

Finding the binary is :mod:`voice_agent.livekit.binary`'s business (re-exported here, where
callers start servers); what the server is told, :mod:`.server_config`'s; where its config,
log and pid file are, :mod:`.server_files`'s; which ports it uses, :mod:`.server_ports`'s;
starting, waiting for and stopping the child, :mod:`.child_process`'s.

:class:`LocalLiveKitServer` writes a YAML config (keys, loopback ports, webhook URLs),
starts the binary, waits until its HTTP port answers and stops it with SIGTERM, a second
SIGTERM (LiveKit's "force" stop) and finally SIGKILL. Ports it is not given are picked
free, so parallel test runs do not clash.

Example:
    with LocalLiveKitServer(binary=find_livekit_server_binary(), api_key="key",
                            api_secret="a-secret-of-at-least-32-characters") as server:
        url = server.url  # ws://127.0.0.1:<port>
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from loguru import logger

from voice_agent.livekit.binary import (
    BIN_DIR_ENV,
    BINARY_ENV,
    INSTALL_HINT,
    find_livekit_server_binary,
    is_executable,
)
from voice_agent.livekit.child_process import LOG_TAIL_LINES, ServerChild
from voice_agent.livekit.errors import LiveKitBinaryNotFoundError, LiveKitServerError
from voice_agent.livekit.process_guard import ensure_port_free, stop_stale_server
from voice_agent.livekit.server_config import server_config
from voice_agent.livekit.server_files import ServerFiles
from voice_agent.livekit.server_ports import ServerPorts

__all__ = [
    "BINARY_ENV",
    "BIN_DIR_ENV",
    "DEFAULT_RUN_DIR",
    "LocalLiveKitServer",
    "find_livekit_server_binary",
]

MIN_SECRET_LENGTH = 32
"""livekit-server logs an error for shorter secrets outside ``--dev``."""

DEFAULT_RUN_DIR = Path.home() / ".cache" / "voice-agent" / "run"
"""Where servers started by ``voice-agent`` leave their pid files."""
_START_ATTEMPTS = 3
"""Restarts with fresh ports when a picked port was taken in the meantime."""


class LocalLiveKitServer:
    """A ``livekit-server`` child process bound to loopback, with its own keys and ports.

    Usable as a context manager (``with``) and an async context manager (``async with``,
    which starts and stops it in a worker thread).
    """

    def __init__(
        self,
        *,
        binary: str | Path,
        api_key: str,
        api_secret: str,
        host: str = "127.0.0.1",
        port: int | None = None,
        rtc_tcp_port: int | None = None,
        rtc_udp_port: int | None = None,
        webhook_urls: Sequence[str] = (),
        log_file: str | Path | None = None,
        work_dir: str | Path | None = None,
        departure_timeout_secs: int = 20,
        startup_timeout_secs: float = 20.0,
        drain_secs: float = 1.0,
        stop_timeout_secs: float = 5.0,
        pid_dir: str | Path | None = None,
        redis_address: str | None = None,
    ) -> None:
        """Configure the server; nothing starts before :meth:`start`.

        Args:
            binary: Path of ``livekit-server`` (see :func:`find_livekit_server_binary`).
            api_key: The one API key the server accepts.
            api_secret: Its secret (at least 32 characters).
            host: Address to bind and to advertise to clients.
            port: HTTP/WebSocket port; ``None`` picks a free one.
            rtc_tcp_port: ICE-over-TCP port; ``None`` picks a free one.
            rtc_udp_port: The single UDP port for media (UDP mux); ``None`` picks a free one.
            webhook_urls: URLs the server POSTs webhook events to, signed with ``api_key``.
            log_file: Where the server's output goes; default ``<work_dir>/livekit-server.log``.
            work_dir: Directory for the config and log; default a fresh temporary directory,
                removed by :meth:`stop` (kept when start fails, for its log).
            departure_timeout_secs: Seconds a room lives on after its last participant left.
            startup_timeout_secs: Seconds to wait for the HTTP port to answer.
            drain_secs: Seconds the first SIGTERM gets to drain (LiveKit's graceful stop often
                takes longer: it waits for participants and HTTP shutdown).
            stop_timeout_secs: Seconds the forcing second SIGTERM gets before SIGKILL.
            pid_dir: Where to keep ``livekit-server-<port>.pid`` while it runs; a server
                left behind by a process that was killed (``kill -9``) is found there and
                stopped at the next start. ``None``: no pid file.
            redis_address: ``host:port`` of the Redis shared by every node of a cluster
                (LiveKit's multi-node mode); ``None``: a single node.
        """
        if len(api_secret) < MIN_SECRET_LENGTH:
            raise LiveKitServerError(
                f"api_secret must have at least {MIN_SECRET_LENGTH} characters",
                code="weak_secret",
            )
        self._binary = Path(binary)
        self._api_key = api_key
        self._api_secret = api_secret
        self._host = host
        self._ports = ServerPorts(host, http=port, rtc_tcp=rtc_tcp_port, rtc_udp=rtc_udp_port)
        self._webhook_urls = list(webhook_urls)
        self._files = ServerFiles(work_dir=work_dir, log_file=log_file, pid_dir=pid_dir)
        self._departure_timeout_secs = departure_timeout_secs
        self._startup_timeout_secs = startup_timeout_secs
        self._drain_secs = drain_secs
        self._stop_timeout_secs = stop_timeout_secs
        self._redis_address = redis_address
        self._child: ServerChild | None = None

    @property
    def url(self) -> str:
        """WebSocket URL for clients, e.g. ``ws://127.0.0.1:7880``."""
        return f"ws://{self._host}:{self._ports.require_http()}"

    @property
    def http_url(self) -> str:
        """HTTP URL of the same port (RoomService API, health check)."""
        return f"http://{self._host}:{self._ports.require_http()}"

    @property
    def api_key(self) -> str:
        """The API key the server accepts."""
        return self._api_key

    @property
    def api_secret(self) -> str:
        """The secret of :attr:`api_key`."""
        return self._api_secret

    @property
    def port(self) -> int:
        """HTTP/WebSocket port (known once started, or when given)."""
        return self._ports.require_http()

    @property
    def rtc_ports(self) -> tuple[int | None, int | None]:
        """``(tcp, udp)`` media ports."""
        return self._ports.rtc_tcp, self._ports.rtc_udp

    @property
    def config_file(self) -> Path:
        """The YAML config written at start."""
        return self._files.config_file

    @property
    def log_file(self) -> Path:
        """The server's combined stdout and stderr."""
        return self._files.log_file

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs."""
        return self._child.process.pid if self._child is not None else None

    @property
    def pid_file(self) -> Path | None:
        """``<pid_dir>/livekit-server-<port>.pid`` (``None`` without a pid directory)."""
        return self._files.pid_file(self._ports.http)

    @property
    def running(self) -> bool:
        """True while the child process is alive."""
        return self._child is not None and self._child.running

    def config(self) -> dict[str, Any]:
        """The livekit-server configuration this instance runs with."""
        return server_config(
            host=self._host,
            port=self._ports.require_http(),
            rtc_ports=(self._ports.rtc_tcp, self._ports.rtc_udp),
            keys={self._api_key: self._api_secret},
            departure_timeout_secs=self._departure_timeout_secs,
            redis_address=self._redis_address,
            webhook_urls=self._webhook_urls,
        )

    def start(self) -> None:
        """Start the server and return once it accepts connections.

        Raises:
            LiveKitServerError: The process exited or did not answer in time; the message
                ends with the tail of its log.
        """
        if self.running:
            return
        for attempt in range(1, _START_ATTEMPTS + 1):
            self._ports.choose()
            stop_stale_server(self.pid_file, timeout_secs=self._stop_timeout_secs)
            try:
                ensure_port_free(self._host, self._ports.require_http())
            except LiveKitServerError:
                if not self._ports.http_given and attempt < _START_ATTEMPTS:
                    continue  # a picked port was taken in the meantime: pick again
                raise
            self._spawn()
            try:
                self._wait_until_ready()
                return
            except LiveKitServerError as e:
                self._terminate()
                port_clash = "address already in use" in e.message.lower()
                if not (port_clash and self._ports.any_picked and attempt < _START_ATTEMPTS):
                    raise
                logger.warning("livekit-server: a picked port was taken, retrying with new ports")

    def restart(self) -> None:
        """Start again on the same ports (after the process died), so clients can rejoin.

        Raises:
            LiveKitServerError: It did not come back.
        """
        self._terminate()
        self._ports.keep()
        self.start()

    def stop(self) -> None:
        """Stop the server: SIGTERM, then a forcing second SIGTERM, then SIGKILL."""
        if self._child is None:
            return
        self._terminate()
        logger.info("livekit-server on port {} stopped", self._ports.http)
        self._files.clean_up()

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last ``lines`` lines of the server log (empty if there is none yet)."""
        return self._files.log_tail(lines)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.start)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)

    def _spawn(self) -> None:
        if not is_executable(self._binary):
            raise LiveKitBinaryNotFoundError(
                f"livekit-server is not an executable file: {self._binary}; {INSTALL_HINT}"
            )
        self._files.write_config(self.config())
        logger.info(
            "starting livekit-server on {} (rtc tcp {}, udp {}), log {}",
            self.url,
            self._ports.rtc_tcp,
            self._ports.rtc_udp,
            self.log_file,
        )
        self._child = ServerChild.start(
            self._binary, host=self._host, files=self._files, port=self._ports.http
        )

    def _wait_until_ready(self) -> None:
        assert self._child is not None
        self._child.wait_until_ready(self.http_url, timeout_secs=self._startup_timeout_secs)
        logger.info("livekit-server ready on {}", self.url)

    def _terminate(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.stop(drain_secs=self._drain_secs, stop_timeout_secs=self._stop_timeout_secs)
