"""``voice-agent serve`` follows publications: broken start-up files, edits while it runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.storage.knowledge_helpers import copy_sample, weekend_text, write_weekend
from voice_agent.livekit.server_ports import pick_free_port

ROOT = Path(__file__).resolve().parents[2]
HQ = {"X-API-Key": "dev-hq-admin-key-0005"}


def _env(database_url: str, kb_dir: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "VOICE_AGENT_STORAGE__DATABASE_URL": database_url,
        "VOICE_AGENT_KNOWLEDGE_BASE__PATH": str(kb_dir),
        "VOICE_AGENT_KNOWLEDGE_BASE__POLL_INTERVAL_SECS": "0.2",
        **extra,
    }


@pytest.mark.slow
def test_broken_files_with_nothing_published_exit_2_naming_file_line_and_field(
    database_url: str, tmp_path: Path
) -> None:
    kb_dir = copy_sample(tmp_path / "kb")
    write_weekend(kb_dir, weekend_text(kb_dir, percent=-1, version=2))
    done = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "serve", "--port", "0"],
        env=_env(database_url, kb_dir),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 2, done.stderr
    assert "promotions/weekend-running.yaml:15: error: rules[0].percent:" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.slow
@pytest.mark.livekit
def test_a_valid_edit_while_serve_runs_is_published_and_listed(
    database_url: str, livekit_binary: Path, tmp_path: Path
) -> None:
    kb_dir = copy_sample(tmp_path / "kb")
    env = _env(
        database_url,
        kb_dir,
        VOICE_AGENT_LIVEKIT__URL=f"ws://127.0.0.1:{pick_free_port()}",
        VOICE_AGENT_LIVEKIT__BINARY=str(livekit_binary),
    )
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "voice_agent.cli", "serve", "--port", "0", "--json"],
        stdout=subprocess.PIPE,
        stderr=log,
        env=env,
        cwd=tmp_path,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("}"):
                break
        assert lines, (tmp_path / "serve.log").read_text()
        api = json.loads("".join(lines))["api_url"]
        first = httpx.get(f"{api}/v1/publications", headers=HQ, timeout=5).json()
        assert [p["published_by"] for p in first["publications"]] == ["file-watch"]

        write_weekend(kb_dir, weekend_text(kb_dir, percent=25, version=3))
        deadline = time.monotonic() + 20
        publications = first["publications"]
        while time.monotonic() < deadline and len(publications) < 2:
            time.sleep(0.2)
            listed = httpx.get(f"{api}/v1/publications", headers=HQ, timeout=5)
            publications = listed.json()["publications"]
        assert len(publications) == 2, (tmp_path / "serve.log").read_text()
        edit = publications[-1]
        assert (edit["published_by"], edit["urgent"]) == ("file-watch", False)
        assert [(v["promotion_id"], v["version"]) for v in edit["versions"]] == [
            ("weekend-running", 3)
        ]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()
