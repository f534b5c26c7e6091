"""The language a store speaks: its own ``language``, else its region's, else English."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base, validate_knowledge_base
from knowledge_base.text import SPOKEN_LANGUAGES
from tests.conftest import FIXTURES

SAMPLES_DIR = FIXTURES.parents[1] / "knowledge_base" / "samples"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_sample_chain_speaks_chinese_in_east_china_and_english_elsewhere() -> None:
    knowledge = load_knowledge_base(SAMPLE_DATA_DIR)
    languages = {store: knowledge.language(store) for store in knowledge.stores}
    assert languages == {
        "SH-01": "zh-CN",
        "SH-02": "zh-CN",
        "HZ-01": "zh-CN",
        "SG-01": "en",
        "BER-01": "en",
    }
    # Singapore names English; Germany names nothing and gets the default.
    assert knowledge.stated_language("SG-01") == "en"
    assert knowledge.stated_language("BER-01") is None


def test_every_xingchen_digital_store_speaks_mandarin() -> None:
    knowledge = load_knowledge_base(SAMPLES_DIR / "xingchen-digital")
    assert {knowledge.language(store) for store in knowledge.stores} == {"zh-CN"}


def test_a_store_overrides_its_regions_language(sample_copy: Path) -> None:
    regions = sample_copy / "regions.yaml"
    _edit(
        regions,
        "name: {en: Shanghai Xintiandi, zh-CN: 上海新天地店}",
        "name: {en: Shanghai Xintiandi, zh-CN: 上海新天地店}\n        language: en",
    )
    _edit(
        regions,
        "name: {en: Berlin Alexanderplatz, zh-CN: 柏林亚历山大广场店}",
        "name: {en: Berlin Alexanderplatz, zh-CN: 柏林亚历山大广场店}\n        language: zh-CN",
    )
    knowledge = load_knowledge_base(sample_copy)
    assert knowledge.language("SH-02") == "en"
    assert knowledge.language("SH-01") == "zh-CN"
    assert knowledge.language("BER-01") == "zh-CN"


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        # A language the chain has no texts in (German), on a region.
        (
            "    time_zone: Europe/Berlin\n",
            "    time_zone: Europe/Berlin\n    language: de\n",
            37,
            "regions[2].language",
        ),
        # Whisper's code instead of the texts' tag, on a store.
        (
            "name: {en: Hangzhou West Lake, zh-CN: 杭州西湖店}",
            "name: {en: Hangzhou West Lake, zh-CN: 杭州西湖店}\n        language: zh",
            26,
            "regions[0].stores[2].language",
        ),
    ],
)
def test_a_language_the_texts_cannot_be_spoken_in_is_refused_with_file_line_and_field(
    sample_copy: Path, old: str, new: str, line: int, field: str
) -> None:
    _edit(sample_copy / "regions.yaml", old, new)
    errors = [i for i in validate_knowledge_base(sample_copy) if i.severity == "error"]
    assert [(Path(i.file).name, i.line, i.field) for i in errors] == [("regions.yaml", line, field)]
    assert all(tag in errors[0].message for tag in SPOKEN_LANGUAGES)
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(sample_copy)
