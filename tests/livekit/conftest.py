"""Fixtures for the LiveKit tests: one real livekit-server per session, a webhook sink, audio.

The server is the binary built by ``scripts/install_livekit_server.sh``; without it the
tests that need it are skipped with that instruction (failed when VOICE_AGENT_REQUIRE_LIVEKIT=1).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from livekit_helpers import speech_like, write_wav

from voice_agent.livekit.server import LocalLiveKitServer

API_KEY = "test-key"
REQUIRE_ENV = "VOICE_AGENT_REQUIRE_LIVEKIT"


@dataclass
class ReceivedWebhook:
    """One POST the server made to the sink."""

    body: bytes
    authorization: str | None
    content_type: str | None


@dataclass
class WebhookSink:
    """A loopback HTTP server that stores every webhook request it gets."""

    url: str
    requests: list[ReceivedWebhook] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(
        self, predicate: Callable[[ReceivedWebhook], bool], timeout: float = 10.0
    ) -> ReceivedWebhook:
        """The first stored request matching ``predicate``, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for request in self.requests:
                    if predicate(request):
                        return request
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no matching webhook within {timeout} s; got {len(self.requests)}: "
                        + ", ".join(r.body[:80].decode(errors="replace") for r in self.requests)
                    )
                self.condition.wait(remaining)


@pytest.fixture(scope="session")
def webhook_sink() -> Iterator[WebhookSink]:
    sink: WebhookSink

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            received = ReceivedWebhook(
                body=self.rfile.read(length),
                authorization=self.headers.get("Authorization"),
                content_type=self.headers.get("Content-Type"),
            )
            with sink.condition:
                sink.requests.append(received)
                sink.condition.notify_all()
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink = WebhookSink(url=f"http://127.0.0.1:{httpd.server_address[1]}/livekit/webhook")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield sink
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def livekit_server(
    livekit_binary: Path, webhook_sink: WebhookSink, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalLiveKitServer]:
    """A real livekit-server on free loopback ports, webhooks going to ``webhook_sink``."""
    server = LocalLiveKitServer(
        binary=livekit_binary,
        api_key=API_KEY,
        api_secret=secrets.token_hex(24),
        webhook_urls=[webhook_sink.url],
        work_dir=tmp_path_factory.mktemp("livekit"),
        departure_timeout_secs=1,
        stop_timeout_secs=3.0,
    )
    with server:
        yield server


@pytest.fixture
def question_wav(tmp_path: Path) -> Path:
    """1.2 s of speech-like audio at 16 kHz mono."""
    return write_wav(tmp_path / "question.wav", speech_like(1.2))
