"""Where a local ``livekit-server`` keeps its files: config, log and pid file.

The config holds the API secret, so it is written readable by its owner only. A work
directory of our own (none was given) is a fresh temporary one, removed with what is in it
when the server stops; a given one is kept.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

import yaml


class ServerFiles:
    """The files of one server.

    Args:
        work_dir: Directory for the config and log; ``None``: a fresh temporary directory,
            made when first needed and removed by :meth:`clean_up`.
        log_file: Where the server's output goes; ``None``: ``<work_dir>/livekit-server.log``.
        pid_dir: Where to keep ``livekit-server-<port>.pid`` while the server runs;
            ``None``: no pid file.
    """

    def __init__(
        self,
        *,
        work_dir: str | Path | None = None,
        log_file: str | Path | None = None,
        pid_dir: str | Path | None = None,
    ) -> None:
        self._work_dir = Path(work_dir) if work_dir else None
        self._owns_work_dir = work_dir is None
        self._log_file = Path(log_file) if log_file else None
        self._pid_dir = Path(pid_dir) if pid_dir else None

    @property
    def config_file(self) -> Path:
        """The YAML config the server is started with."""
        return self._dir() / "livekit.yaml"

    @property
    def log_file(self) -> Path:
        """The server's combined stdout and stderr."""
        return self._log_file or self._dir() / "livekit-server.log"

    def pid_file(self, port: int | None) -> Path | None:
        """``<pid_dir>/livekit-server-<port>.pid`` (``None`` without a pid directory or port)."""
        if self._pid_dir is None or port is None:
            return None
        return self._pid_dir / f"livekit-server-{port}.pid"

    def write_config(self, config: dict[str, Any]) -> Path:
        """Write ``config`` as the server's YAML config, readable by its owner only."""
        path = self.config_file
        path.write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
        path.chmod(0o600)  # it holds the API secret
        return path

    def open_log(self) -> IO[bytes]:
        """The log file, opened for the server to append to."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        return self.log_file.open("ab")

    def log_tail(self, lines: int) -> str:
        """The last ``lines`` lines of the log (empty if there is none yet)."""
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def write_pid(self, port: int | None, pid: int) -> None:
        """Note that ``pid`` serves ``port`` (nothing without a pid directory)."""
        pid_file = self.pid_file(port)
        if pid_file is not None:
            pid_file.parent.mkdir(parents=True, exist_ok=True)
            pid_file.write_text(f"{pid}\n", "utf-8")

    def remove_pid(self, port: int | None, pid: int) -> None:
        """Remove the pid file of ``port`` if it still names ``pid`` (not a newer server's)."""
        pid_file = self.pid_file(port)
        if pid_file is not None:
            with contextlib.suppress(OSError):
                if pid_file.read_text("utf-8").strip() == str(pid):
                    pid_file.unlink()

    def clean_up(self) -> None:
        """Remove our own temporary directory (config with the secret, and log)."""
        if self._owns_work_dir and self._work_dir is not None and self._log_file is None:
            shutil.rmtree(self._work_dir, ignore_errors=True)
            self._work_dir = None

    def _dir(self) -> Path:
        if self._work_dir is None:
            self._work_dir = Path(tempfile.mkdtemp(prefix="livekit-server-"))
        self._work_dir.mkdir(parents=True, exist_ok=True)
        return self._work_dir
