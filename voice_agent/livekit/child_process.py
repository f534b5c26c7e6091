"""The life of a server child process: start it, wait until its HTTP port answers, stop it.

:class:`ServerChild` is one run of ``livekit-server``: its process, its open log and its pid
file. A LiveKit server drains on a first SIGTERM (it waits for participants), stops on a
second one and is killed after that; :func:`stop_in_steps` does the three.
"""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import IO

from loguru import logger

from voice_agent.livekit.errors import LiveKitServerError
from voice_agent.livekit.process_guard import die_with_parent
from voice_agent.livekit.server_config import server_environment
from voice_agent.livekit.server_files import ServerFiles

LOG_TAIL_LINES = 30
"""Lines of the server log a start failure shows."""


class ServerChild:
    """One started ``livekit-server`` process, with its log open and its pid file written."""

    def __init__(
        self, process: subprocess.Popen[bytes], log: IO[bytes], files: ServerFiles, port: int | None
    ) -> None:
        self.process = process
        self._log = log
        self._files = files
        self._port = port

    @classmethod
    def start(cls, binary: Path, *, host: str, files: ServerFiles, port: int | None) -> ServerChild:
        """Run ``binary`` with the config in ``files``, its output going to their log."""
        log = files.open_log()
        command = [str(binary), "--config", str(files.config_file), "--bind", host]
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(),
            start_new_session=True,  # a Ctrl-C in the terminal is ours to forward
            preexec_fn=die_with_parent,
        )
        files.write_pid(port, process.pid)
        return cls(process, log, files, port)

    @property
    def running(self) -> bool:
        """True while the process is alive."""
        return self.process.poll() is None

    def wait_until_ready(self, url: str, *, timeout_secs: float) -> None:
        """Return once ``url`` answers while the process runs.

        Raises:
            LiveKitServerError: The process exited first, or ``url`` did not answer within
                ``timeout_secs``; the message ends with the tail of the log.
        """
        log_file = self._files.log_file

        def exited(code: int) -> Exception:
            return LiveKitServerError(
                f"livekit-server exited with code {code} during startup; "
                f"log {log_file}:\n{self._files.log_tail(LOG_TAIL_LINES)}",
                code="start_failed",
            )

        def timed_out() -> Exception:
            return LiveKitServerError(
                f"livekit-server did not answer on {url} within {timeout_secs:.0f} s; "
                f"log {log_file}:\n{self._files.log_tail(LOG_TAIL_LINES)}",
                code="start_timeout",
                retryable=True,
            )

        wait_until_answering(
            self.process, url, timeout_secs=timeout_secs, on_exit=exited, on_timeout=timed_out
        )

    def stop(self, *, drain_secs: float, stop_timeout_secs: float) -> None:
        """Stop the process in steps (:func:`stop_in_steps`), close its log, remove its pid."""
        stop_in_steps(
            self.process,
            drain_secs=drain_secs,
            stop_timeout_secs=stop_timeout_secs,
            name="livekit-server",
        )
        self._log.close()
        self._files.remove_pid(self._port, self.process.pid)


def wait_until_answering(
    process: subprocess.Popen[bytes],
    url: str,
    *,
    timeout_secs: float,
    on_exit: Callable[[int], Exception],
    on_timeout: Callable[[], Exception],
) -> None:
    """Return once ``url`` answers 200 while ``process`` runs.

    Raises:
        Exception: ``on_exit(code)`` when the process exited first, ``on_timeout()`` when
            ``url`` did not answer within ``timeout_secs``.
    """
    deadline = time.monotonic() + timeout_secs
    while True:
        code = process.poll()
        if code is not None:
            raise on_exit(code)
        try:
            with urllib.request.urlopen(url, timeout=1.0) as response:
                if response.status == 200 and process.poll() is None:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise on_timeout()
        time.sleep(0.05)


def stop_in_steps(
    process: subprocess.Popen[bytes], *, drain_secs: float, stop_timeout_secs: float, name: str
) -> None:
    """SIGTERM (drain for ``drain_secs``), a forcing second SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    steps = (
        ("SIGTERM", signal.SIGTERM, drain_secs),
        ("forcing SIGTERM", signal.SIGTERM, stop_timeout_secs),
        ("SIGKILL", signal.SIGKILL, None),
    )
    for step, sig, timeout in steps:
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            logger.debug("{} still running {:.1f} s after {}", name, timeout, step)
    process.wait()
