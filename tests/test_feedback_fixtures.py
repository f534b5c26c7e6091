"""The third held-out feedback set loads, and its recordings match their manifest and the set.

``tests/fixtures/feedback/heldout3.yaml`` is a blind measure: nothing here classifies it (the
figure comes from ``voice-agent bench feedback --set ... [--spoken]``). Regenerate the
recordings with ``python scripts/make_fixtures.py --feedback3`` when a test here fails after
an edit of the set.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from knowledge_base.loader import load_knowledge_base
from voice_agent.audio_io import load_audio
from voice_agent.feedback.sets import load_feedback_set, set_knowledge_path

FEEDBACK = Path(__file__).resolve().parent / "fixtures" / "feedback"
SET_FILE = FEEDBACK / "heldout3.yaml"
AUDIO = FEEDBACK / "audio3"
REGENERATE = "run `python scripts/make_fixtures.py --feedback3` and commit the folder"
RATE = 16000
MAX_COMMITTED_BYTES = 11_000_000
HELD = load_feedback_set(SET_FILE)
MANIFEST: dict[str, Any] = json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["files"]


def dbfs(samples: np.ndarray) -> float:
    level = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    return 20 * np.log10(max(level, 1e-9))


def test_the_set_loads_with_every_category_in_both_languages() -> None:
    items = HELD.items
    assert len(items) >= 300
    assert len({item.id for item in items}) == len(items)
    languages = Counter(item.language for item in items)
    assert set(languages) == {"en", "zh-CN"}
    assert 0.55 <= languages["en"] / len(items) <= 0.65
    category = type(items[0].category)
    per_category = Counter((item.category, item.language) for item in items)
    for member in category:
        assert per_category[member, "en"] >= 15 and per_category[member, "zh-CN"] >= 10, member
    assert HELD.reference_time is not None


def test_every_label_refers_to_the_knowledge_base_the_set_names() -> None:
    knowledge = load_knowledge_base(
        set_knowledge_path(HELD, SET_FILE, override=None, configured=None)
    )
    for item in HELD.items:
        assert item.store in knowledge.stores, item.id
        assert all(sku in knowledge.products for sku in item.products), item.id
        assert item.promotion is None or item.promotion in knowledge.promotions, item.id


def test_every_spoken_item_names_a_recording_of_its_own_text() -> None:
    raw = yaml.safe_load(SET_FILE.read_text(encoding="utf-8"))["items"]
    spoken = {item["id"] for item in raw if item.get("spoken") is True}
    with_audio = {item.id: item for item in HELD.items if item.audio}
    assert set(with_audio) == spoken
    recorded = {entry["path"]: entry for entry in ENTRIES}
    for item in with_audio.values():
        assert item.audio is not None
        entry = recorded.get(str(Path(item.audio).relative_to(AUDIO.name)))
        assert entry is not None, f"{item.id}: {item.audio} is not in the manifest: {REGENERATE}"
        assert entry["question_id"] == item.id
        assert entry["text"] == item.text, f"{item.id}: text changed: {REGENERATE}"
        assert entry["language"] == item.language
    assert len(recorded) == len(with_audio)
    languages = Counter(item.language for item in with_audio.values())
    assert len(with_audio) >= 40 and languages["en"] >= 25 and languages["zh-CN"] >= 12


def test_the_folder_holds_exactly_the_manifest_and_stays_small() -> None:
    on_disk = {p.relative_to(AUDIO).as_posix() for p in AUDIO.rglob("*") if p.is_file()}
    assert on_disk == {entry["path"] for entry in ENTRIES} | {"manifest.json"}, REGENERATE
    assert sum((AUDIO / path).stat().st_size for path in on_disk) < MAX_COMMITTED_BYTES


def test_english_takes_every_held_out_style_and_chinese_is_spoken_in_mandarin() -> None:
    english = [entry for entry in ENTRIES if entry["language"] == "en"]
    styles = Counter(entry["style"] for entry in english)
    assert set(styles) == {"clean", "accented", "noisy"}
    assert max(styles.values()) - min(styles.values()) <= 1
    for entry in english:
        engine = "espeak-ng" if entry["style"] == "accented" else "piper"
        assert entry["voice"]["engine"] == engine, entry["path"]
    chinese = [entry for entry in ENTRIES if entry["language"] == "zh-CN"]
    assert all(entry["path"].startswith("zh/") for entry in chinese)
    assert {entry["voice"]["name"] for entry in chinese} == {
        "cmn-latn-pinyin",
        "cmn-latn-pinyin+f3",
    }
    assert {entry["style"] for entry in chinese} == {"clean", "noisy"}


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry["path"] for entry in ENTRIES])
def test_a_recording_is_16khz_mono_pcm16_with_speech_where_its_timeline_says(
    entry: dict[str, Any],
) -> None:
    loaded = load_audio(AUDIO / entry["path"])  # as `bench feedback --spoken` reads it
    assert (loaded.source_rate, loaded.source_channels, loaded.source_subtype) == (
        RATE,
        1,
        "PCM_16",
    )
    assert loaded.seconds == pytest.approx(entry["duration_s"], abs=0.001)
    samples = np.frombuffer(loaded.pcm16, dtype="<i2").astype(np.float32) / 32768.0
    (speech,) = entry["timeline"]
    assert speech["kind"] == "speech" and speech["text"] == entry["text"]
    assert 0.3 <= speech["start_s"] < speech["end_s"] <= entry["duration_s"] - 0.8 + 0.001
    inside = np.zeros(samples.size, dtype=bool)
    inside[round(speech["start_s"] * RATE) : round(speech["end_s"] * RATE)] = True
    assert dbfs(samples[inside]) > -30
    if entry["noise"] is None:
        assert dbfs(samples[~inside]) < -80, "a clean take has sound outside its speech"
    else:  # the babble sits the stated SNR below the voice's active level
        expected = speech["level_dbfs"] - entry["noise"]["snr_db"]
        assert dbfs(samples[~inside]) == pytest.approx(expected, abs=2.5)
