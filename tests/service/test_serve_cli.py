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
from typing import IO, Any

import httpx
import pytest

from voice_agent.livekit.server_ports import pick_free_port

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
    process, ready = start_serve(env, log)
    try:
        assert ready["livekit_url"] == f"ws://127.0.0.1:{livekit_port}"
        assert "voice-agent clerk --room store-SH-01-clerk-ana" in ready["clerk_command"]
        assert "--token" in ready["clerk_command"]
        assert f"{ready['api_url']}/v1/tokens" in ready["token_curl"]

        health = httpx.get(f"{ready['api_url']}/healthz", timeout=5)
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"
        assert set(health.json()["checks"]) == {"livekit", "agent", "models"}
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


def start_serve(
    env: dict[str, str], log: IO[str], *, within_secs: float = 90
) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    """Run `voice-agent serve --json` and read the document it prints once ready."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVE, "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + within_secs
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("}"):
            break
    if not lines:
        process.kill()
        process.wait()
        log.flush()
        raise AssertionError(f"serve printed nothing; its log:\n{Path(log.name).read_text()}")
    try:
        return process, json.loads("".join(lines))
    except json.JSONDecodeError as e:
        process.kill()
        process.wait()
        log.flush()
        raise AssertionError(
            f"serve printed no JSON document ({e}):\n{''.join(lines)}\n"
            f"its log:\n{Path(log.name).read_text()[-3000:]}"
        ) from e


def test_after_serve_is_killed_no_livekit_is_left_and_the_next_serve_works(
    livekit_binary: Path, tmp_path: Path
) -> None:
    livekit_port = pick_free_port()
    env = {
        **os.environ,
        "VOICE_AGENT_STORAGE__DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VOICE_AGENT_LIVEKIT__URL": f"ws://127.0.0.1:{livekit_port}",
        "VOICE_AGENT_LIVEKIT__BINARY": str(livekit_binary),
    }
    processes: list[subprocess.Popen[str]] = []
    with (tmp_path / "serve.log").open("w") as log:
        try:
            first, _ready = start_serve(env, log)
            processes.append(first)
            assert port_open(livekit_port)
            first.kill()  # SIGKILL: no chance to stop its children
            first.wait(timeout=10)
            deadline = time.monotonic() + 15
            while port_open(livekit_port) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not port_open(livekit_port), "livekit-server outlived the killed service"

            second, ready = start_serve(env, log)
            processes.append(second)
            assert ready["livekit_url"] == f"ws://127.0.0.1:{livekit_port}"
            health = httpx.get(f"{ready['api_url']}/healthz", timeout=5)
            assert health.status_code == 200, health.text
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=20) == 0
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    assert not port_open(livekit_port)


def test_the_readme_s_first_command_answers_a_clerk_over_a_real_room(
    livekit_binary: Path, tmp_path: Path
) -> None:
    # `voice-agent serve --once-demo`: everything on free ports, offline, a clerk asks by
    # voice and the command prints what the clerk heard.
    env = {
        **os.environ,
        "VOICE_AGENT_STORAGE__DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VOICE_AGENT_LIVEKIT__BINARY": str(livekit_binary),
    }
    demo = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "serve", "--once-demo", "--json"]
        + ["--demo-dir", str(tmp_path / "demo")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr[-4000:]
    result = json.loads(demo.stdout)
    assert result["ok"] is True and result["replied"] is True and result["why_not"] is None
    assert "AX-200" in result["answer"] and "20 percent" in result["answer"]
    assert "20" in result["heard"], result["heard"]  # the discount reached the clerk's ear
    assert Path(result["heard_wav"]).stat().st_size > 0
    # The job never calls ctx.connect() by design: LiveKit's warning about it is not logged.
    assert "connection was not established" not in demo.stderr
