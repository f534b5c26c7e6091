"""Which LiveKit the store service uses: a local ``livekit-server`` it runs, or a deployment.

:class:`LocalLiveKit` says how to run the local server; :func:`local_server` configures it
with the ``[livekit]`` keys and the service's webhook URL; :func:`remote_endpoint` is a
deployment's address and keys (its webhook must be configured to POST to the service).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from loguru import logger

from voice_agent.agent.transport import LiveKitEndpoint
from voice_agent.livekit.server import DEFAULT_RUN_DIR, LocalLiveKitServer
from voice_agent.settings import LiveKitSettings


@dataclass(frozen=True, slots=True)
class LocalLiveKit:
    """How to run the local ``livekit-server``."""

    binary: Path
    port: int | None = None
    """HTTP/WebSocket port; ``None`` picks a free one."""
    work_dir: Path | None = None
    """Config and log directory; ``None``: a temporary one."""
    departure_timeout_secs: int = 20
    pid_dir: Path | None = DEFAULT_RUN_DIR
    """Where the server's pid file lives (see :class:`LocalLiveKitServer`)."""


def remote_endpoint(livekit: LiveKitSettings, webhook_url: str) -> LiveKitEndpoint:
    """The deployment at ``livekit.url``; logs where its webhook must POST to."""
    logger.info(
        "using the LiveKit server at {}; configure its webhook to POST to {}",
        livekit.url,
        webhook_url,
    )
    return LiveKitEndpoint(
        url=livekit.url, api_key=livekit.api_key, api_secret=livekit.api_secret.get_secret_value()
    )


def local_server(
    livekit: LiveKitSettings, local: LocalLiveKit, webhook_url: str
) -> LocalLiveKitServer:
    """The local server (not started) on ``livekit.url``'s host, posting to ``webhook_url``."""
    return LocalLiveKitServer(
        binary=local.binary,
        api_key=livekit.api_key,
        api_secret=livekit.api_secret.get_secret_value(),
        host=urlparse(livekit.url).hostname or "127.0.0.1",
        port=local.port,
        webhook_urls=[webhook_url],
        work_dir=local.work_dir,
        departure_timeout_secs=local.departure_timeout_secs,
        pid_dir=local.pid_dir,
    )
