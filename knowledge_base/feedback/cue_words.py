"""Cue words in a feedback text, English and Chinese, read once per text.

Used by the rules the taxonomy states outright: the precedence between categories
(:mod:`.precedence`), what a report of some categories always names (:mod:`.subjects`) and the
consequences that make a report urgent (:mod:`.urgency`).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.feedback.features import CJK_RUN, normalise, words


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue words in English and Chinese; a text holds a cue when any of them is in it."""

    words: frozenset[str] = frozenset()
    """Latin words (lower case) that are a cue on their own."""
    bigrams: frozenset[tuple[str, str]] = frozenset()
    """Pairs of consecutive Latin words that are a cue."""
    chinese: tuple[str, ...] = ()
    """Chinese substrings that are a cue."""

    def found(self, text: CueText) -> bool:
        """Whether ``text`` holds one of the cues."""
        if self.words.intersection(text.latin):
            return True
        if self.bigrams.intersection(zip(text.latin, text.latin[1:], strict=False)):
            return True
        return any(cue in text.folded for cue in self.chinese)

    def __or__(self, other: Cues) -> Cues:
        """The cues of both."""
        return Cues(
            words=self.words | other.words,
            bigrams=self.bigrams | other.bigrams,
            chinese=self.chinese + tuple(c for c in other.chinese if c not in self.chinese),
        )


@dataclass(frozen=True, slots=True)
class CueText:
    """A text read once for cue matching: normalised, and its Latin words."""

    folded: str
    latin: list[str]

    @classmethod
    def of(cls, text: str) -> CueText:
        """Read ``text`` (normalised as the features are)."""
        folded = normalise(text)
        return cls(folded=folded, latin=words(CJK_RUN.sub(" | ", folded)))


PRODUCT_FAULT = Cues(
    words=frozenset(
        """broke broken breaks split splitting splits cracked cracks cracking leaks leaking
        leaked leak tear torn tears ripped rips peeling peeled peels peel faulty defect defects
        defective fell squeaks squeaky unstitched snapped fraying frayed shedding sheds pilling
        fading faded discoloured discolored unglued""".split()
    ),
    bigrams=frozenset(
        {
            ("came", "apart"),
            ("comes", "apart"),
            ("falls", "apart"),
            ("falling", "apart"),
            ("came", "off"),
            ("comes", "off"),
            ("coming", "off"),
            ("falls", "off"),
            ("fell", "off"),
            ("came", "loose"),
        }
    ),
    chinese=tuple(
        """开胶 脱胶 开裂 裂开 裂了 漏水 渗水 掉色 褪色 起球 掉毛 起毛 起皮 开线 脱线 掉了
        质量问题""".split()
    ),
)
"""A product at fault (a sole that comes apart, a seam that splits, colour that runs): what
makes a report a complaint (:mod:`.precedence`) and, named again and again, urgent
(:mod:`.urgency`)."""
