"""Transcripts are written in the knowledge base's script: Simplified Chinese."""

from __future__ import annotations

from pipelines.simplified_chinese import simplified


def test_traditional_characters_become_simplified() -> None:
    assert simplified("收銀系統顯示有貨，計劃是兩百") == "收银系统显示有货，计划是两百"


def test_english_and_mixed_text_keep_their_latin_words() -> None:
    assert (
        simplified("Is the AX-200 in the weekend offer?") == "Is the AX-200 in the weekend offer?"
    )
    assert simplified("Road Nova 賣完了") == "Road Nova 卖完了"


def test_simplified_text_is_left_as_it_is() -> None:
    assert simplified("冰川靴37码就剩一双了") == "冰川靴37码就剩一双了"
