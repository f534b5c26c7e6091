"""Features of a feedback text: word and character n-grams, English and Chinese alike.

Latin text gives word unigrams, word bigrams and a five-letter prefix of longer words (a
cheap stem: "complained", "complaints" -> "compl"). Chinese text gives character unigrams,
bigrams and trigrams, which need no word segmenter. Numbers become ``#`` (sizes and prices
vary; their presence is what matters). Hesitation fillers of speech ("um", "uh", "呃", "嗯")
are dropped: they say nothing about the category, and a transcript is full of them. Features
are binary: each counts once per text.

Product names are no evidence of a category either ("the Trail Runner" is sold out, tried on,
praised or mispriced alike), yet a few hundred training texts tie each name to the categories
it happened to appear in. :class:`ProductNames` replaces the names and aliases of the
training catalogue, and any SKU-like code ("AX-200", "tr900"), with one placeholder word
before the features are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
MAX_FEATURE_CHARS = 4000
"""Text beyond this is not read (bounded work on hostile input)."""
STEM_CHARS = 5
FILLERS = frozenset("um umm uh uhh uhm er erm hmm mm ah eh".split())
"""Latin hesitation fillers (not "like", "so", "well": those carry meaning too)."""
CHINESE_FILLERS = re.compile(r"[呃嗯哦噢]+")


PRODUCT = " productname "
"""What a product name or SKU code becomes before the features are read."""
_SKU_LIKE = r"[a-z]{1,3}[- ]?\d{2,4}(?:[- ]?[a-z]{1,4})?"


@dataclass(frozen=True, slots=True)
class ProductNames:
    """Names and aliases of a catalogue's products, read as one placeholder word."""

    pattern: re.Pattern[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> ProductNames:
        """A mask for ``names`` (normalised; longest first) and SKU-like codes."""
        folded = sorted({normalise(n).strip() for n in names if n.strip()}, key=len, reverse=True)
        alternatives = [re.escape(n) for n in folded] + [_SKU_LIKE]
        return cls(re.compile(r"(?<![a-z0-9])(?:" + "|".join(alternatives) + r")(?![a-z0-9])"))

    def mask(self, text: str) -> str:
        """``text`` (normalised) with every product name and code as :data:`PRODUCT`."""
        return self.pattern.sub(PRODUCT, normalise(text))


def normalise(text: str) -> str:
    """NFKC, lowercase, typographic apostrophes straightened."""
    return unicodedata.normalize("NFKC", text[:MAX_FEATURE_CHARS]).lower().replace("’", "'")


def words(text: str) -> list[str]:
    """Latin words of ``text`` (normalised), numbers as ``#``, "'s" dropped."""
    out: list[str] = []
    for word in _WORD.findall(normalise(text)):
        if word[0].isdigit():
            out.append("#")
            continue
        if word.endswith("'s"):
            word = word[:-2]
        if word not in FILLERS:
            out.append(word)
    return out


def features(text: str) -> set[str]:
    """The binary features of ``text``."""
    folded = normalise(text)
    found: set[str] = set()
    latin = words(CJK_RUN.sub(" | ", folded))
    previous = "<s>"
    for word in latin:
        found.add(f"w:{word}")
        if len(word) > STEM_CHARS:
            found.add(f"p:{word[:STEM_CHARS]}")
        found.add(f"b:{previous}_{word}")
        previous = word
    for run in CJK_RUN.findall(CHINESE_FILLERS.sub("", folded)):
        for size in (1, 2, 3):
            for start in range(0, len(run) - size + 1):
                found.add(f"c{size}:{run[start : start + size]}")
    return found
