"""No livekit-server outlives its owner or answers in a new one's place.

- :func:`die_with_parent` (run in the child before exec) asks Linux to SIGKILL the server
  when the process that started it dies, even by ``kill -9``.
- :func:`stop_stale_server` stops a server a killed owner left behind, found through its
  pid file (when the first guard could not act, e.g. an older version started it).
- :func:`ensure_port_free` refuses to start when anything already answers on the port, so
  "ready" is never reported against another process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import time
from pathlib import Path

from loguru import logger

from voice_agent.livekit.errors import LiveKitServerError

BINARY_NAME = "livekit-server"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """In the child before exec: get SIGKILL when the parent dies, even by ``kill -9``.

    Linux ties this to the thread that forked; servers are started from the main thread
    or the event loop's long-lived executor threads.
    """
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def stop_stale_server(pid_file: Path | None, *, timeout_secs: float) -> None:
    """SIGKILL the livekit-server named in ``pid_file`` if it still runs; remove the file."""
    if pid_file is None or not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text("utf-8").strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        pid_file.unlink(missing_ok=True)  # gone already, or not ours to read
        return
    if BINARY_NAME.encode() not in command:
        pid_file.unlink(missing_ok=True)  # the pid was reused by something else
        return
    logger.warning("a livekit-server (pid {}) left behind by an earlier run: stopping it", pid)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout_secs
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.05)
    pid_file.unlink(missing_ok=True)


def ensure_port_free(host: str, port: int) -> None:
    """Raise :class:`LiveKitServerError` (``port_in_use``) when something answers there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        in_use = probe.connect_ex((host, port)) == 0
    if in_use:
        raise LiveKitServerError(
            f"port {port} on {host} is already in use by another process (an earlier "
            "livekit-server?); stop it, or choose another port in livekit.url",
            code="port_in_use",
        )
