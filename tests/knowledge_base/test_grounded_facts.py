"""Every number the grounded answerer speaks is backed by the facts attached to that answer.

For every intent of every question set, and for "what changed?" answered both from the
stored previous version and from the change notes written in the promotion file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from kb_helpers import DEFAULT_CONTACT, local

from knowledge_base.answering import Question, Role
from knowledge_base.change_summaries import ChangeSummary
from knowledge_base.fact_guard import check_facts
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from knowledge_base.models import Promotion
from knowledge_base.phrasing import rules_fact
from knowledge_base.speech import invented_numbers
from knowledge_base.versions import (
    canonical_text,
    change_lines,
    change_summary,
    read_history,
    spoken_names,
)
from voice_agent.benchmarks.answer_fixtures import load_questions, make_question

PROJECT = Path(__file__).resolve().parents[2]
CHAIN_SETS = sorted((PROJECT / "tests" / "fixtures" / "chains").glob("*/questions.yaml"))
# Blind chains' answers known to speak a figure their facts do not back, found by the chain's
# first typed bench run and kept here (not hidden) until the answerer is fixed on another
# unseen chain; a fixed answer fails the test until its entry is removed.
KNOWN_UNBACKED: dict[str, set[str]] = {
    # Three speak the digit of a product's own name ("7ft Comp Leash"), which the check reads as
    # a number (a false alarm of the check).
    "moana-surf": {
        "moa_in_leash_spend",
        "moa_basket_pintail_leash",
        "moa_basket_foamie_leash_wax",
    },
}


def stored_change_summaries(knowledge: KnowledgeBase, root: Path):
    """The hook as an adapter builds it: the diff against the stored previous version."""
    history, _ = read_history(root)
    names = spoken_names(knowledge)

    def summarize(promotion: Promotion, role: Role) -> ChangeSummary | None:
        earlier = [
            e.promotion
            for e in history.get(promotion.id, [])
            if e.promotion.version < promotion.version
        ]
        if not earlier:
            return None
        previous = earlier[-1]
        sentences = change_summary(previous, promotion, role=role, names=names)
        facts = [
            f"previous version {previous.version}: {line}"
            for line in canonical_text(previous).splitlines()
        ]
        facts += [  # as voice_agent.storage.published does: the field-level change lines
            f"{promotion.id} v{previous.version} -> v{promotion.version}: {line}"
            for line in change_lines(previous, promotion)
        ]
        facts += [f"{key}: {name}" for key, name in names.items() if name in " ".join(sentences)]
        facts += [
            f"version {previous.version}: " + rules_fact(previous, currency, "its scope")
            for currency in knowledge.currencies.values()
        ]
        return ChangeSummary(sentences=sentences, facts=facts) if sentences else None

    return summarize


def _answerer(kb_dir: Path | None, *, with_history: bool) -> GroundedAnswerer:
    knowledge = load_knowledge_base(kb_dir)
    root = kb_dir or SAMPLE_DATA_DIR
    return GroundedAnswerer(
        knowledge=knowledge,
        default_contact=DEFAULT_CONTACT,
        change_summaries=stored_change_summaries(knowledge, root) if with_history else None,
    )


def _cases() -> list[tuple[str, Path | None, Path]]:
    cases: list[tuple[str, Path | None, Path]] = [
        ("sample", None, PROJECT / "tests" / "fixtures" / "questions.yaml")
    ]
    for path in CHAIN_SETS:
        chain = path.parent.name
        cases.append((chain, PROJECT / "knowledge_base" / "samples" / chain, path))
    return cases


@pytest.mark.parametrize("with_history", [True, False], ids=["stored-diff", "written-notes"])
@pytest.mark.parametrize(("chain", "kb_dir", "questions"), _cases(), ids=[c[0] for c in _cases()])
def test_every_spoken_number_is_in_the_answers_own_facts(chain, kb_dir, questions, with_history):
    answerer = _answerer(kb_dir, with_history=with_history)
    question_set = load_questions(questions)
    zones = {s: answerer._kb.zone_name(s) or "UTC" for s in answerer._kb.stores}
    unbacked = {}
    for fixture in question_set.questions:
        answer = answerer.answer_now(make_question(fixture, question_set, zones))
        check = check_facts(answer.text, answer.facts)
        digits = invented_numbers(answer.text, answer.facts)
        if not check.ok or digits:
            unbacked[fixture.id] = (answer.text, check.describe(), digits)
    assert set(unbacked) == KNOWN_UNBACKED.get(chain, set()), unbacked


@pytest.mark.parametrize("with_history", [True, False], ids=["stored-diff", "written-notes"])
def test_what_changed_carries_the_previous_versions_numbers(with_history) -> None:
    answerer = _answerer(None, with_history=with_history)
    answer = answerer.answer_now(
        Question(
            text="What changed in the weekend offer?",
            asked_at=local("SH-01", "2026-11-28T15:00"),
        )
    )
    assert "15 percent" in answer.text and "20 percent" in answer.text
    assert check_facts(answer.text, answer.facts).ok, answer.facts


def test_a_change_summary_without_facts_is_caught_by_the_check(knowledge) -> None:
    def bare(promotion: Promotion, role: Role) -> ChangeSummary:
        return ChangeSummary(
            sentences=["The discount went up from 15 percent to 20 percent."], facts=[]
        )

    answerer = GroundedAnswerer(
        knowledge=knowledge, default_contact=DEFAULT_CONTACT, change_summaries=bare
    )
    answer = answerer.answer_now(
        Question(
            text="What changed in the weekend offer?", asked_at=local("SH-01", "2026-11-28T15:00")
        )
    )
    assert [c.value for c in check_facts(answer.text, answer.facts).unsupported] == ["15%"]


def test_a_previous_discount_no_text_mentions_is_backed_by_its_rules(sample_copy) -> None:
    v1 = sample_copy / "history" / "weekend-running" / "v1.yaml"
    stored = yaml.safe_load(v1.read_text(encoding="utf-8"))
    stored["promotion"]["rules"][0]["percent"] = 10
    del stored["promotion"]["talk_track"]  # no text of version 1 says "10 percent"
    stored["promotion"]["changes"] = [{"version": 1, "notes": ["First version."]}]
    v1.write_text(yaml.safe_dump(stored, allow_unicode=True), encoding="utf-8")
    knowledge = load_knowledge_base(sample_copy)
    answerer = GroundedAnswerer(
        knowledge=knowledge,
        default_contact=DEFAULT_CONTACT,
        change_summaries=stored_change_summaries(knowledge, sample_copy),
    )
    answer = answerer.answer_now(
        Question(
            text="What changed in the weekend offer?",
            asked_at=local("SH-01", "2026-11-28T15:00"),
        )
    )
    assert "from 10 percent to 20 percent" in answer.text
    assert check_facts(answer.text, answer.facts).ok, answer.facts
