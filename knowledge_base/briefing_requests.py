"""A clerk asking about a briefing they missed, and the answer from its own sentences.

"Play me today's briefing", "what did the briefing say about the AX-200".

Recognising the request and composing the answer are pure; finding the briefing, reading
its captions and playing its recording are the adapter's (``voice_agent.briefing``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from knowledge_base import catalogue_lookup
from knowledge_base.answering import split_sentences
from knowledge_base.knowledge import KnowledgeBase

_BRIEFING = re.compile(r"\bbrief(?:ing|ings|ed)?\b|\bhuddle\b|简报|晨会|例会", re.IGNORECASE)
_PLAY = re.compile(
    r"\b(?:play|replay|hear|listen(?: to)?|put on)\b|播放|放一下|放给我|听一下|听听|重放",
    re.IGNORECASE,
)
_ASK = re.compile(
    r"\b(?:what|anything|say|said|says|mention(?:ed)?|about|tell)\b|说了什么|说什么|讲了|提到|关于",
    re.IGNORECASE,
)


class BriefingRequestKind(StrEnum):
    """What the clerk wants of the briefing."""

    PLAY = "play"
    """Hear the recording."""
    ASK = "ask"
    """What it said (about an item or promotion, or in short)."""


@dataclass(frozen=True, slots=True)
class BriefingRequest:
    """A recognised request about the latest briefing."""

    kind: BriefingRequestKind
    skus: tuple[str, ...] = ()
    """Items the clerk named ("what did it say about the AX-200")."""
    promotion_ids: tuple[str, ...] = ()
    """Promotions the clerk named."""


def read_briefing_request(text: str, *, knowledge: KnowledgeBase) -> BriefingRequest | None:
    """The briefing request in ``text``, or ``None`` when it is not about a briefing.

    A request names the briefing ("briefing", "huddle", 简报, 晨会) and either asks to play
    it or asks what it said. Anything else (an ordinary question) is ``None``.
    """
    if not _BRIEFING.search(text):
        return None
    skus = tuple(dict.fromkeys(m.sku for m in catalogue_lookup.find_products(knowledge, text)))
    promotions = tuple(
        dict.fromkeys(p.id for p in catalogue_lookup.find_promotions(knowledge, text))
    )
    if _PLAY.search(text) and not skus and not promotions:
        return BriefingRequest(BriefingRequestKind.PLAY)
    if _ASK.search(text) or skus or promotions:
        return BriefingRequest(BriefingRequestKind.ASK, skus=skus, promotion_ids=promotions)
    if _PLAY.search(text):
        return BriefingRequest(BriefingRequestKind.PLAY)
    return None


def mentioning(
    request: BriefingRequest, sentences: Sequence[str], *, knowledge: KnowledgeBase
) -> list[str]:
    """The briefing's sentences that name what the request is about (all, if it names nothing).

    An item counts as mentioned by its own name or code (as recognition writes it); a
    promotion by its title or alias.
    """
    wanted_skus = set(request.skus)
    wanted_promotions = set(request.promotion_ids)
    if not wanted_skus and not wanted_promotions:
        return [s for text in sentences for s in split_sentences(text)]
    found: list[str] = []
    for text in sentences:
        for sentence in split_sentences(text):
            skus = {m.sku for m in catalogue_lookup.find_products(knowledge, sentence)}
            promotions = {p.id for p in catalogue_lookup.find_promotions(knowledge, sentence)}
            if (skus & wanted_skus or promotions & wanted_promotions) and sentence not in found:
                found.append(sentence)
    return found


def briefing_answer(
    request: BriefingRequest,
    sentences: Sequence[str],
    *,
    knowledge: KnowledgeBase,
    when: str,
    language: str = "en",
    max_sentences: int = 3,
) -> str:
    """What the assistant says to an ``ASK`` request, from the briefing's ``sentences``.

    ``when`` names the briefing as the listener knows it ("today", "on 3 December").
    """
    chinese = language.lower().startswith("zh")
    about = _about(request, knowledge, chinese)
    said = mentioning(request, sentences, knowledge=knowledge)[:max_sentences]
    if not said:
        if chinese:
            return f"{when}的简报没有提到{about}。" if about else f"{when}的简报没有内容。"
        return (
            f"The briefing {when} did not mention {about}."
            if about
            else f"The briefing {when} had nothing I could make out."
        )
    quoted = " ".join(said)
    if chinese:
        return f"{when}的简报说：{quoted}"
    return f"The briefing {when} said: {quoted}"


def briefing_day(day: date, *, today: date, language: str = "en") -> str:
    """How the listener names the day of a briefing: "today", "yesterday", "on 28 November"."""
    chinese = language.lower().startswith("zh")
    if day == today:
        return "今天" if chinese else "today"
    if (today - day).days == 1:
        return "昨天" if chinese else "yesterday"
    return f"{day.month}月{day.day}日" if chinese else f"on {day.day} {day:%B}"


def no_briefing(language: str = "en") -> str:
    """What the assistant says when no briefing for the clerk's store has ended yet."""
    if language.lower().startswith("zh"):
        return "你们店还没有简报。"
    return "There has been no briefing for your store yet."


def playing_briefing(when: str, language: str = "en") -> str:
    """What the assistant says before it plays a briefing's recording."""
    if language.lower().startswith("zh"):
        return f"下面是{when}的简报。"
    if when in ("today", "yesterday"):
        return f"Here is the briefing from {when}."
    return f"Here is the briefing {when}."


def no_recording(when: str, language: str = "en") -> str:
    """What the assistant says when the briefing has no recording to play."""
    if language.lower().startswith("zh"):
        return f"{when}的简报没有录音。"
    return f"The briefing {when} has no recording to play."


def _about(request: BriefingRequest, knowledge: KnowledgeBase, chinese: bool) -> str:
    names = [
        knowledge.products[sku].name.best("zh-CN" if chinese else "en")
        for sku in request.skus
        if sku in knowledge.products
    ]
    names += [
        knowledge.promotions[p].title.best("zh-CN" if chinese else "en")
        for p in request.promotion_ids
        if p in knowledge.promotions
    ]
    joiner = "和" if chinese else " or "
    return joiner.join(names)
