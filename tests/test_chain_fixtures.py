"""Every sample chain's questions fit its knowledge base, and its spoken questions their manifest.

Regenerate a chain's recordings with ``python scripts/make_fixtures.py --chain CHAIN``.
"""

from __future__ import annotations

import json
import wave
from pathlib import Path
from typing import Any

import pytest
import yaml

from knowledge_base.loader import load_knowledge_base, validate_knowledge_base
from voice_agent.benchmarks.answer_fixtures import QuestionSet, load_questions

CHAINS = Path(__file__).resolve().parent / "fixtures" / "chains"
SAMPLES = Path(__file__).resolve().parents[1] / "knowledge_base" / "samples"
QUESTION_CHAINS = sorted(path.parent.name for path in CHAINS.glob("*/questions.yaml"))
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


@pytest.mark.parametrize("chain", QUESTION_CHAINS)
def test_every_questions_store_and_target_is_in_the_chains_valid_knowledge_base(chain: str) -> None:
    errors = [
        issue for issue in validate_knowledge_base(SAMPLES / chain) if issue.severity == "error"
    ]
    assert errors == []
    knowledge = load_knowledge_base(SAMPLES / chain)
    question_set = load_questions(CHAINS / chain / "questions.yaml")
    stores = set(knowledge.stores)
    promotions = set(knowledge.promotions) | {"none"}
    skus = set(knowledge.products)
    assert question_set.default_store in stores
    for question in question_set.questions:
        assert question.store in stores, question.id
        target = question.target
        if target is not None:
            assert target.store in stores | {None}, question.id
            assert target.promotion in promotions | {None}, question.id
            assert target.product in skus | {None}, question.id


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


def test_a_chain_with_spoken_questions_has_their_recordings() -> None:
    marked = [chain for chain in QUESTION_CHAINS if _spoken_questions(chain)]
    assert set(marked) <= set(SPOKEN_CHAINS)


def test_a_question_without_a_store_of_its_own_is_asked_at_the_set_s_default_store() -> None:
    question_set = QuestionSet.model_validate(
        {
            "reference_time": "2026-03-06T10:30:00",
            "default_store": "TOR-01",
            "questions": [
                {"id": "q1", "text": "Price?", "kind": "price", "answer_must_contain": ["x"]},
                {
                    "id": "q2",
                    "text": "Price in Regina?",
                    "kind": "price",
                    "store": "REG-01",
                    "answer_must_contain": ["x"],
                },
            ],
        }
    )
    assert [q.store for q in question_set.questions] == ["TOR-01", "REG-01"]
