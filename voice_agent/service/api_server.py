"""The HTTP API served by uvicorn in the current event loop, on a socket bound beforehand.

:func:`bind_socket` comes first (so the port, and the webhook URL LiveKit must call, are
known before anything else starts); :class:`ApiServer` then serves the application on it.
uvicorn's own signal handling is switched off: the service's owner (``voice-agent serve``)
decides what Ctrl-C and SIGTERM do.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import uvicorn
from fastapi import FastAPI
from loguru import logger

from voice_agent.service.errors import ServiceError

_STOP_TIMEOUT_SECS = 5.0


class _Uvicorn(uvicorn.Server):
    """uvicorn without its signal handlers (the service's owner handles signals)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (``0``: a free port).

    Raises:
        ServiceError: The address is taken or not available (``code`` ``address_in_use``).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise ServiceError(
            f"cannot listen on {host}:{port}: {e.strerror}; choose another --port",
            code="address_in_use",
        ) from e
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class ApiServer:
    """One application served on one bound socket, from :meth:`start` to :meth:`stop`."""

    def __init__(self, app: FastAPI, sock: socket.socket) -> None:
        config = uvicorn.Config(
            app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=3
        )
        self._server = _Uvicorn(config)
        self._sock = sock
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve, and return once the application's lifespan has started.

        Raises:
            ServiceError: The server stopped before it started (``code`` ``api_failed``);
                what stopped it is raised instead when it raised.
        """
        server = self._server
        task = asyncio.create_task(server.serve(sockets=[self._sock]), name="http-api")
        self._task = task
        while not server.started:
            if task.done():
                task.result()  # raises what stopped it
                raise ServiceError("the HTTP API stopped during startup", code="api_failed")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        """Stop serving: gracefully, or by force after a few seconds (idempotent)."""
        task, self._task = self._task, None
        if task is None:
            return
        server = self._server
        server.should_exit = True
        _done, pending = await asyncio.wait({task}, timeout=_STOP_TIMEOUT_SECS)
        if pending:
            server.force_exit = True
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        logger.info("HTTP API stopped")
