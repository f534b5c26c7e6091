"""Capture rules for a spoken feedback turn, as pure functions and a small state machine.

A turn *starts* feedback when it opens with a trigger ("hey promo, feedback: ...",
"record feedback", "反馈", "意见"; a push-to-talk feedback message starts it with no words).
The clerk may speak several utterances; they are joined into one text. The capture *ends*
with an end phrase ("done", "that's all", "好了", "完了") or with silence. "Done" and "完了"
count only as an utterance of their own or after a pause in punctuation, so "卖完了" (sold
out) or "the display isn't done" do not end it. A long monologue is split into chunks at
sentence ends, each becoming its own record: nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from knowledge_base.answering import split_sentences
from knowledge_base.matching import has_cjk

DEFAULT_SILENCE_SECS = 4.0
DEFAULT_CHUNK_CHARS = 1500
"""About a minute and a half of speech per record."""
DEFAULT_MAX_CAPTURE_CHARS = 40_000
"""Bounded memory: a capture that grows past this ends (``LIMIT``) and a new one may start."""

_WAKE = r"(?:(?:hey|hi|ok|okay)[\s,]*)?promo\b[\s,.:;!-]*"
_FEEDBACK = r"feed[\s-]?back"
"""Recognisers often hear "feed back" or "feed-back"."""
_EN_TRIGGER = re.compile(
    rf"^\s*(?:{_WAKE})?(?:(?:please\s+)?(?:record|log|leave|take|new|start|give)\s+(?:some\s+|a\s+)?"
    rf"{_FEEDBACK}|i(?:'ve| have)\s+(?:got\s+)?(?:some\s+|a\s+)?{_FEEDBACK}|{_FEEDBACK})"
    r"(?:\s+(?:for|to)\s+(?:headquarters|hq))?\b[\s,.:;!-]*",
    re.IGNORECASE,
)
_ZH_TRIGGER = re.compile(
    rf"^\s*(?:{_WAKE})?(?:我(?:要|想)?|请)?(?:记录|提交|提个|提|说个|说一下|给个)?(?:一个|一条|一下)?"
    r"(?:反馈|意见)(?:一下)?[\s,，.。:：;；!！-]*",
    re.IGNORECASE,
)
_EN_END = re.compile(
    r"(?:^|[,.;:!?]\s*|\s)(?:that's all|that is all|that's it|end of feedback|end feedback)"
    r"[\s.!]*$|(?:^|[,.;:!?]\s*)(?:i'm\s+|i am\s+|ok(?:ay)?[\s,]+)?(?:done|finished|over)[\s.!]*$",
    re.IGNORECASE,
)
_ZH_END = re.compile(
    r"(?:^|[,，.。;；!！?？\s])(?:我?说)?(?:好了|完了|就这些了?|结束了?|没了)[\s.。!！]*$"
    r"|(?:我?说完了|就这些了?|反馈完毕)[\s.。!！]*$"
)
_CORRECTION = re.compile(
    r"^\s*(?:no[,.\s]+)?(?:correct(?:ion)?|change (?:that|it)|that's (?:wrong|not right)|"
    r"that is (?:wrong|not right)|wrong)\b|^\s*(?:不对|更正|改一下|错了|修改)",
    re.IGNORECASE,
)


class CaptureEnd(StrEnum):
    """Why a capture ended."""

    DONE = "done"
    """The clerk said an end phrase."""
    SILENCE = "silence"
    LIMIT = "limit"
    """The capture reached its size limit (the rest may start a new capture)."""


def feedback_trigger(text: str) -> str | None:
    """The feedback content after a trigger phrase, or ``None`` when ``text`` is no trigger.

    ``"Hey promo, feedback: size 40 sold out"`` -> ``"size 40 sold out"``;
    ``"反馈：40码卖完了"`` -> ``"40码卖完了"``; ``"is the AX-200 on sale?"`` -> ``None``.
    """
    for pattern in (_EN_TRIGGER, _ZH_TRIGGER):
        match = pattern.match(text)
        if match:
            return text[match.end() :].strip()
    return None


def strip_end_phrase(text: str) -> tuple[str, bool]:
    """``text`` without a final end phrase, and whether there was one."""
    for pattern in (_EN_END, _ZH_END):
        match = pattern.search(text)
        if match:
            return text[: match.start()].rstrip(" ,，;；:："), True
    return text.strip(), False


def feedback_content(text: str) -> str:
    """What a one-shot feedback text says: trigger and end phrase removed, if present.

    ``"hey promo, feedback: the till is down. done"`` -> ``"the till is down"``.
    """
    content, _ = strip_end_phrase(feedback_trigger(text) or text)
    return content


def is_correction(text: str) -> bool:
    """True when the clerk asks to correct what was just noted ("correct that", "不对")."""
    return _CORRECTION.match(text) is not None


def join_utterances(utterances: list[str]) -> str:
    """Join utterances into one text, closing each with punctuation if it has none.

    Latin utterances are joined with ". " ; Chinese ones with "，" and no space.
    """
    out = ""
    for part in (u.strip() for u in utterances):
        if not part:
            continue
        if out:
            chinese = has_cjk(out[-1]) or out[-1] in "。！？，；"
            if out[-1] not in ".!?,;。！？，；":
                out += "，" if chinese else "."
            if not chinese:
                out += " "
        out += part
    return out


def chunk_text(text: str, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[str]:
    """Split ``text`` into chunks of at most ``max_chars``, at sentence ends where possible."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    text = text.strip()
    if not text:
        return []
    chunks: list[str] = []
    current = ""
    for sentence in split_sentences(text):
        pieces = [sentence]
        if len(sentence) > max_chars:
            pieces = _split_long(sentence, max_chars)
        for piece in pieces:
            glue = "" if not current or has_cjk(current[-1]) else " "
            if current and len(current) + len(glue) + len(piece) > max_chars:
                chunks.append(current)
                current, glue = "", ""
            current += glue + piece
    if current:
        chunks.append(current)
    return chunks


def _split_long(sentence: str, max_chars: int) -> list[str]:
    pieces: list[str] = []
    while len(sentence) > max_chars:
        cut = sentence.rfind(" ", 0, max_chars + 1)
        if cut <= 0:
            cut = max_chars
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    if sentence:
        pieces.append(sentence)
    return pieces


@dataclass(slots=True)
class FeedbackCapture:
    """One feedback turn in progress: feed it utterances and silences, read what was said."""

    silence_secs: float = DEFAULT_SILENCE_SECS
    """Silence that ends the capture, in seconds."""
    max_chars: int = DEFAULT_MAX_CAPTURE_CHARS
    utterances: list[str] = field(default_factory=list)
    ended: CaptureEnd | None = None
    overflow: str = ""
    """What did not fit when the capture reached ``max_chars`` (start the next one with it)."""
    _chars: int = 0

    def add(self, utterance: str) -> CaptureEnd | None:
        """Add what the clerk said; returns why the capture ended, if it did."""
        if self.ended is not None:
            raise RuntimeError("the capture has ended")
        content, done = strip_end_phrase(utterance)
        room = self.max_chars - self._chars
        if content:
            self.utterances.append(content[:room])
            self._chars += min(len(content), room)
            self.overflow = content[room:]
        if self._chars >= self.max_chars:
            self.ended = CaptureEnd.LIMIT
        elif done:
            self.ended = CaptureEnd.DONE
        return self.ended

    def silence(self, seconds: float) -> CaptureEnd | None:
        """Report ``seconds`` of silence since the last utterance."""
        if self.ended is None and seconds >= self.silence_secs:
            self.ended = CaptureEnd.SILENCE
        return self.ended

    @property
    def text(self) -> str:
        """Everything said so far, joined."""
        return join_utterances(self.utterances)

    @property
    def empty(self) -> bool:
        """True when nothing but trigger and end phrases was said."""
        return not self.text

    def chunks(self, max_chars: int = DEFAULT_CHUNK_CHARS) -> list[str]:
        """The text split into record-sized chunks (one for ordinary feedback)."""
        return chunk_text(self.text, max_chars)


def start_capture(
    text: str,
    *,
    silence_secs: float = DEFAULT_SILENCE_SECS,
    max_chars: int = DEFAULT_MAX_CAPTURE_CHARS,
    push_to_talk: bool = False,
) -> FeedbackCapture | None:
    """Start a capture when ``text`` opens with a trigger (or under push-to-talk feedback).

    The content after the trigger is the first utterance; ``None`` when it is no feedback turn.
    """
    content = text if push_to_talk else feedback_trigger(text)
    if content is None:
        return None
    capture = FeedbackCapture(silence_secs=silence_secs, max_chars=max_chars)
    if content.strip():
        capture.add(content)
    return capture
