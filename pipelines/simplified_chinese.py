"""Whisper's Chinese in the script the knowledge base is written in (Simplified).

Whisper base, told Chinese, often writes Mandarin in Traditional characters (each of the five
recordings of ``tests/fixtures/feedback/audio_zh/``: "满减" came back as "滿減", "计划" as
"計劃"), while the knowledge base, the feedback classifier and the answerer read Simplified
Chinese (``zh-CN``). OpenCC's Traditional-to-Simplified table puts every transcript into one
script; text without Han characters is returned as it is.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from knowledge_base.words import has_cjk


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """``text`` with Traditional Han characters written in Simplified ones."""
    if not has_cjk(text):
        return text
    return str(_converter().convert(text))
