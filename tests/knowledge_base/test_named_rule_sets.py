"""A rule set may carry a name of its own ("Grand Sunday"): a question naming it is about it."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base import catalogue_lookup
from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base, validate_knowledge_base
from knowledge_base.promotion_names import named_rule_set, promotion_names

PROJECT = Path(__file__).resolve().parents[2]
NORTHBOUND = PROJECT / "knowledge_base" / "samples" / "northbound-sports"
PUCK_DROP = "promotions/puck-drop.yaml"


@pytest.fixture(scope="module")
def northbound() -> GroundedAnswerer:
    return GroundedAnswerer(
        knowledge=load_knowledge_base(NORTHBOUND), default_contact=DEFAULT_CONTACT
    )


def _ask(answerer: GroundedAnswerer, text: str, at: str = "2026-10-30T11:00") -> str:
    asked = datetime.fromisoformat(at).replace(tzinfo=answerer._kb.zone("TOR-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="TOR-01", asked_at=asked)).text


def test_a_rule_sets_name_is_a_name_of_its_promotion(northbound) -> None:
    knowledge = northbound._kb  # noqa: SLF001
    puck_drop = knowledge.promotion("puck-drop")
    assert "Grand Sunday" in promotion_names(puck_drop)
    mentions = catalogue_lookup.catalogue_matcher(knowledge).mentions(
        "is the stick cheaper on grand sunday"
    )
    promotion, rule_set = named_rule_set(mentions, knowledge) or (None, None)
    assert promotion is puck_drop
    assert rule_set is puck_drop.rule_sets[0]


def test_naming_a_rule_set_answers_for_its_first_day_with_its_rules(northbound) -> None:
    # Asked on Friday: the Blade Pro is 25 percent off today, 40 percent on Grand Sunday.
    text = _ask(northbound, "How much off is the Blade Pro stick on Grand Sunday?")
    assert "Sunday 1 November" in text
    assert "40 percent" in text
    assert "25 percent" not in text
    assert "25 percent" in _ask(northbound, "How much off is the Blade Pro stick?")


def test_a_day_said_in_the_answer_is_not_said_twice(northbound) -> None:
    text = _ask(northbound, "What's this Grand Sunday stick deal?")
    assert text.count("Sunday 1 November") == 1


def _northbound_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(NORTHBOUND, target)
    return target


def test_a_rule_set_name_in_two_languages_loads(tmp_path: Path) -> None:
    kb = _northbound_copy(tmp_path)
    path = kb / PUCK_DROP
    text = path.read_text(encoding="utf-8")
    text = text.replace("  - name: Grand Sunday", "  - name: {en: Grand Sunday, zh-CN: 超级周日}")
    path.write_text(text, encoding="utf-8")
    knowledge = load_knowledge_base(kb)
    assert "超级周日" in promotion_names(knowledge.promotion("puck-drop"))


def test_a_bad_rule_set_name_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    kb = _northbound_copy(tmp_path)
    path = kb / PUCK_DROP
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, t in enumerate(lines, start=1) if t.startswith("  - name: Grand Sunday"))
    lines[line - 1] = "  - name: [Grand, Sunday]\n"
    path.write_text("".join(lines), encoding="utf-8")
    errors = [i for i in validate_knowledge_base(kb) if i.severity == "error"]
    assert errors, "a list is no name"
    assert {(Path(i.file).name, i.line) for i in errors} == {("puck-drop.yaml", line)}
    assert all(i.field.startswith("rule_sets[0].name") for i in errors)


def test_a_rule_set_name_another_promotion_answers_to_is_an_error(tmp_path: Path) -> None:
    # "Puck Drop" (the Puck Drop Frenzy's own alias) as another offer's rule-set name would
    # turn questions about one offer into answers about the other.
    kb = _northbound_copy(tmp_path)
    path = kb / "promotions" / "camp-spend.yaml"
    text = path.read_text(encoding="utf-8")
    assert "\nrules:" in text
    text = text.replace(
        "\nrules:",
        "\nrule_sets:\n  - name: Puck Drop\n    scope: {categories: [camping]}\n"
        "    rules: [{kind: percent_off, percent: 5}]\nrules:",
        1,
    )
    path.write_text(text, encoding="utf-8")
    clashes = [i for i in validate_knowledge_base(kb) if i.code == "name_clash"]
    assert [(Path(i.file).name, i.field, i.severity) for i in clashes] == [
        ("camp-spend.yaml", "rule_sets[0].name", "error")
    ]
    assert "puck-drop" in clashes[0].message
