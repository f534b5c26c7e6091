"""Helpers of the broadcast tests: a published sample chain, a roster, a clock, real channels."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from knowledge_base.delivery import Delivery, DeliveryPolicy, PlaybackFinished, PlaybackStarted
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.roster_files import parse_roster
from knowledge_base.versions import Publication
from pipelines.floor_models import Utterance as FloorUtterance
from tests.storage.knowledge_helpers import copy_sample, weekend_text
from voice_agent.broadcast import Broadcaster, EscalationWebhook, Utterance
from voice_agent.storage import (
    Database,
    SqlNoticeRepository,
    SqlQuizResultRepository,
    SqlRosterRepository,
)
from voice_agent.storage.broadcast_schema import notice_presence
from voice_agent.storage.publisher import Publisher

ROSTERS = Path(__file__).resolve().parents[1] / "fixtures" / "rosters"
SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
"""Ana, Ben, Chen and Mei are on shift; Dan's only shift is on Wednesday 09:00."""
ESCALATION_SECRET = "test-escalation-secret"
DELIVERY_POLICY = DeliveryPolicy(acknowledge_within=timedelta(minutes=2))


@dataclass
class Clock:
    """A clock the test moves."""

    now: datetime = MONDAY_10

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Chain:
    """The sample knowledge base published in ``database``, and urgent edits of it."""

    def __init__(self, database: Database, tmp_path: Path, clock: Clock) -> None:
        self.root = copy_sample(tmp_path / "kb")
        self.publisher = Publisher(database=database)
        self.clock = clock
        outcome = self.publisher.publish_directory(
            self.root, published_by="hq", now=clock() - timedelta(days=3)
        )
        assert outcome.publication is not None

    def publish_weekend(self, *, version: int, percent: int, urgent: bool = True) -> Publication:
        outcome = self.publisher.publish_files(
            self.root,
            {"weekend-running.yaml": weekend_text(self.root, percent=percent, version=version)},
            published_by="hq",
            urgent=urgent,
            now=self.clock(),
        )
        assert outcome.publication is not None, outcome.issues
        return outcome.publication


def load_roster(database: Database, knowledge: KnowledgeBase, name: str = "broadcast.csv") -> None:
    roster = parse_roster(
        (ROSTERS / name).read_text(encoding="utf-8"), file=name, knowledge=knowledge
    )
    SqlRosterRepository(database=database).replace(
        roster, source=name, loaded_by="test", loaded_at=MONDAY_10
    )


@dataclass
class RecordingChannel:
    """A real in-process NoticeChannel: keeps what it was asked to say and to withdraw.

    When given the notice repository it checks, at every offer, that the delivery it is
    offered for is stored already (durable before anything is spoken).
    """

    identity: str
    language: str | None = None
    notices: SqlNoticeRepository | None = None
    offered: list[Utterance] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    awaited: list[Utterance] = field(default_factory=list)
    """Played by an earlier session: only their acknowledgement is awaited."""
    stored_at_offer: list[Delivery] = field(default_factory=list)

    async def offer(self, utterance: Utterance) -> None:
        if self.notices is not None:
            found = self.notices.deliveries(notice_id=utterance.notice_id, clerk=self.identity)
            self.stored_at_offer.extend(found)
        self.offered.append(utterance)

    async def await_acknowledgement(self, utterance: Utterance) -> None:
        self.awaited.append(utterance)

    async def withdraw(self, utterance_id: str) -> None:
        self.withdrawn.append(utterance_id)

    @property
    def live(self) -> list[Utterance]:
        """Offered and not withdrawn."""
        return [u for u in self.offered if u.id not in self.withdrawn]


class WebhookReceiver:
    """A real HTTP server on loopback that keeps every POST (body and headers)."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, object], dict[str, str], bytes]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                owner.received.append((json.loads(body), dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/escalations"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class RecordingQuizChannel:
    """A real in-process QuizChannel: keeps what the quizmaster offered and withdrew.

    At every offer it also notes how many answers were stored by then (an answer is stored
    before "Right." or "Not quite." is offered).
    """

    identity: str
    results: SqlQuizResultRepository
    language: str | None = None
    offered: list[FloorUtterance] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    answers_stored_at_offer: list[int] = field(default_factory=list)

    async def offer_quiz(self, utterance: FloorUtterance) -> None:
        stored = self.results.results(
            promotion_id="weekend-running", version=3, clerk=self.identity
        )
        self.answers_stored_at_offer.append(len(stored))
        self.offered.append(utterance)

    async def withdraw_quiz(self, utterance_id: str) -> None:
        self.withdrawn.append(utterance_id)

    @property
    def questions(self) -> list[FloorUtterance]:
        """The questions offered, in order."""
        return [u for u in self.offered if u.kind == "quiz_question"]

    @property
    def last_question(self) -> FloorUtterance:
        """The question asked last."""
        return self.questions[-1]

    @property
    def feedback(self) -> list[str]:
        """What was said back after each answer."""
        return [u.text for u in self.offered if u.kind == "quiz_feedback"]


def age_presence(database: Database, node: str, by: timedelta) -> None:
    """Make ``node``'s rows look ``by`` older (it stopped renewing them: it died)."""
    with database.transaction() as connection:
        rows = connection.execute(
            select(notice_presence.c.identity, notice_presence.c.seen_at).where(
                notice_presence.c.node == node
            )
        ).all()
        for identity, seen_at in rows:
            connection.execute(
                update(notice_presence)
                .where(notice_presence.c.node == node)
                .where(notice_presence.c.identity == identity)
                .values(seen_at=seen_at - by)
            )


async def connect_all(
    broadcaster: Broadcaster, database: Database, *identities: str
) -> dict[str, RecordingChannel]:
    """Connect a recording channel for each of ``identities``."""
    notices = SqlNoticeRepository(database=database)
    channels = {i: RecordingChannel(i, notices=notices) for i in identities}
    for channel in channels.values():
        await broadcaster.connect(channel)
    return channels


async def hear(broadcaster: Broadcaster, channel: RecordingChannel, clock: Clock) -> None:
    """The session speaks the latest live offer to its end."""
    utterance = channel.live[-1]
    await broadcaster.report(channel.identity, utterance.notice_id, PlaybackStarted(clock()))
    clock.advance(seconds=8)
    await broadcaster.report(channel.identity, utterance.notice_id, PlaybackFinished(clock()))


def new_broadcaster(
    database: Database,
    knowledge: KnowledgeBase,
    clock: Clock,
    receiver: WebhookReceiver | None = None,
) -> Broadcaster:
    """A single-node broadcaster with the tests' policy, escalating to ``receiver`` if given."""
    webhook = EscalationWebhook(url=receiver.url, secret=ESCALATION_SECRET) if receiver else None
    return Broadcaster(
        database=database,
        knowledge=lambda: knowledge,
        policy=DELIVERY_POLICY,
        webhook=webhook,
        clock=clock,
    )
