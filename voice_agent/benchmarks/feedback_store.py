"""Records per second into the feedback tables (``bench feedback --store-rate``).

Each capture is one record (with its SKUs and promotions in force) and, with audio, three
seconds of FLAC, committed in its own transaction as the recorder does: on SQLite that is a
``synchronous=FULL`` WAL commit per capture, so the figure is bounded by the disk's flush
rate. Rows written are deleted afterwards, so a PostgreSQL database can be reused.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import delete

from knowledge_base.feedback.models import FeedbackRecord, FeedbackSet
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.benchmarks.answer_report import percentile
from voice_agent.feedback.audio import FeedbackAudio, encode_flac
from voice_agent.storage import open_database
from voice_agent.storage.feedback import SqlFeedbackRepository
from voice_agent.storage.feedback_schema import feedback_audio, feedback_records


@dataclass(frozen=True, slots=True)
class StoreRate:
    """What one engine sustained."""

    engine: str
    url: str
    captures: int
    with_audio: bool
    seconds: float
    records_per_sec: float
    commit_p50_ms: float
    commit_p95_ms: float


def bench_records(
    feedback_set: FeedbackSet, knowledge: KnowledgeBase, count: int
) -> list[FeedbackRecord]:
    """``count`` records from the set's texts and gold labels (cycled), one second apart."""
    stores = sorted(knowledge.stores)
    start = datetime.now(UTC)
    records = []
    for n in range(count):
        item = feedback_set.items[n % len(feedback_set.items)]
        store = item.store if item.store in knowledge.stores else stores[n % len(stores)]
        at = start + timedelta(seconds=n)
        records.append(
            FeedbackRecord(
                id=f"bench-{uuid.uuid4().hex}", transcript=item.text, clerk_id="bench",
                store_id=store, region_id=knowledge.region_of(store).id,
                local_time=knowledge.local_time(store, at), utc_time=at,
                language=item.language, category=item.category, urgency=item.urgency,
                sentiment=item.sentiment, products=item.products, promotion=item.promotion,
                promotions_in_force=[item.promotion] if item.promotion else [],
            )
        )  # fmt: skip
    return records


def speech_like_audio(seconds: float = 3.0, rate: int = 16_000) -> FeedbackAudio:
    """Noisy harmonics standing in for a clerk's voice (compresses like speech, not silence)."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * rate)) / rate
    voiced = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((180, 360, 720), start=1))
    signal = 5000 * voiced * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t)) + rng.normal(0, 300, t.size)
    return encode_flac(np.clip(signal, -32768, 32767).astype(np.int16), rate)


def measure_store_rate(
    url: str, records: list[FeedbackRecord], *, audio: FeedbackAudio | None
) -> StoreRate:
    """Commit each record as one capture into ``url``, time it, then delete what was written.

    Raises:
        StorageError: The database cannot be opened or written.
    """
    database = open_database(url)
    try:
        repository = SqlFeedbackRepository(database=database)
        latencies = []
        started = time.perf_counter()
        for record in records:
            begun = time.perf_counter()
            repository.store([record], audio=audio)
            latencies.append((time.perf_counter() - begun) * 1000)
        seconds = time.perf_counter() - started
        ids = [r.id for r in records]
        with database.transaction() as connection:
            for chunk in range(0, len(ids), 500):
                part = ids[chunk : chunk + 500]
                connection.execute(delete(feedback_records).where(feedback_records.c.id.in_(part)))
                connection.execute(delete(feedback_audio).where(feedback_audio.c.id.in_(part)))
        return StoreRate(
            engine=database.dialect, url=database.url, captures=len(records),
            with_audio=audio is not None, seconds=round(seconds, 3),
            records_per_sec=round(len(records) / seconds, 1) if seconds else 0.0,
            commit_p50_ms=round(percentile(latencies, 50), 2),
            commit_p95_ms=round(percentile(latencies, 95), 2),
        )  # fmt: skip
    finally:
        database.close()
