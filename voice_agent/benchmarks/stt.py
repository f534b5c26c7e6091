"""Speech recognition accuracy and speed: today's full-window path against the speech engine.

Every spoken fixture (questions, accented and noisy ones, the loop questions, and each
utterance of the conversations) goes through both transcribers in the same run; word error
rate, keyword hits and time per utterance are reported per fixture set, side by side.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipelines.transcriber import SAMPLE_RATE as WHISPER_RATE
from pipelines.transcriber import Transcriber
from voice_agent.audio_io import load_audio
from voice_agent.benchmarks.stats import summary

SINGLE_UTTERANCE_KINDS = frozenset(
    {"question", "loop_question", "paused_question", "wake_question"}
)
"""Manifest kinds whose file is one spoken text."""
CONVERSATION_PAD_SECS = 0.3
"""Audio kept around each utterance cut out of a conversation, in seconds."""


@dataclass(frozen=True, slots=True)
class SpokenClip:
    """One utterance with what was said in it."""

    name: str
    fixture_set: str
    text: str
    pcm16: bytes
    keywords: tuple[str, ...] = ()
    """Words the transcript must contain for the question to be answerable."""


def spoken_clips(fixtures: Path) -> list[SpokenClip]:
    """Every spoken utterance of the fixture directory (``audio/manifest.json``)."""
    audio_dir = fixtures / "audio"
    manifest = json.loads((audio_dir / "manifest.json").read_text(encoding="utf-8"))
    keywords = _transcript_keywords(fixtures / "questions.yaml")
    clips: list[SpokenClip] = []
    for entry in manifest["files"]:
        if entry["kind"] in SINGLE_UTTERANCE_KINDS:
            clips.append(
                SpokenClip(
                    name=entry["path"],
                    fixture_set=entry["set"],
                    text=entry["text"],
                    pcm16=load_audio(audio_dir / entry["path"], sample_rate=WHISPER_RATE).pcm16,
                    keywords=tuple(keywords.get(entry.get("question_id", ""), ())),
                )
            )
        elif entry["kind"] == "conversation":
            pcm16 = load_audio(audio_dir / entry["path"], sample_rate=WHISPER_RATE).pcm16
            speech = [part for part in entry["timeline"] if part["kind"] == "speech"]
            for index, part in enumerate(speech):
                start = max(0.0, part["start_s"] - CONVERSATION_PAD_SECS)
                end = part["end_s"] + CONVERSATION_PAD_SECS
                clips.append(
                    SpokenClip(
                        name=f"{entry['path']}#{index + 1}",
                        fixture_set=entry["set"],
                        text=part["text"],
                        pcm16=pcm16[int(start * WHISPER_RATE) * 2 : int(end * WHISPER_RATE) * 2],
                    )
                )
    return clips


def _transcript_keywords(path: Path) -> dict[str, list[str]]:
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {q["id"]: list(q.get("transcript_keywords", [])) for q in document["questions"]}


def normalized_words(text: str) -> list[str]:
    """Lower-case words without punctuation; hyphens split words ("AX-200" -> "ax 200")."""
    return re.findall(r"[a-z0-9']+", text.lower().replace("-", " "))


def word_errors(reference: str, hypothesis: str) -> int:
    """Word-level edit distance (substitutions, deletions and insertions)."""
    ref, hyp = normalized_words(reference), normalized_words(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, ref_word in enumerate(ref, start=1):
        current = [i] + [0] * len(hyp)
        for j, hyp_word in enumerate(hyp, start=1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (ref_word != hyp_word),
            )
        previous = current
    return previous[-1]


@dataclass(slots=True)
class PathScore:
    """How one transcriber did on one fixture set."""

    words: int = 0
    errors: int = 0
    keywords: int = 0
    keyword_hits: int = 0
    secs: list[float] = field(default_factory=list)
    misses: list[dict[str, str]] = field(default_factory=list)
    """Clips whose transcript lacks a keyword: name, expected text, what was heard."""

    @property
    def wer(self) -> float:
        """Word error rate (errors per reference word)."""
        return self.errors / self.words if self.words else 0.0

    def add(self, clip: SpokenClip, heard: str, secs: float) -> None:
        """Score one transcript of ``clip``."""
        self.words += len(normalized_words(clip.text))
        self.errors += word_errors(clip.text, heard)
        hits = sum(keyword.lower() in heard.lower() for keyword in clip.keywords)
        self.keywords += len(clip.keywords)
        self.keyword_hits += hits
        self.secs.append(secs)
        if hits < len(clip.keywords):
            self.misses.append({"clip": clip.name, "expected": clip.text, "heard": heard})

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "words": self.words,
            "errors": self.errors,
            "wer": round(self.wer, 4),
            "keywords": self.keywords,
            "keyword_hits": self.keyword_hits,
            "secs": summary(self.secs),
            "keyword_misses": self.misses,
        }


@dataclass(slots=True)
class SttComparison:
    """Scores per transcriber (by name), per fixture set and overall."""

    by_set: dict[str, dict[str, PathScore]]
    overall: dict[str, PathScore]
    batch_secs: dict[str, float] = field(default_factory=dict)
    """Wall seconds for every clip submitted at once, per transcriber."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "overall": {name: score.as_dict() for name, score in self.overall.items()},
            "by_set": {
                fixture_set: {name: score.as_dict() for name, score in scores.items()}
                for fixture_set, scores in self.by_set.items()
            },
            "all_at_once_secs": {k: round(v, 3) for k, v in self.batch_secs.items()},
        }


def compare(clips: Sequence[SpokenClip], transcribers: Mapping[str, Transcriber]) -> SttComparison:
    """Transcribe every clip with every transcriber, one clip at a time, and score them."""
    by_set: dict[str, dict[str, PathScore]] = {}
    overall = {name: PathScore() for name in transcribers}
    for clip in clips:
        scores = by_set.setdefault(clip.fixture_set, {name: PathScore() for name in transcribers})
        for name, transcriber in transcribers.items():
            started = time.perf_counter()
            heard = transcriber.transcribe_sync(clip.pcm16).text
            secs = time.perf_counter() - started
            scores[name].add(clip, heard, secs)
            overall[name].add(clip, heard, secs)
    return SttComparison(by_set=by_set, overall=overall)


async def all_at_once_secs(clips: Sequence[SpokenClip], transcriber: Transcriber) -> float:
    """Wall seconds to transcribe ``clips`` submitted together, as many sessions would."""
    import asyncio

    started = time.perf_counter()
    await asyncio.gather(*(transcriber.transcribe(clip.pcm16) for clip in clips))
    return time.perf_counter() - started
