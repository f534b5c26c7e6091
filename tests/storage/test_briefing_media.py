"""A briefing's captions and recording on both engines (revision 0006_briefing_captions)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from knowledge_base.briefing import Caption
from voice_agent.feedback.audio import decode_flac, encode_flac
from voice_agent.storage import Database
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository

T0 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


def test_captions_come_back_in_spoken_order_and_the_recording_whole(database: Database) -> None:
    SqlBriefingRepository(database=database).open(
        BriefingRecord("20261201-00aa11bb", {"stores": ["SH-01"]}, "mei", T0)
    )
    media = SqlBriefingMediaRepository(database=database)
    later = Caption(6.5, 9.0, "Please tell customers before they get to the till.", "mei")
    first = Caption(2.25, 5.5, "From Saturday the AX-200 is out of the weekend offer.", "mei")
    media.add_caption("20261201-00aa11bb", later)
    media.add_caption("20261201-00aa11bb", first)
    assert media.captions("20261201-00aa11bb") == [first, later]
    assert media.recording("20261201-00aa11bb") is None
    tone = (np.sin(np.arange(16000 * 3) / 5) * 8000).astype(np.int16)
    reference = media.save_recording("20261201-00aa11bb", encode_flac(tone, 16000))
    assert reference == "briefing_recordings/20261201-00aa11bb"
    stored = media.recording("20261201-00aa11bb")
    assert stored is not None and (stored.format, stored.duration_secs) == ("flac", 3.0)
    samples, rate = decode_flac(stored.data)
    assert rate == 16000 and np.array_equal(samples, tone)  # lossless
