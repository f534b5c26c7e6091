"""Where the ``livekit-server`` binary is.

Configured, named in the environment, installed by ``scripts/install_livekit_server.sh``,
or on ``PATH``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from voice_agent.livekit.errors import LiveKitBinaryNotFoundError
from voice_agent.livekit.process_guard import BINARY_NAME

BINARY_ENV = "VOICE_AGENT_LIVEKIT_BINARY"
"""Environment variable naming the binary explicitly."""
BIN_DIR_ENV = "LIVEKIT_BIN_DIR"
"""The install script's target directory (``scripts/install_livekit_server.sh`` reads it too)."""
DEFAULT_BIN_DIR = Path.home() / ".cache" / "voice-agent" / "bin"
INSTALL_HINT = "build it with scripts/install_livekit_server.sh (needs Go >= 1.26)"


def is_executable(path: Path) -> bool:
    """``path`` is a file this process may execute."""
    return path.is_file() and os.access(path, os.X_OK)


def default_binary_path() -> Path:
    """Where ``scripts/install_livekit_server.sh`` installs the binary."""
    bin_dir = os.environ.get(BIN_DIR_ENV)
    return (Path(bin_dir) if bin_dir else DEFAULT_BIN_DIR) / BINARY_NAME


def find_livekit_server_binary(configured: str | Path | None = None) -> Path:
    """Locate ``livekit-server``.

    Looks at, in order: ``configured`` (the settings value), ``$VOICE_AGENT_LIVEKIT_BINARY``,
    the install script's directory (``$LIVEKIT_BIN_DIR`` or ``~/.cache/voice-agent/bin``),
    then ``PATH``. A path named explicitly (argument or environment) must exist.

    Raises:
        LiveKitBinaryNotFoundError: Nothing found; the message says how to build it.
    """
    for origin, value in (("configured", configured), (BINARY_ENV, os.environ.get(BINARY_ENV))):
        if value:
            path = Path(value).expanduser()
            if not is_executable(path):
                raise LiveKitBinaryNotFoundError(
                    f"livekit-server from {origin} is not an executable file: {path}; "
                    f"{INSTALL_HINT}"
                )
            return path
    installed = default_binary_path()
    if is_executable(installed):
        return installed
    on_path = shutil.which(BINARY_NAME)
    if on_path:
        return Path(on_path)
    raise LiveKitBinaryNotFoundError(
        f"livekit-server not found (looked at ${BINARY_ENV}, {installed} and PATH); {INSTALL_HINT}"
    )
