"""Mandarin for fixtures: Chinese text to MBROLA phonemes for the ``cn1`` voice (Debian non-free).

espeak-ng's own Mandarin is not readable by Whisper (it turns it into romanisation and unrelated
characters); the ``cn1`` diphone voice, given pinyin with tone contours, is. This module turns
text into that phoneme list; :mod:`.voices` runs ``mbrola`` on it and speaks Latin runs ("AX-200",
"Road Nova") with the English voice, as a clerk mixing the two languages would.

``cn1`` builds a syllable from an "initial" and a one-vowel "final"; a compound final lends its
first vowel to the initial (``huan`` is ``hu`` + ``an``, ``bian`` is ``bi`` + ``an``): the
database's README, ``/usr/share/doc/mbrola-cn1``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q")
INITIALS += ("x", "r", "z", "c", "s", "y", "w")
FINALS = frozenset(
    "a ai an ang ao e ei en eng er o ou i ie ll v ong in ing ii ui iu ue un u".split()
)
"""The one-vowel finals of ``cn1`` (``ll`` is the i of zhi/chi/shi/ri, ``ii`` that of zi/ci/si,
``v`` is ü)."""
_MEDIAL_FINALS = ("iang", "iong", "ian", "iao", "ia", "uang", "uai", "uan", "ua", "uo", "van")
"""Compound finals whose first vowel joins the initial."""

TONE_HZ: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((0, 300), (100, 295)),
    2: ((0, 215), (100, 315)),
    3: ((0, 200), (100, 165)),
    4: ((0, 340), (100, 185)),
    5: ((0, 225), (100, 205)),
}
"""Pitch contours (percent of the final, Hz) of the four tones and the neutral one.

The third tone is the low "half third" of running speech; a phrase's last one dips and rises."""
TONE3_FINAL = ((0, 205), (60, 165), (100, 200))
INITIAL_MS = {"b": 55, "d": 55, "g": 60, "p": 85, "t": 85, "k": 90, "m": 65, "n": 60, "l": 60}
INITIAL_MS |= {"f": 100, "h": 95, "s": 115, "sh": 115, "x": 115, "c": 120, "ch": 115, "q": 110}
INITIAL_MS |= {"z": 80, "zh": 80, "j": 75, "r": 70, "y": 50, "w": 50}
"""Lengths of the initials: unaspirated stops short, fricatives and aspirated ones long."""

DIGITS = "零一二三四五六七八九"
PAUSES = {"，": 0.22, ",": 0.22, "、": 0.15, "；": 0.3, "：": 0.2, ":": 0.2}
PAUSES |= {"。": 0.4, "！": 0.4, "？": 0.4, "!": 0.4, "?": 0.4, ".": 0.35, "…": 0.3, "～": 0.1}

Syllables = list[tuple[str, int] | float]
"""Toneless pinyin with its tone (5 for neutral), and pauses in seconds."""


@dataclass(frozen=True)
class Phone:
    """One line of a ``.pho`` file: a phoneme, its length and its pitch points."""

    name: str
    ms: int
    pitch: tuple[tuple[int, int], ...] = ()

    def line(self) -> str:
        points = " ".join(f"{at} {hz}" for at, hz in self.pitch)
        return f"{self.name} {self.ms} {points}".rstrip()


NEAREST = {"ye": ("y", "e"), "yo": ("y", "ou"), "lo": ("l", "e"), "wong": ("w", "eng")}
NEAREST |= {"rua": ("ru", "o"), "din": ("d", "ing"), "cei": ("c", "e"), "bong": ("b", "eng")}
NEAREST |= {"biang": ("bi", "an"), "fiao": ("f", "ou")}
"""Syllables whose diphones ``cn1`` lacks, spoken as the nearest ones it has (all of pypinyin's
readings were tried against the database)."""


def split_syllable(syllable: str) -> tuple[str, str]:
    """``cn1``'s (initial, final) of a toneless pinyin syllable (``v`` for ü); initial may be ''.

    >>> split_syllable("huang"), split_syllable("zhi"), split_syllable("yuan")
    (('hu', 'ang'), ('zh', 'll'), ('yu', 'an'))
    """
    s = syllable.replace("ü", "v")
    if s in ("m", "n", "ng", "hm", "hng"):
        return "", "en"
    initial = next((i for i in INITIALS if s.startswith(i) and len(s) > len(i)), "")
    final = s[len(initial) :]
    if initial in ("j", "q", "x", "y") and final.startswith("u"):
        final = "v" + final[1:]  # ju, que, xuan, yun: the u is ü
    if final == "i" and initial in ("zh", "ch", "sh", "r"):
        return initial, "ll"
    if final == "i" and initial in ("z", "c", "s"):
        return initial, "ii"
    if s in NEAREST:
        return NEAREST[s]
    if final == "ve":
        final = "ue"
    if final == "vn":
        final = "un"
    if final == "ong" and initial in ("j", "q", "x"):
        final = "iong"
    if final in _MEDIAL_FINALS:
        medial, rest = final[0], final[1:]
        if initial in ("y", "w"):
            return ("yu" if medial == "v" else initial), rest
        return initial + ("u" if medial == "v" else medial), rest
    if final not in FINALS:
        raise ValueError(f"pinyin {syllable!r}: no cn1 final for {final!r}")
    return initial, final


def _below_ten_thousand(value: int) -> str:
    out, zero = "", False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, value = divmod(value, size)
        if digit:
            out += ("零" if zero else "") + DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    return out


def chinese_number(digits: str) -> str:
    """A whole number read in Chinese characters ("40" -> "四十", "105" -> "一百零五").

    Past 99 999 999 the digits are read one by one, as codes are.
    """
    value = int(digits)
    if value == 0:
        return DIGITS[0]
    if value >= 100_000_000 or (len(digits) > 1 and digits.startswith("0")):
        return "".join(DIGITS[int(d)] for d in digits)
    high, low = divmod(value, 10_000)
    out = ""
    if high:
        out = _below_ten_thousand(high) + "万" + ("零" if 0 < low < 1000 else "")
    out += _below_ten_thousand(low)
    return out[1:] if out.startswith("一十") else out


def read_numbers(text: str) -> str:
    """Digits read in Chinese: percentages, decimals and whole numbers ("20%" -> "百分之二十")."""

    def decimal(match: re.Match[str]) -> str:
        whole, _, frac = match.group(0).partition(".")
        return chinese_number(whole) + "点" + "".join(DIGITS[int(d)] for d in frac)

    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", lambda m: "百分之" + read_numbers(m.group(1)), text)
    text = re.sub(r"\d+\.\d+", decimal, text)
    return re.sub(r"\d+", lambda m: chinese_number(m.group(0)), text)


def phones(pinyin: Syllables, *, pace: float = 1.0) -> list[Phone]:
    """The ``.pho`` lines of syllables ``(pinyin, tone)`` and pauses (seconds, as floats).

    ``pace`` above 1 speaks faster. A phrase's last syllable is held longer, as speakers do.
    """
    out = [Phone("_", 80)]
    for index, item in enumerate(pinyin):
        if isinstance(item, float):
            out.append(Phone("_", round(item * 1000)))
            continue
        syllable, tone = item
        initial, final = split_syllable(syllable)
        last = index + 1 == len(pinyin) or isinstance(pinyin[index + 1], float)
        final_ms = (230 if last else 165) * (0.8 if tone == 5 else 1.0)
        if initial:
            ms = INITIAL_MS.get(initial) or INITIAL_MS[initial[:-1]] + 45  # + its glide
            out.append(Phone(initial, round(ms / pace)))
        contour = TONE3_FINAL if tone == 3 and last else TONE_HZ[tone]
        out.append(Phone(final, round(final_ms / pace), contour))
        out.append(Phone("_", 0))  # cn1 joins syllables through silence: no final-initial diphones
    out.append(Phone("_", 120))
    return out


_TOKENS = re.compile(
    r"(?P<en>[A-Za-z][A-Za-z0-9'\-]*(?:\s+[A-Za-z][A-Za-z0-9'\-]*)*)"
    r"|(?P<zh>[\u3400-\u9fff]+)|(?P<number>\d+(?:\.\d+)?%?)|(?P<other>\S)"
)
"""Latin runs ("AX-200", "Road Nova", "X200": words that start with a letter), Han runs,
numbers read in Chinese, and single other characters (pauses or dropped)."""


def segments(text: str) -> list[tuple[str, str | Syllables]]:
    """``text`` as ``("en", words)`` and ``("zh", syllables and pauses)`` runs, in order."""
    from pypinyin import Style, lazy_pinyin

    out: list[tuple[str, str | Syllables]] = []
    zh: Syllables = []
    for match in _TOKENS.finditer(text):
        kind, token = match.lastgroup, match.group(0)
        if kind == "en":
            if zh:
                out.append(("zh", zh))
                zh = []
            out.append(("en", token))
            continue
        if kind == "other":
            if token in PAUSES:
                zh.append(PAUSES[token])
            continue
        han = read_numbers(token) if kind == "number" else token
        for reading in lazy_pinyin(
            han, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True
        ):
            zh.append((reading[:-1], int(reading[-1])))
    if zh:
        out.append(("zh", zh))
    return out


def pho(syllables: Syllables, *, pace: float = 1.0) -> str:
    """The ``.pho`` text of one Chinese run."""
    return "\n".join(phone.line() for phone in phones(syllables, pace=pace)) + "\n"
