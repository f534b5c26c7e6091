"""``bench broadcast``: its roster, its urgent edit, its earpieces' ears, report and options.

No server needed: a round's ending is checked over a real LiveKit server in
``tests/livekit/test_broadcast_round_livekit.py``, the whole round by running the command
(see docs/broadcast.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer

from knowledge_base.delivery import Delivery, DeliveryState
from knowledge_base.loader import load_knowledge_base
from knowledge_base.roster_files import parse_roster
from tests.conftest import AUDIO
from tests.storage.knowledge_helpers import copy_sample
from voice_agent.audio_io import load_audio
from voice_agent.benchmarks.broadcast import notice_id_of, roster_csv, urgent_edit
from voice_agent.benchmarks.broadcast_deadlines import RoundDeadlines
from voice_agent.benchmarks.broadcast_earpieces import EarpieceReport, is_voiced
from voice_agent.benchmarks.broadcast_report import round_report
from voice_agent.cli.bench_broadcast import _counts
from voice_agent.storage import open_database
from voice_agent.storage.publisher import Publisher


def test_the_bench_roster_has_every_clerk_on_shift_at_any_time(tmp_path: Path) -> None:
    knowledge = load_knowledge_base(copy_sample(tmp_path / "kb"))
    roster = parse_roster(roster_csv(12), file="bench.csv", knowledge=knowledge)
    assert len(roster.members) == 12
    at = datetime(2026, 12, 5, 3, 30, tzinfo=UTC)
    assert all(member.calendar.on_shift(at) for member in roster.members)


def test_the_bench_edit_is_a_valid_urgent_publication_of_a_new_version(tmp_path: Path) -> None:
    kb = copy_sample(tmp_path / "kb")
    edit = urgent_edit(kb)
    database = open_database(f"sqlite:///{tmp_path / 'bench.sqlite3'}")
    try:
        outcome = Publisher(database=database).publish_files(
            kb, edit, published_by="bench", urgent=True, now=datetime.now(UTC)
        )
    finally:
        database.close()
    assert outcome.publication is not None, outcome.issues
    assert outcome.publication.urgent
    versions = [
        v.version for v in outcome.publication.versions if v.promotion_id == "weekend-running"
    ]
    assert max(versions) == 3  # the sample's version 2, moved on
    # The earpieces wait for this notice's deliveries before the publish has made it.
    assert notice_id_of(edit) == "weekend-running@3"


def test_an_earpiece_counts_speech_as_voiced_and_silence_not() -> None:
    audio = load_audio(AUDIO / "loop" / "ax200_weekend.wav")
    frames = [audio.pcm16[i : i + 320] for i in range(0, len(audio.pcm16), 320)]  # 10 ms
    voiced = [is_voiced(frame) for frame in frames]
    assert not any(voiced[:10])  # the recording's lead-in
    assert sum(voiced) > len(frames) // 3
    assert not is_voiced(bytes(320))
    assert not is_voiced(b"")


def test_first_audio_is_the_first_voiced_onset_at_or_after_the_publish() -> None:
    published = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    at = published.timestamp()
    heard = EarpieceReport(
        identity="clerk001",
        heard_assistant=True,
        voiced_onsets_unix=(at - 0.5, at + 1.25, at + 2.0),
        ack_pressed_at=published + timedelta(seconds=9),
    )
    assert heard.first_audio_after(published) == pytest.approx(1.25)
    assert heard.first_audio_after(published + timedelta(seconds=3)) is None


def test_the_round_report_joins_what_earpieces_heard_with_what_was_stored() -> None:
    published = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)

    def after(secs: float) -> datetime:
        return published + timedelta(seconds=secs)

    earpieces = [
        EarpieceReport("clerk001", True, (after(1.5).timestamp(),), after(9.0)),
        EarpieceReport("clerk002", True, (after(2.5).timestamp(),), None),
        EarpieceReport("clerk003", False, (), None),
    ]
    records = {
        "clerk001": Delivery(
            "weekend-running@3",
            "clerk001",
            created_at=published,
            state=DeliveryState.ACKNOWLEDGED,
            played_at=after(8.9),
            acknowledged_at=after(9.25),
        ),
        "clerk002": Delivery(
            "weekend-running@3",
            "clerk002",
            created_at=published,
            state=DeliveryState.SPEAKING,
        ),
    }
    identities = ["clerk001", "clerk002", "clerk003"]
    report = round_report(identities, earpieces, records, published, RoundDeadlines())
    assert report["first_audio_secs"] == {"n": 2, "p50": 1.5, "p95": 2.5, "max": 2.5}
    assert report["finished_secs"]["max"] == 8.9
    assert report["ack_recorded_secs"]["max"] == 9.25
    assert report["ack_store_secs"]["max"] == 0.25
    assert report["missing"] == {"first_audio": 1, "finished": 2, "ack_recorded": 2}
    assert report["without_assistant_at_publish"] == 1
    assert report["missing_joined"] == ["clerk003"]
    assert report["missing_first_audio"] == ["clerk003"]
    assert report["missing_played"] == ["clerk002", "clerk003"]
    assert report["missing_acknowledged"] == ["clerk002", "clerk003"]
    assert report["complete"] is False


def test_what_came_after_its_phase_deadline_counts_missing_and_outside_the_percentiles() -> None:
    published = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)

    def after(secs: float) -> datetime:
        return published + timedelta(seconds=secs)

    def acknowledged(clerk: str, played: float, acked: float) -> Delivery:
        return Delivery(
            "weekend-running@3",
            clerk,
            created_at=published,
            state=DeliveryState.ACKNOWLEDGED,
            played_at=after(played),
            acknowledged_at=after(acked),
        )

    earpieces = [
        EarpieceReport("clerk001", True, (after(1.0).timestamp(),), after(9.0), ack_presses=1),
        EarpieceReport("clerk002", True, (after(6.0).timestamp(),), after(30.0), ack_presses=3),
    ]
    records = {
        "clerk001": acknowledged("clerk001", 8.9, 9.2),
        "clerk002": acknowledged("clerk002", 29.0, 31.0),
    }
    deadlines = RoundDeadlines(first_audio_secs=5, played_secs=20, acknowledged_secs=30)
    report = round_report(["clerk001", "clerk002"], earpieces, records, published, deadlines)
    assert report["first_audio_secs"]["n"] == 1
    assert report["missing_first_audio"] == ["clerk002"]
    assert report["missing_played"] == ["clerk002"]
    assert report["missing_acknowledged"] == ["clerk002"]
    assert report["ack_presses"]["total"] == 4
    assert report["ack_presses"]["pressed_again"] == 1
    assert report["complete"] is False
    assert report["deadlines_secs"]["acknowledged"] == 30


def test_a_round_with_everyone_through_in_time_is_complete() -> None:
    published = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    earpiece = EarpieceReport(
        "clerk001", True, (published.timestamp() + 1,), published + timedelta(seconds=9)
    )
    record = Delivery(
        "weekend-running@3",
        "clerk001",
        created_at=published,
        state=DeliveryState.ACKNOWLEDGED,
        played_at=published + timedelta(seconds=8),
        acknowledged_at=published + timedelta(seconds=9.1),
    )
    report = round_report(
        ["clerk001"], [earpiece], {"clerk001": record}, published, RoundDeadlines()
    )
    assert report["complete"] is True
    stuck = replace(earpiece, left=False)  # still leaving its room at the leave deadline
    report = round_report(["clerk001"], [stuck], {"clerk001": record}, published, RoundDeadlines())
    assert report["complete"] is False
    assert report["not_left_in_time"] == ["clerk001"]


def test_deadlines_are_capped_by_the_limit_and_must_follow_the_phases() -> None:
    capped = RoundDeadlines.capped(45.0)
    assert capped.to_dict() == {
        "joined": 45.0,
        "first_audio": 30.0,
        "played": 45.0,
        "acknowledged": 45.0,
        "leave": 10.0,
    }
    assert capped.round_secs > 45.0 + 45.0 + 10.0  # the parent's bound leaves room to publish
    with pytest.raises(ValueError, match="follow the phases"):
        RoundDeadlines(played_secs=200.0, acknowledged_secs=100.0)


@pytest.mark.parametrize("value", ["", "ten", "0", "5,300"])
def test_clerk_counts_must_be_numbers_from_1_to_200(value: str) -> None:
    with pytest.raises(typer.BadParameter):
        _counts(value)


def test_clerk_counts_are_read_in_order() -> None:
    assert _counts("10,20,50") == [10, 20, 50]
