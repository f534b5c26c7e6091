"""Health of the whole chain: LiveKit reachable, the agent side ready, models loaded.

:class:`LiveKitMonitor` probes the LiveKit server's HTTP port every second. When the
server it owns (the local one) has died or stops answering, it restarts it on the same
ports, so the agent and the clerks can rejoin; a remote deployment is only reported.
``GET /healthz`` (see the health route) turns :func:`health_checks` into 200 or 503.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import httpx
from loguru import logger

from pipelines.speech_models import SpeechModels
from voice_agent.agent.health import CheckResult
from voice_agent.livekit.errors import LiveKitError
from voice_agent.livekit.server import LocalLiveKitServer


class LiveKitMonitor:
    """Watches one LiveKit server and restarts it if it is ours (see the module docstring).

    Args:
        http_url: The server's HTTP URL (``http://host:port``).
        local: The server process this service owns; ``None`` for a remote deployment.
        interval_secs: Seconds between probes.
        probe_timeout_secs: A probe slower than this fails.
        failures_before_restart: Failed probes in a row before a live but silent local
            server is restarted (a dead one is restarted at once).
    """

    def __init__(
        self,
        *,
        http_url: str,
        local: LocalLiveKitServer | None = None,
        interval_secs: float = 1.0,
        probe_timeout_secs: float = 2.0,
        failures_before_restart: int = 3,
    ) -> None:
        self._http_url = http_url
        self._local = local
        self._interval = interval_secs
        self._probe_timeout = probe_timeout_secs
        self._failures_before_restart = failures_before_restart
        self._status = CheckResult(ok=True, detail=f"not probed yet ({http_url})")
        self.restarts = 0
        """Times the local server was restarted."""
        self.down_since: float | None = None
        """Monotonic time of the first failed probe of the current outage."""

    @property
    def status(self) -> CheckResult:
        """The last probe's verdict."""
        return self._status

    async def run(self) -> None:
        """Probe until cancelled."""
        failures = 0
        async with httpx.AsyncClient(timeout=self._probe_timeout) as client:
            while True:
                problem = await self._probe(client)
                if problem is None:
                    if self.down_since is not None:
                        logger.info(
                            "LiveKit at {} is back after {:.1f} s",
                            self._http_url,
                            time.monotonic() - self.down_since,
                        )
                    failures, self.down_since = 0, None
                    self._status = CheckResult(ok=True, detail=f"reachable at {self._http_url}")
                else:
                    failures += 1
                    if self.down_since is None:
                        self.down_since = time.monotonic()
                        logger.error("LiveKit at {} is down: {}", self._http_url, problem)
                    self._status = CheckResult(ok=False, detail=problem)
                    if self._should_restart(failures):
                        await self._restart()
                        failures = 0
                        continue
                await asyncio.sleep(self._interval)

    async def _probe(self, client: httpx.AsyncClient) -> str | None:
        local = self._local
        if local is not None and not local.running:
            return "the local livekit-server process is not running"
        try:
            response = await client.get(self._http_url)
        except httpx.HTTPError as e:
            return f"not reachable at {self._http_url}: {type(e).__name__}"
        if response.status_code != 200:
            return f"{self._http_url} answered {response.status_code}"
        return None

    def _should_restart(self, failures: int) -> bool:
        local = self._local
        if local is None:
            return False
        return not local.running or failures >= self._failures_before_restart

    async def _restart(self) -> None:
        assert self._local is not None
        logger.warning("restarting the local livekit-server on the same ports")
        self._status = CheckResult(ok=False, detail="the local livekit-server is restarting")
        try:
            await asyncio.to_thread(self._local.restart)
        except LiveKitError as e:
            logger.error("livekit-server did not restart: {} ({})", e.message, e.code)
            self._status = CheckResult(ok=False, detail=f"restart failed: {e.message}")
            await asyncio.sleep(self._interval)
            return
        self.restarts += 1


def models_check(models: SpeechModels) -> CheckResult:
    """Whisper, Piper and Silero are loaded."""
    missing = [
        name for name in ("whisper", "piper", "silero") if getattr(models, name, None) is None
    ]
    if missing:
        return CheckResult(ok=False, detail="not loaded: " + ", ".join(missing))
    return CheckResult(ok=True, detail="whisper, piper and silero loaded")


HealthSource = Callable[[], dict[str, CheckResult]]
"""Returns the current check of every link, by name."""
