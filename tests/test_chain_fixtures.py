"""Every sample chain's spoken questions match their manifest and their question set.

Regenerate a chain's recordings with ``python scripts/make_fixtures.py --chain CHAIN``.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import pytest
import yaml

CHAINS = Path(__file__).resolve().parent / "fixtures" / "chains"
SPOKEN_CHAINS = sorted(path.parent.parent.name for path in CHAINS.glob("*/audio/manifest.json"))
STYLES = {"clean", "accented", "noisy"}


def _manifest(chain: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(
        (CHAINS / chain / "audio" / "manifest.json").read_text(encoding="utf-8")
    )
    return manifest


def _spoken_questions(chain: str) -> dict[str, str]:
    questions = yaml.safe_load((CHAINS / chain / "questions.yaml").read_text(encoding="utf-8"))
    return {q["id"]: q["text"] for q in questions["questions"] if q.get("spoken")}


def test_the_held_out_chains_have_recordings() -> None:
    assert len(SPOKEN_CHAINS) >= 3


@pytest.mark.parametrize("chain", SPOKEN_CHAINS)
def test_every_recording_is_listed_exists_and_is_16khz_mono_int16(chain: str) -> None:
    audio = CHAINS / chain / "audio"
    entries = _manifest(chain)["files"]
    listed = {entry["path"] for entry in entries}
    on_disk = {str(path.relative_to(audio)) for path in audio.rglob("*.wav")}
    assert listed == on_disk
    for entry in entries:
        with wave.open(str(audio / entry["path"]), "rb") as handle:
            assert (handle.getframerate(), handle.getnchannels(), handle.getsampwidth()) == (
                16000,
                1,
                2,
            ), entry["path"]
            duration = handle.getnframes() / handle.getframerate()
        assert duration == pytest.approx(entry["duration_s"], abs=0.01), entry["path"]


@pytest.mark.parametrize("chain", SPOKEN_CHAINS)
def test_every_spoken_question_is_recorded_in_each_style_with_its_exact_text(chain: str) -> None:
    spoken = _spoken_questions(chain)
    recorded: dict[str, set[str]] = {}
    for entry in _manifest(chain)["files"]:
        assert spoken.get(entry["question_id"]) == entry["text"], entry["path"]
        recorded.setdefault(entry["question_id"], set()).add(entry["style"])
    assert set(recorded) == set(spoken)
    assert all(styles == STYLES for styles in recorded.values())
