"""What the assistant says after a feedback record is saved (or could not be).

One short sentence restates what was understood, in the clerk's own words, with the store;
a second offers a correction. The clerk's words are repeated as data, never followed.
"""

from __future__ import annotations

from knowledge_base.answering import split_sentences
from knowledge_base.feedback.taxonomy import CATEGORY_LABELS, FeedbackCategory
from knowledge_base.matching import compact
from knowledge_base.models import is_chinese

MAX_SUMMARY_WORDS = 14
MAX_SUMMARY_CHARS_ZH = 30


def summary(text: str, language: str = "en") -> str:
    """The first sentence of ``text``, shortened for the ear, without final punctuation."""
    sentences = split_sentences(text.strip())
    first = sentences[0] if sentences else text.strip()
    first = first.rstrip(".!?。！？，,;；:： ")
    if is_chinese(language):
        return first if len(first) <= MAX_SUMMARY_CHARS_ZH else first[:MAX_SUMMARY_CHARS_ZH] + "…"
    words = first.split()
    if len(words) > MAX_SUMMARY_WORDS:
        first = " ".join(words[:MAX_SUMMARY_WORDS]) + "…"
    if len(first) > 1 and first[0].isupper() and first[1].islower():
        first = first[0].lower() + first[1:]
    return first


def _names_store(text: str, store_names: list[str]) -> bool:
    """True when ``text`` names the store, in full or by its last words ("Nanjing Road")."""
    heard = compact(text)
    for name in store_names:
        words = name.split()
        for start in range(len(words)):
            tail = compact(" ".join(words[start:]))
            if len(tail) >= 4 and tail in heard:
                return True
    return False


def confirmation(
    text: str,
    *,
    language: str,
    store_name: str,
    category: FeedbackCategory,
    store_aliases: list[str] | None = None,
) -> str:
    """The confirmation ("Noted: size 40 of the AX-200 sold out at …") and the correction offer.

    Args:
        text: The feedback as recorded.
        language: ``en`` or ``zh-CN``.
        store_name: The clerk's store, in ``language``; added unless the text names it.
        category: The category it was filed under (said so a wrong one can be corrected).
        store_aliases: Other names of the store the text may use.
    """
    said = summary(text, language)
    named = _names_store(text, [store_name, *(store_aliases or [])])
    english, chinese = CATEGORY_LABELS[category]
    if is_chinese(language):
        place = "" if named else f"（{store_name}）"
        return f"已记录：{said}{place}，归为{chinese}。要修改请说“更正”。"
    place = "" if named else f" at {store_name}"
    return f"Noted: {said}{place}, filed as {english}. Say “correct” to change it."


def not_saved(language: str) -> str:
    """Said when the record could not be committed: nothing is claimed as saved."""
    if is_chinese(language):
        return "抱歉，这条反馈没能保存，请稍后再说一次。"
    return "Sorry, I could not save that feedback. Please say it again in a minute."


def nothing_heard(language: str) -> str:
    """Said when a feedback turn ended without any content."""
    if is_chinese(language):
        return "没有听到反馈内容，什么也没有保存。"
    return "I did not hear any feedback, so nothing was saved."


def correction_prompt(language: str) -> str:
    """Said after the clerk asks to correct the last record."""
    if is_chinese(language):
        return "好的，请重新说一遍这条反馈。"
    return "Okay, please say the feedback again."
