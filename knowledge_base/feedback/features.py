"""Features of a feedback text: word and character n-grams, English and Chinese alike.

Latin text gives word unigrams, word bigrams and a five-letter prefix of longer words (a
cheap stem: "complained", "complaints" -> "compl"). Chinese text gives character unigrams,
bigrams and trigrams, which need no word segmenter. Numbers become ``#`` (sizes and prices
vary; their presence is what matters). Hesitation fillers of speech ("um", "uh", "呃", "嗯")
are dropped: they say nothing about the category, and a transcript is full of them. Features
are binary: each counts once per text.
"""

from __future__ import annotations

import re
import unicodedata

CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+(?:\.\d+)?")
MAX_FEATURE_CHARS = 4000
"""Text beyond this is not read (bounded work on hostile input)."""
STEM_CHARS = 5
FILLERS = frozenset("um umm uh uhh uhm er erm hmm mm ah eh".split())
"""Latin hesitation fillers (not "like", "so", "well": those carry meaning too)."""
CHINESE_FILLERS = re.compile(r"[呃嗯哦噢]+")


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
