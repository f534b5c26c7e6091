"""``voice-agent token`` and ``voice-agent clerk`` as a user runs them."""

import json
from pathlib import Path

import pytest
import typer
from livekit import api
from livekit_helpers import speech_like, write_wav
from typer.testing import CliRunner

from voice_agent.cli.clerk import register
from voice_agent.livekit.server import LocalLiveKitServer

KEY, SECRET = "cli-key", "c" * 40


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VOICE_AGENT_LIVEKIT__API_KEY", KEY)
    monkeypatch.setenv("VOICE_AGENT_LIVEKIT__API_SECRET", SECRET)


def test_token_for_a_clerk_opens_their_own_room(app: typer.Typer, keys: None) -> None:
    result = CliRunner().invoke(app, ["token", "--identity", "ana", "--store", "SH-01", "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["room"] == "store-SH-01-clerk-ana"
    claims = api.TokenVerifier(KEY, SECRET).verify(document["token"])
    assert claims.video is not None and claims.video.room == "store-SH-01-clerk-ana"


def test_token_for_a_regional_manager_checks_the_region(app: typer.Typer, keys: None) -> None:
    args = ["token", "--identity", "lin", "--role", "regional_manager", "--region", "east-china"]
    inside = CliRunner().invoke(app, [*args, "--room", "store-HZ-01-clerk-ana"])
    assert inside.exit_code == 0, inside.output
    claims = api.TokenVerifier(KEY, SECRET).verify(inside.output.strip())
    assert claims.attributes == {"role": "regional_manager", "region_id": "east-china"}
    outside = CliRunner().invoke(app, [*args, "--room", "store-SG-01-clerk-tan"])
    assert outside.exit_code == 2 and "not in their region" in outside.output


def test_token_usage_errors_exit_2_with_the_reason(app: typer.Typer, keys: None) -> None:
    no_store = CliRunner().invoke(app, ["token", "--identity", "ana"])
    assert no_store.exit_code == 2 and "needs --store" in no_store.output
    bad_role = CliRunner().invoke(app, ["token", "--identity", "ana", "--role", "boss"])
    assert bad_role.exit_code == 2 and "unknown role" in bad_role.output


def test_clerk_with_an_unreadable_file_exits_2(
    app: typer.Typer, keys: None, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.wav"
    result = CliRunner().invoke(
        app, ["clerk", "--room", "store-SH-01-clerk-ana", "--say", str(missing)]
    )
    assert result.exit_code == 2 and "missing.wav" in result.output


@pytest.mark.livekit
@pytest.mark.slow
def test_clerk_speaks_reports_json_and_exits_1_when_nobody_replies(
    app: typer.Typer,
    livekit_server: LocalLiveKitServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("VOICE_AGENT_LIVEKIT__URL", livekit_server.url)
    monkeypatch.setenv("VOICE_AGENT_LIVEKIT__API_KEY", livekit_server.api_key)
    monkeypatch.setenv("VOICE_AGENT_LIVEKIT__API_SECRET", livekit_server.api_secret)
    wav = write_wav(tmp_path / "q.wav", speech_like(0.5))
    args = ["clerk", "--room", "store-SH-01-clerk-cli", "--say", str(wav), "--json"]

    alone = CliRunner().invoke(app, [*args, "--reply-timeout", "0.3"])
    assert alone.exit_code == 1
    report = json.loads(alone.stdout)
    assert report["room"] == "store-SH-01-clerk-cli" and report["identity"] == "cli"
    assert report["utterances"][0]["reply_started_at"] is None

    no_wait = CliRunner().invoke(app, [*args, "--no-wait-reply"])
    assert no_wait.exit_code == 0, no_wait.output
    assert json.loads(no_wait.stdout)["utterances"][0]["audio_secs"] == 0.5
