"""``voice-agent serve`` as a process: it comes up, prints how to reach it, SIGTERM ends all."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from voice_agent.livekit.server import pick_free_port

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

# The command as `voice-agent serve` runs it, registered on an app of its own.
SERVE = (
    "import typer; from voice_agent.cli import serve; "
    "app = typer.Typer(add_completion=False); serve.register(app); "
    "app.command('noop')(lambda: None); app()"
)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_serve_prints_how_to_talk_to_it_and_sigterm_stops_api_and_livekit(
    livekit_binary: Path, tmp_path: Path
) -> None:
    livekit_port = pick_free_port()
    env = {
        **os.environ,
        "VOICE_AGENT_STORAGE__DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VOICE_AGENT_LIVEKIT__URL": f"ws://127.0.0.1:{livekit_port}",
        "VOICE_AGENT_LIVEKIT__BINARY": str(livekit_binary),
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("}"):
                break
        assert lines, (tmp_path / "serve.log").read_text()
        ready = json.loads("".join(lines))
        assert ready["livekit_url"] == f"ws://127.0.0.1:{livekit_port}"
        assert "voice-agent clerk --room store-SH-01-clerk-ana" in ready["clerk_command"]
        assert "--token" in ready["clerk_command"]
        assert f"{ready['api_url']}/v1/tokens" in ready["token_curl"]

        health = httpx.get(f"{ready['api_url']}/healthz", timeout=5)
        assert health.json() == {"status": "ok", "sessions": 0, "capacity": 10}
        minted = httpx.post(
            f"{ready['api_url']}/v1/tokens",
            headers={"X-API-Key": "dev-clerk-ana-key-0001"},
            json={},
            timeout=5,
        )
        assert minted.status_code == 201 and minted.json()["room"] == "store-SH-01-clerk-ana"
        assert port_open(livekit_port)

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
    assert not port_open(livekit_port), "livekit-server outlived the service"
    api_port = int(ready["api_url"].rsplit(":", 1)[1])
    assert not port_open(api_port)
