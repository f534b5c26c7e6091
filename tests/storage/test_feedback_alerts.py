"""Alerts after each stored capture: stored once, pushed signed to a real local receiver."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from knowledge_base.answering import Role
from knowledge_base.feedback.queries import Viewer
from tests.storage.feedback_helpers import T0, record
from voice_agent.feedback.alerting import AlertingSink, FeedbackAlerter
from voice_agent.feedback.factory import alert_thresholds
from voice_agent.feedback.webhook import AlertWebhook
from voice_agent.feedback_settings import FeedbackAlertSettings
from voice_agent.signed_webhook import SIGNATURE_HEADER, verify
from voice_agent.storage import Database, SqlFeedbackRepository
from voice_agent.storage.feedback_alerts import SqlFeedbackAlertRepository

SECRET = "alert-test-secret"
NOW = T0 + timedelta(hours=1)


class Receiver:
    """A loopback HTTP server that checks signatures and keeps what it accepted."""

    def __init__(self) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.refuse = False
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                signed = verify(body, self.headers.get(SIGNATURE_HEADER, ""), SECRET)
                status = 503 if receiver.refuse else 204 if signed else 401
                if status == 204:
                    receiver.accepted.append(json.loads(body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    thread = threading.Thread(target=found.server.serve_forever, daemon=True)
    thread.start()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _sink(
    database: Database, url: str, settings: FeedbackAlertSettings | None = None
) -> tuple[AlertingSink, SqlFeedbackAlertRepository]:
    repository = SqlFeedbackRepository(database=database, clock=lambda: NOW)
    alerts = SqlFeedbackAlertRepository(database=database)
    alerter = FeedbackAlerter(
        records=repository, alerts=alerts,
        thresholds=alert_thresholds(settings or FeedbackAlertSettings()),
        webhook=AlertWebhook(url=url, secret=SECRET), clock=lambda: NOW,
    )  # fmt: skip
    return AlertingSink(repository=repository, alerter=alerter), alerts


HQ = Viewer(role=Role.HQ, identity="hq")


async def test_three_stores_out_of_stock_raise_one_alert_pushed_once(
    database: Database, receiver: Receiver
) -> None:
    sink, alerts = _sink(database, receiver.url)
    for minutes, store in ((0, "SH-01"), (20, "SH-02"), (40, "SG-01"), (50, "HZ-01")):
        await sink.add([record(f"r-{store}", minutes=minutes, store=store)])
        await sink.drain()
    [stored] = alerts.list(viewer=HQ)
    assert stored.alert.rule == "stock_out_spread" and stored.alert.key == "AX-200"
    assert stored.alert.stores == ["SG-01", "SH-01", "SH-02"] and stored.count == 3
    assert stored.delivered_at == NOW and stored.delivery_error is None
    [pushed] = receiver.accepted
    assert pushed["dedupe_key"] == stored.alert.dedupe_key and pushed["key"] == "AX-200"


async def test_an_undelivered_alert_is_kept_and_retried(
    database: Database, receiver: Receiver
) -> None:
    sink, alerts = _sink(database, receiver.url)
    receiver.refuse = True
    for minutes, store in ((0, "SH-01"), (20, "SH-02"), (40, "SG-01")):
        await sink.add([record(f"r-{store}", minutes=minutes, store=store)])
        await sink.drain()
    [stored] = alerts.list(viewer=HQ)
    assert stored.delivered_at is None and "503" in (stored.delivery_error or "")
    receiver.refuse = False
    await sink.add([record("later", minutes=45, store="HZ-01", products=["RN-300"])])
    await sink.drain()
    [stored] = alerts.list(viewer=HQ)
    assert stored.delivered_at == NOW and len(receiver.accepted) == 1


async def test_thresholds_come_from_the_settings(database: Database, receiver: Receiver) -> None:
    sink, alerts = _sink(database, receiver.url, FeedbackAlertSettings(stock_out_min_stores=2))
    await sink.add([record("a", minutes=0, store="SH-01")])
    await sink.drain()
    assert alerts.list(viewer=HQ) == []
    await sink.add([record("b", minutes=5, store="BER-01")])
    await sink.drain()
    assert [s.count for s in alerts.list(viewer=HQ)] == [2]


async def test_the_storage_failing_is_raised_and_no_alert_runs(
    database: Database, receiver: Receiver
) -> None:
    sink, alerts = _sink(database, receiver.url)
    await sink.add([record("same")])
    with pytest.raises(Exception, match="same|UNIQUE|duplicate"):
        await sink.add([record("same")])
    await sink.drain()
    assert alerts.list(viewer=HQ) == [] and receiver.accepted == []


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (Viewer(role=Role.HQ, identity="hq"), True),
        (Viewer(role=Role.REGIONAL_MANAGER, identity="lin", region_id="singapore"), True),
        (Viewer(role=Role.REGIONAL_MANAGER, identity="x", region_id="germany"), False),
        (Viewer(role=Role.STORE_MANAGER, identity="mei", store_id="SH-02"), True),
        (Viewer(role=Role.STORE_MANAGER, identity="x", store_id="BER-01"), False),
        (Viewer(role=Role.CLERK, identity="c-SG-01", store_id="SG-01"), True),
        (Viewer(role=Role.CLERK, identity="other", store_id="SH-01"), False),
    ],
)
async def test_alerts_are_scoped_like_records(
    database: Database, receiver: Receiver, viewer: Viewer, sees: bool
) -> None:
    sink, alerts = _sink(database, receiver.url)
    for minutes, store in ((0, "SH-01"), (20, "SH-02"), (40, "SG-01")):
        await sink.add([record(f"r-{store}", minutes=minutes, store=store, clerk=f"c-{store}")])
        await sink.drain()
    assert bool(alerts.list(viewer=viewer)) is sees


async def test_rule_confusion_soon_after_a_publish_raises_an_alert(
    database: Database, receiver: Receiver
) -> None:
    from knowledge_base.feedback.taxonomy import FeedbackCategory
    from knowledge_base.versions.records import PromotionVersion
    from voice_agent.storage import SqlPublicationRepository

    publications = SqlPublicationRepository(database=database)
    version = PromotionVersion(
        promotion_id="weekend-running", version=2, content_hash="h", content="id: x\n", diff="",
        published_at=T0, published_by="hq",
    )  # fmt: skip
    publications.publish([version], published_at=T0, published_by="hq")
    repository = SqlFeedbackRepository(database=database)
    alerts = SqlFeedbackAlertRepository(database=database)
    alerter = FeedbackAlerter(
        records=repository, alerts=alerts, publications=publications,
        webhook=AlertWebhook(url=receiver.url, secret=SECRET), clock=lambda: NOW,
    )  # fmt: skip
    sink = AlertingSink(repository=repository, alerter=alerter)
    confused = FeedbackCategory.PRICE_RULE_CONFUSION
    for minutes, store in ((5, "SH-01"), (15, "SH-02"), (25, "SG-01")):
        await sink.add([record(f"q-{store}", minutes=minutes, store=store, category=confused)])
        await sink.drain()
    [stored] = alerts.list(viewer=HQ)
    assert stored.alert.rule == "confusion_after_publish" and stored.alert.key == "weekend-running"
    assert [a["key"] for a in receiver.accepted] == ["weekend-running"]
