"""The Mandarin fixture voice: Chinese text to MBROLA ``cn1`` phonemes (scripts/fixture_audio).

Rendering itself needs Debian's non-free ``mbrola`` and ``mbrola-cn1`` (only to regenerate
fixtures); these tests check the text side, which decides what the recordings say.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from fixture_audio.mandarin import (  # noqa: E402
    FINALS,
    chinese_number,
    phones,
    read_numbers,
    segments,
    split_syllable,
)


@pytest.mark.parametrize(
    ("syllable", "parts"),
    [
        ("hao", ("h", "ao")),
        ("huang", ("hu", "ang")),  # a compound final lends its first vowel to the initial
        ("bian", ("bi", "an")),
        ("shuo", ("shu", "o")),
        ("zhi", ("zh", "ll")),  # the i of zhi/chi/shi/ri
        ("si", ("s", "ii")),  # the i of zi/ci/si
        ("ju", ("j", "v")),  # after j, q, x and y, u is ü
        ("yuan", ("yu", "an")),
        ("xue", ("x", "ue")),
        ("lve", ("l", "ue")),
        ("er", ("", "er")),
        ("ye", ("y", "e")),  # cn1 has no y-ie diphone
    ],
)
def test_a_pinyin_syllable_splits_into_the_voices_initial_and_final(
    syllable: str, parts: tuple[str, str]
) -> None:
    assert split_syllable(syllable) == parts
    assert parts[1] in FINALS


@pytest.mark.parametrize(
    ("digits", "read"),
    [
        ("0", "零"),
        ("10", "十"),
        ("40", "四十"),
        ("105", "一百零五"),
        ("1050", "一千零五十"),
        ("12000", "一万二千"),
        ("10005", "一万零五"),
    ],
)
def test_numbers_are_read_in_chinese(digits: str, read: str) -> None:
    assert chinese_number(digits) == read


def test_percentages_and_decimals_are_read_as_a_clerk_says_them() -> None:
    assert read_numbers("打八折20%，3.5元") == "打八折百分之二十，三点五元"


def test_latin_runs_are_kept_for_the_english_voice_and_sizes_are_read_in_chinese() -> None:
    runs = segments("Road Nova 40码又卖完了，AX-200也没货。")
    assert [kind for kind, _ in runs] == ["en", "zh", "en", "zh"]
    assert runs[0] == ("en", "Road Nova") and runs[2] == ("en", "AX-200")
    assert runs[1][1] == [("si", 4), ("shi", 2), ("ma", 3), ("you", 4), ("mai", 4)] + [
        ("wan", 2),
        ("le", 5),
        0.22,
    ]


def test_every_syllable_is_joined_through_silence_and_carries_its_tone() -> None:
    lines = [phone.line() for phone in phones([("hao", 3), 0.2, ("ma", 5)])]
    assert lines[:4] == ["_ 80", "h 95", "ao 230 0 205 60 165 100 200", "_ 0"]
    assert lines[4] == "_ 200"  # the comma's pause
    assert lines[-1] == "_ 120"
