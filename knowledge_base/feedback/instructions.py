"""Sentences that address the assistant instead of reporting anything ("ignore your rules").

Feedback text is data (``docs/feedback.md``): an instruction inside it is stored verbatim and
never followed. For *labelling*, such a sentence reports nothing, so the classifier reads
only the other sentences: a text that is nothing but an instruction is ``other`` (low,
neutral), and a real report after "ignore your instructions ..." keeps its own category.
The patterns are the general forms of instructions to an assistant, in English and Chinese.
"""

from __future__ import annotations

import re

from knowledge_base.answering import split_sentences
from knowledge_base.feedback.features import normalise

_PATTERNS = (
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|rules|prompts?|above|everything"
    r" you)\b",
    r"\bsystem prompt\b",
    r"\byou are (now|a helpful)\b",
    r"\bdeveloper mode\b",
    r"\bnew instructions?\b",
    r"\bpretend (you|to be)\b",
    r"^(respond|reply|answer|speak|talk) (only )?(in|like|as) ",
    r"\bfrom now on,? (answer|reply|respond|say|label|mark)\b",
    r"(忽略|无视|不要管|忘掉|忘记).{0,12}(指令|规则|上面|之前|提示)",
    r"提示词",
    r"开发者模式",
    r"你现在是",
    r"假装你",
    r"新指令",
)
INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def is_instruction(sentence: str) -> bool:
    """Whether ``sentence`` tells the assistant what to do or be."""
    return INSTRUCTION.search(normalise(sentence)) is not None


def without_instructions(text: str) -> tuple[str, bool]:
    """``text`` without its instruction sentences, and whether it had any."""
    sentences = split_sentences(text)
    kept = [s for s in sentences if not is_instruction(s)]
    if len(kept) == len(sentences):
        return text, False
    return " ".join(kept), True
