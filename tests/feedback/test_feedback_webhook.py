"""Alerts pushed to a real local HTTP receiver, signed; the receiver can verify them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from datetime import UTC, datetime

import pytest

from knowledge_base.feedback.anomalies import Alert, AlertRule
from voice_agent.feedback.webhook import AlertWebhook
from voice_agent.signed_webhook import SIGNATURE_HEADER, WebhookError, sign, verify

SECRET = "a-shared-secret-for-tests"
ALERT = Alert(
    rule=AlertRule.STOCK_OUT_SPREAD, key="AX-200", message="AX-200 out at 3 stores.",
    first_at=datetime(2026, 11, 28, 7, 0, tzinfo=UTC),
    last_at=datetime(2026, 11, 28, 7, 30, tzinfo=UTC),
    stores=["HZ-01", "SH-01", "SH-02"], record_ids=["r1", "r2", "r3"],
)  # fmt: skip


class Receiver:
    """A loopback HTTP/1.1 server that keeps each request and answers with ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> Receiver:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/alerts"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")[1:]
        headers = {
            k.strip().lower(): v.strip()
            for k, _, v in (line.partition(":") for line in lines if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.requests.append((headers, body))
        writer.write(
            f"HTTP/1.1 {self.status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def test_an_alert_is_posted_as_signed_json() -> None:
    async with Receiver() as receiver:
        await AlertWebhook(url=receiver.url, secret=SECRET).send(ALERT)
    [(headers, body)] = receiver.requests
    document = json.loads(body)
    assert document["rule"] == "stock_out_spread" and document["key"] == "AX-200"
    assert document["stores"] == ["HZ-01", "SH-01", "SH-02"]
    assert verify(body, headers[SIGNATURE_HEADER.lower()], SECRET)
    assert not verify(body, headers[SIGNATURE_HEADER.lower()], "another-secret")
    assert not verify(body + b" ", headers[SIGNATURE_HEADER.lower()], SECRET)


async def test_a_receiver_error_is_reported_with_its_status() -> None:
    async with Receiver(status=500) as receiver:
        with pytest.raises(WebhookError) as caught:
            await AlertWebhook(url=receiver.url, secret=SECRET).send(ALERT)
    assert caught.value.status == 500 and caught.value.code == "webhook_failed"


async def test_an_unreachable_receiver_is_a_webhook_error() -> None:
    with pytest.raises(WebhookError):
        await AlertWebhook(url="http://127.0.0.1:9/alerts", secret=SECRET).send(ALERT)


def test_a_stale_signature_is_refused() -> None:
    header = sign(b"{}", SECRET, timestamp=1_000_000)
    assert verify(b"{}", header, SECRET, now=1_000_100)
    assert not verify(b"{}", header, SECRET, now=1_000_000 + 3600)
    assert not verify(b"{}", "garbage", SECRET)


def test_a_webhook_needs_a_secret() -> None:
    with pytest.raises(ValueError):
        AlertWebhook(url="http://127.0.0.1:9/", secret="")


def test_the_webhook_comes_from_settings_and_needs_its_secret() -> None:
    from pydantic import SecretStr

    from voice_agent.feedback.factory import build_alert_webhook
    from voice_agent.settings import load_settings

    settings = load_settings()
    assert build_alert_webhook(settings) is None
    feedback = settings.feedback.model_copy(update={"webhook_url": "http://127.0.0.1:9/a"})
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        build_alert_webhook(settings.model_copy(update={"feedback": feedback}))
    signed = feedback.model_copy(update={"webhook_secret": SecretStr(SECRET)})
    assert build_alert_webhook(settings.model_copy(update={"feedback": signed})) is not None


def test_a_webhook_url_without_a_secret_is_a_settings_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from voice_agent.settings import load_settings

    monkeypatch.setenv("VOICE_AGENT_FEEDBACK__WEBHOOK_URL", "http://127.0.0.1:9/alerts")
    with pytest.raises(ValueError, match="VOICE_AGENT_FEEDBACK__WEBHOOK_SECRET"):
        load_settings()
    monkeypatch.setenv("VOICE_AGENT_FEEDBACK__WEBHOOK_SECRET", "")
    with pytest.raises(ValueError, match="feedback.webhook_secret is required"):
        load_settings()


def test_a_worker_with_a_webhook_url_but_no_secret_exits_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import typer
    from typer.testing import CliRunner

    from voice_agent.cli.worker import register

    app = typer.Typer()
    register(app)
    app.command("unused")(lambda: None)  # a second command keeps "worker" a subcommand
    monkeypatch.setenv("VOICE_AGENT_FEEDBACK__WEBHOOK_URL", "http://127.0.0.1:9/alerts")
    result = CliRunner().invoke(app, ["worker", "--json"])
    assert result.exit_code == 2, result.output
    assert "feedback.webhook_secret is required" in result.output
    assert "Traceback" not in result.output
