"""Reading a clerk's reply to a notice: an acknowledgement, a request to hear it again, or neither.

An utterance is an acknowledgement only when *all* of it is made of acknowledgement phrases
("got it", "understood", "ok noted", "收到", "明白了", "好的") and polite filler ("yes",
"thanks", "嗯", "谢谢"). Anything else left over makes it something else, so a question
that happens to contain "got" ("have we got the AX-200 in 40?") or a statement about stock
("we've got it in 40") is never taken for "got it" (its question words and items are not
acknowledgement vocabulary). Questions (吗/呢/什么, or a question mark on anything but
acknowledgement words) and negations ("didn't get it", "没收到", "不明白") are never
acknowledgements; a negation or "say that again" is read as a request to repeat.

The recogniser's punctuation is not evidence: Whisper writes a flatly spoken "Got it." as
"Got it?" and sometimes doubles it ("Got it. Got it?"), so a question mark does not undo an
utterance made only of acknowledgement words.

Speech recognition writes the same words in many ways ("Got it.", "gotit", "O.K.", "okay",
"under stood"): text is folded (NFKC, lowercase, punctuation and spaces dropped between
words) before matching, and a few common mis-hearings of the Chinese phrases (同音字 such as
手到 for 收到) are listed with them. Whisper often writes Mandarin in traditional characters
("收到謝謝", "沒收到"): the traditional forms of the words below are read as their simplified
ones.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

MAX_WORDS = 12
"""Longer utterances are not acknowledgements (a clerk acknowledging says a few words)."""
MAX_CHARS = 200
"""Longer text is not even read (bounded work on hostile input)."""


class Reply(StrEnum):
    """What a reply to a notice means."""

    ACKNOWLEDGED = "acknowledged"
    REPEAT = "repeat"
    """The clerk did not get it or asks to hear it again."""
    OTHER = "other"
    """Anything else (a question, a remark): answered as usual; the notice still waits."""


# English phrases as word sequences (after folding). Each must be the whole of a run.
_ACK_EN: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "got it",
        "gotit",
        "got that",
        "gotcha",
        "got you",
        "i got it",
        "i've got it",
        "ive got it",
        "i have got it",
        "we got it",
        "understood",
        "under stood",
        "i understand",
        "get it",
        "i get it",
        "understand",
        "noted",
        "ok noted",
        "okay noted",
        "duly noted",
        "acknowledged",
        "acknowledge",
        "roger",
        "roger that",
        "copy",
        "copy that",
        "will do",
        "on it",
        "all clear",
        "clear",
        "makes sense",
        "sounds good",
        "i hear you",
        "heard",
        "ok",
        "okay",
        "o k",
        "okey",
        "k",
        "alright",
        "all right",
        "no problem",
        "no worries",
    )
)
_FILLER_EN = frozenset(
    "yes yeah yep yup sure fine right um uh er hmm oh ah so and thanks thank you "
    "cheers great good perfect boss sir madam please".split()
)
_MISSED_EN = (("get",), ("get", "it"), ("catch",), ("hear",), ("follow",))
"""Said after a negation: "didn't get it", "didn't catch that", "I don't follow"."""
_NEGATION_EN = frozenset(
    "no not nope don't dont didn't didnt haven't havent hasn't doesn't can't cant never".split()
)
_REPEAT_EN: tuple[tuple[str, ...], ...] = tuple(
    tuple(phrase.split())
    for phrase in (
        "again",
        "repeat",
        "pardon",
        "sorry",
        "what",
        "say again",
        "say that again",
        "come again",
        "one more time",
        "didn't catch",
        "didnt catch",
        "didn't hear",
        "didnt hear",
        "didn't get",
        "didnt get",
    )
)

_ACK_ZH = (
    "收到",
    "手到",
    "首到",
    "收道",
    "明白",
    "名白",
    "明百",
    "知道",
    "了解",
    "清楚",
    "懂",
    "好的",
    "好滴",
    "好",
    "行",
    "可以",
    "没问题",
    "ok",
    "okay",
)
_FILLER_ZH = ("嗯", "恩", "啊", "哦", "噢", "喔", "呃", "了", "啦", "呀", "的", "谢谢", "是", "对")
_QUESTION_ZH = ("吗", "嘛", "呢", "什么", "怎么", "哪", "几", "多少", "有没有", "是不是", "么")
_NEGATION_ZH = ("不", "没", "未")
_REPEAT_ZH = (
    "再说", "再讲", "重复", "没听清", "没听到", "听不清", "没听懂", "再来一遍", "再播", "再放",
)  # fmt: skip
_WHAT_ZH = ("什么", "啥")
_REPEAT_FILLER_EN = _FILLER_EN | frozenset(
    "can could you please that it this i me we say the last bit part once more".split()
)

_TRADITIONAL = str.maketrans(
    {"謝": "谢", "對": "对", "嗎": "吗", "麼": "么", "麽": "么", "幾": "几", "沒": "没",
     "問": "问", "題": "题", "說": "说", "講": "讲", "複": "复", "聽": "听", "來": "来"}
)  # fmt: skip
"""Traditional characters of the vocabulary above, to their simplified forms."""
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def read_reply(text: str) -> Reply:
    """What ``text`` (a transcript, English or Chinese) means as a reply to a notice."""
    if len(text) > MAX_CHARS:
        return Reply.OTHER
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'").strip()
    if not folded:
        return Reply.OTHER
    if _CJK.search(folded):
        return _read_zh(folded)
    return _read_en(folded)


def is_acknowledgement(text: str) -> bool:
    """True when ``text`` acknowledges a notice ("got it", "收到") and says nothing else."""
    return read_reply(text) is Reply.ACKNOWLEDGED


def _read_en(text: str) -> Reply:
    folded = re.sub(r"\bo\.\s*k\b\.?", "ok", text)
    words = _WORD.findall(folded)
    if not words or len(words) > MAX_WORDS:
        return Reply.OTHER
    # Only acknowledgement words (a "?" from the recogniser notwithstanding, see above).
    if _covered(words, _ACK_EN, _FILLER_EN):
        return Reply.ACKNOWLEDGED
    # "didn't get it", "not understood", "say that again?": a request to hear it again.
    rest = [word for word in words if word not in _NEGATION_EN]
    negated = len(rest) < len(words)
    if _covered(rest, _REPEAT_EN, _REPEAT_FILLER_EN) or (
        negated and _covered(rest, _ACK_EN + _REPEAT_EN + _MISSED_EN, _REPEAT_FILLER_EN)
    ):
        return Reply.REPEAT
    return Reply.OTHER


def _covered(
    words: list[str], phrases: tuple[tuple[str, ...], ...], filler: frozenset[str]
) -> bool:
    """True when ``words`` are phrases and filler only, with at least one phrase."""
    by_length = sorted(phrases, key=len, reverse=True)
    i, found = 0, False
    while i < len(words):
        for phrase in by_length:
            if tuple(words[i : i + len(phrase)]) == phrase:
                i += len(phrase)
                found = True
                break
        else:
            if words[i] not in filler:
                return False
            i += 1
    return found


def _read_zh(text: str) -> Reply:
    compact = re.sub(r"[\s\W_]+", "", text.translate(_TRADITIONAL))
    if len(compact) > MAX_WORDS * 2:
        return Reply.OTHER
    bare = compact
    for word in sorted(_FILLER_ZH, key=len, reverse=True):
        bare = bare.replace(word, "")
    if (
        any(marker in compact for marker in _REPEAT_ZH)
        or bare in _WHAT_ZH
        or any(_negates(compact, negation) for negation in _NEGATION_ZH)
    ):
        return Reply.REPEAT
    if any(marker in compact for marker in _QUESTION_ZH):
        return Reply.OTHER
    return Reply.ACKNOWLEDGED if _covered_zh(compact) else Reply.OTHER


def _negates(text: str, negation: str) -> bool:
    """A negation directly before an acknowledgement word (没收到, 不太明白)."""
    return any(
        re.search(re.escape(negation) + r".?" + re.escape(phrase), text) for phrase in _ACK_ZH
    )


def _covered_zh(text: str) -> bool:
    phrases = sorted(_ACK_ZH, key=len, reverse=True)
    filler = sorted(_FILLER_ZH, key=len, reverse=True)
    i, found = 0, False
    while i < len(text):
        for phrase in phrases:
            if text.startswith(phrase, i):
                i += len(phrase)
                found = True
                break
        else:
            for word in filler:
                if text.startswith(word, i):
                    i += len(word)
                    break
            else:
                return False
    return found
