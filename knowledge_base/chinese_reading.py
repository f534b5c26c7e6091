"""Reading Chinese questions: cue words heard one character off, and words the chain never uses.

Chinese is read one character at a time (:func:`~knowledge_base.matching.tokens`), so the
English tools (a speller over cue words, unknown words by vocabulary) need their own form:

- a cue of three characters or more heard with one character wrong ("会圆价" for 会员价, a
  homophone a recogniser or an input method produces) counts as that cue, unless the
  window overlaps a name the knowledge base uses;
- the content words of a question (what is left once names, cue words and everyday
  question words are taken out) are split into two-character words; those the knowledge
  base's texts never use are *unknown* ("苹果手机", "保修", a draft's "新年预售").
"""

from __future__ import annotations

from functools import lru_cache

from knowledge_base.cues_zh import (
    END_ZH,
    FAQ_TOPICS_ZH,
    LIST_ZH,
    MEMBER_ZH,
    STACK_ZH,
    START_ZH,
    WHICH_ZH,
    ZH,
)
from knowledge_base.matching import has_cjk

ZH_QUESTION_WORDS = tuple(
    """有没有 没有 是不是 能不能 可不可以 可以 不能 什么 多少 怎么 哪里 哪个 哪些 哪 现在 今天
    目前 请问 顾客 客人 客户 这个 那个 一个 我们 我 你 他 她 要 想 买 卖 店 还 都 和 跟 与 在 也
    就 吗 呢 吧 啊 呀 的 了 是 有 么 几 问 说 给 个 件 台 部 条 用 最 多 少 会 这 那 时候 请 边个
    几多 咩 嘅 唔 係 冇 啲""".split()
)
"""Everyday words of a Chinese question (Mandarin and common Cantonese) that name nothing."""

MIN_FUZZY_CUE = 3
"""Only cues this long are matched with one character off (two-character cues are too short)."""


@lru_cache(maxsize=1)
def _cues() -> tuple[str, ...]:
    """Every Chinese cue, longest first (so a longer cue is removed before its parts)."""
    found = {cue for cues in ZH.values() for cue in cues}
    found.update((*FAQ_TOPICS_ZH, *STACK_ZH, *WHICH_ZH, *START_ZH, *END_ZH, *LIST_ZH, *MEMBER_ZH))
    return tuple(sorted(found, key=len, reverse=True))


@lru_cache(maxsize=1)
def _cue_characters() -> frozenset[str]:
    return frozenset("".join(_cues()))


@lru_cache(maxsize=1)
def _removable() -> tuple[str, ...]:
    return tuple(sorted({*_cues(), *ZH_QUESTION_WORDS}, key=len, reverse=True))


def corrected_cues(
    text: str, named: set[int], vocabulary: frozenset[str] | None = None
) -> list[str]:
    """Cues heard one character off in ``text`` (positions in ``named`` are names, never cues).

    ``text`` is the question; positions are character offsets. The character heard in place
    of the cue's must be one the knowledge base (``vocabulary``) and the cues never use:
    "什么优惠" is not a misheard 什么价. Returns the cues to read as heard ("会圆价多少" ->
    ``["会员价"]``).
    """
    used = _cue_characters() | (vocabulary or frozenset())
    found: list[str] = []
    for cue in _cues():
        size = len(cue)
        if size < MIN_FUZZY_CUE or cue in text:
            continue
        for start in range(len(text) - size + 1):
            window = text[start : start + size]
            if not has_cjk(window) or any(i in named for i in range(start, start + size)):
                continue
            wrong = [a for a, b in zip(window, cue, strict=True) if a != b]
            if len(wrong) == 1 and wrong[0] not in used:
                found.append(cue)
                break
    return found


def unknown_words(residual: str, vocabulary: frozenset[str]) -> list[str]:
    """Two-character words of ``residual`` (a question without its names) the chain never uses."""
    text = residual
    for word in _removable():
        text = text.replace(word, " ")
    unknown: list[str] = []
    for run in "".join(c if has_cjk(c) else " " for c in text).split():
        unknown.extend(
            run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in vocabulary
        )
    return unknown
