"""Words as speech recognition writes them: tokens, compact forms, sound keys.

Whisper writes a SKU the clerk said as "AX-200", "AX 200", "A X 200", "ax200" or
"AX two hundred". :func:`tokens` lowercases, splits CJK into characters and turns number
words into digits; :func:`compact` joins tokens into the form names are looked up by;
:func:`sound` gives a rough sound key for names heard as similar-sounding words.
"""

from __future__ import annotations

import re
import unicodedata

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_TENS_PLURAL = {name[:-1] + "ies": name for name in _TENS}
"""Several of an item named by a number ("two factor fifties" is two of "Factor 50")."""
_HEARD_FOR = re.compile(r"\b(\d)-4-(\d)\b")
"""A deal "3 for 2" as recognition writes it when "for" is heard as the number 4: "3-4-2"."""
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[a-z]+|[0-9]+(?:\.[0-9]+)?")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains Chinese characters."""
    return _CJK.search(text) is not None


def tokens(text: str) -> list[str]:
    """Lowercase word tokens with number words turned into digits; each CJK character a token.

    ``"Is the A-X two hundred on sale?"`` -> ``["is", "the", "a", "x", "200", "on", "sale"]``.
    """
    folded = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    folded = re.sub(r"(?<=\d),(?=\d{3}\b)", "", folded)  # 1,200 -> 1200
    folded = _HEARD_FOR.sub(r"\1 for \2", folded)  # "3-4-2" -> "3 for 2"
    raw = [_TENS_PLURAL.get(word, word) for word in _TOKEN.findall(folded)]
    return _numbers_to_digits(raw)


def compact(text: str) -> str:
    """The compact form used for lookups: ``"Aero X-200"`` -> ``"aerox200"``."""
    return "".join(tokens(text))


_SOUND_RULES = (
    (re.compile(r"^kn"), "n"),
    (re.compile(r"^wr"), "r"),
    (re.compile(r"^wh"), "w"),
    (re.compile(r"(?<=.)gh"), ""),
    (re.compile(r"ph"), "f"),
    (re.compile(r"tch"), "ch"),
    (re.compile(r"sch"), "sk"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"ch"), "1"),
    (re.compile(r"sh"), "2"),
    (re.compile(r"th"), "3"),
    (re.compile(r"c|q"), "k"),
    (re.compile(r"x"), "ks"),
)
_VOICING = str.maketrans("bdgvz", "ptkfs")


def sound(text: str) -> str:
    """A rough sound key of ``text``'s letters, for comparing what recognition may confuse.

    Voiced and unvoiced consonants fold together (d/t, v/f, b/p, g/k, z/s), vowels after the
    first letter and silent letters drop, doubles collapse: "Dutch oven" and "dutch often"
    give close keys, "cook club weak" and "Cook Club Week" the same one.
    """
    letters = "".join(w for w in tokens(text) if w.isalpha() and w.isascii())
    if not letters:
        return ""
    for pattern, replacement in _SOUND_RULES:
        letters = pattern.sub(replacement, letters)
    letters = letters.translate(_VOICING)
    head, tail = letters[0], re.sub(r"[aeiouyhw]", "", letters[1:])
    key = ("a" if head in "aeiouy" else head) + tail
    return re.sub(r"(.)\1+", r"\1", key)


LETTER_NAMES = {
    "b": "bee",
    "c": "see",
    "d": "dee",
    "f": "ef",
    "g": "gee",
    "j": "jay",
    "k": "kay",
    "l": "el",
    "m": "em",
    "n": "en",
    "p": "pee",
    "r": "ar",
    "s": "es",
    "t": "tee",
    "v": "vee",
    "x": "ex",
    "z": "zee",
}
"""How a consonant letter is said: recognition writes a syllable as the letter it sounds like
("El Paso" heard as "L-Passel", "Ellis" as "L-is")."""


def spoken_letters(words: list[str]) -> str:
    """``words`` joined, each lone consonant letter spelled as said: "l passel" -> "elpassel".

    For comparing, by letters and sound, names that recognition split into a letter and a word.
    """
    return "".join(LETTER_NAMES.get(w, w) for w in words)


def _numbers_to_digits(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        value, used = _read_number(words, i)
        if used:
            out.append(str(value))
            i += used
        else:
            out.append(words[i])
            i += 1
    return out


def _read_number(words: list[str], start: int) -> tuple[int, int]:
    """Parse "two hundred and twenty" style numbers at ``start``: (value, words used).

    Numbers that do not compose stay apart ("three ten" -> 3, 10), which is what a code
    such as WB-310 read digit group by digit group needs.
    """
    total, current, i = 0, None, start
    while i < len(words):
        word = words[i]
        if word in _UNITS:
            unit = _UNITS[word]
            if current is None:
                current = unit
            elif (
                current >= 100
                and current % 100 == 0
                or (current >= 20 and current % 10 == 0 and current % 100 != 0 and unit < 10)
            ):
                current += unit
            else:
                break
        elif word in _TENS:
            if current is None:
                current = _TENS[word]
            elif current >= 100 and current % 100 == 0:
                current += _TENS[word]
            else:
                break
        elif word == "hundred" and current is not None and 0 < current < 100:
            current *= 100
        elif word == "thousand" and current is not None and 0 < current < 1000 and not total:
            total, current = current * 1000, None
        elif (
            word == "and"
            and current is not None
            and (current >= 100 or total)
            and i + 1 < len(words)
            and (words[i + 1] in _UNITS or words[i + 1] in _TENS)
        ):
            pass
        else:
            break
        i += 1
    if current is None and not total:
        return 0, 0
    return total + (current or 0), i - start
