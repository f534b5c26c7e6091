"""The life of a server child process: wait until its HTTP port answers, stop it in steps.

A LiveKit server drains on a first SIGTERM (it waits for participants), stops on a second
one and is killed after that; :func:`stop_in_steps` does the three.
"""

from __future__ import annotations

import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable

from loguru import logger


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
