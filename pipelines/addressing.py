"""Pure rules for "was that said to the assistant?" on a shop floor.

The clerk mostly talks to customers. A turn is for the assistant only when it starts with a
wake phrase, comes within a short follow-up window after the assistant's own answer, or is
spoken while the earpiece's push-to-talk is held.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

DEFAULT_WAKE_PHRASES: dict[str, tuple[str, ...]] = {
    "en": ("hey promo", "hi promo", "hey promos", "okay promo", "ok promo"),
    "zh": ("小促",),
}


class AddressedBy(StrEnum):
    """Why a turn was taken as meant for the assistant."""

    WAKE_PHRASE = "wake_phrase"
    FOLLOW_UP = "follow_up"
    PUSH_TO_TALK = "push_to_talk"


@dataclass(frozen=True, slots=True)
class AddressDecision:
    """The verdict on one transcript."""

    addressed: bool
    text: str
    """The question without its wake phrase (empty if only the wake phrase was said)."""
    by: AddressedBy | None = None


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^\w\s]", " ", text)


@dataclass(slots=True)
class AddressPolicy:
    """Decides whether transcripts are addressed to the assistant (state: one session's).

    Args:
        wake_phrases: Phrases per language prefix (``en``, ``zh``).
        follow_up_secs: After the assistant finishes speaking, turns within this many seconds
            need no wake phrase.
        max_wake_offset_words: The wake phrase may follow this many filler words ("so, hey
            promo, ...").
    """

    wake_phrases: dict[str, tuple[str, ...]] = field(
        default_factory=lambda: dict(DEFAULT_WAKE_PHRASES)
    )
    follow_up_secs: float = 6.0
    max_wake_offset_words: int = 2
    _follow_up_until: float = 0.0
    _push_to_talk: bool = False
    _push_to_talk_released_at: float = 0.0

    def bot_started_speaking(self) -> None:
        """Speech over the assistant's own answer is meant for it (the window stays open)."""
        self._follow_up_until = float("inf")

    def bot_finished_speaking(self, now: float) -> None:
        """Open the follow-up window for ``follow_up_secs`` from now."""
        self._follow_up_until = now + self.follow_up_secs

    def close_follow_up(self) -> None:
        """Close the follow-up window (e.g. the clerk said "thanks")."""
        self._follow_up_until = 0.0

    def push_to_talk(self, *, pressed: bool, now: float) -> None:
        """The earpiece's push-to-talk button was pressed or released."""
        self._push_to_talk = pressed
        if not pressed:
            self._push_to_talk_released_at = now

    def decide(
        self, transcript: str, *, now: float, speech_started_at: float | None = None
    ) -> AddressDecision:
        """Decide about a finished turn's transcript.

        Args:
            transcript: What was said.
            now: Monotonic seconds.
            speech_started_at: When the turn's speech began; a turn that began while
                push-to-talk was held counts even if the button is released by now.
        """
        stripped = self._strip_wake_phrase(transcript)
        if stripped is not None:
            return AddressDecision(addressed=True, text=stripped, by=AddressedBy.WAKE_PHRASE)
        held = self._push_to_talk or (
            speech_started_at is not None and self._push_to_talk_released_at >= speech_started_at
        )
        if held:
            return AddressDecision(
                addressed=True, text=transcript.strip(), by=AddressedBy.PUSH_TO_TALK
            )
        started = speech_started_at if speech_started_at is not None else now
        if started <= self._follow_up_until:
            return AddressDecision(
                addressed=True, text=transcript.strip(), by=AddressedBy.FOLLOW_UP
            )
        return AddressDecision(addressed=False, text=transcript.strip())

    def has_wake_phrase(self, transcript: str) -> bool:
        """True when ``transcript`` starts with one of the wake phrases."""
        return self._strip_wake_phrase(transcript) is not None

    def _strip_wake_phrase(self, transcript: str) -> str | None:
        normalized = _normalize(transcript)
        for phrases in self.wake_phrases.values():
            for phrase in phrases:
                wake = _normalize(phrase).strip()
                if not wake:
                    continue
                if " " not in wake and not wake.isascii():
                    # CJK wake words are not space-separated.
                    index = normalized.find(wake)
                    if 0 <= index <= 4:
                        return _after(transcript, wake) or ""
                    continue
                words = normalized.split()
                wake_words = wake.split()
                for offset in range(self.max_wake_offset_words + 1):
                    if words[offset : offset + len(wake_words)] == wake_words:
                        return _drop_words(transcript, offset + len(wake_words))
        return None


def _after(transcript: str, wake: str) -> str:
    index = unicodedata.normalize("NFKC", transcript).lower().find(wake)
    return transcript[index + len(wake) :].lstrip(" ,，。.!！、").strip()


def _drop_words(transcript: str, count: int) -> str:
    tokens = re.findall(r"\S+", transcript)
    kept: list[str] = []
    dropped = 0
    for token in tokens:
        if dropped < count and re.sub(r"[^\w]", "", token):
            dropped += 1
            continue
        if dropped < count:
            continue
        kept.append(token)
    text = " ".join(kept).lstrip(" ,.!-")
    return text[:1].upper() + text[1:] if text else ""
