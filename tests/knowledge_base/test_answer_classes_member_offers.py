"""When several offers apply to an item, "the discount" is the one every customer gets.

Found on the Folha Books chain: asked for the discount on a category at a store where one
offer is for everyone and another only for members, the answer gave the members-only offer
as "the discount". Shown on a copy of the packaged sample chain with a members-only sock
offer added beside the Socks 3 for 2 (which everyone gets): the 3 for 2 is the answer, the
members' offer is named after it, and a question about members gets the members' offer.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT

from knowledge_base.answering import Question
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

PROJECT = Path(__file__).resolve().parents[2]
SATURDAY = "2026-11-28T15:00"
MEMBERS_SOCKS = """\
id: aa-member-wool-days
version: 1
status: published
title: Member Wool Days
window: {start: 2026-11-27, end: 2026-11-30}
regions: [east-china]
scope: {skus: [SK-WOOL]}
rules:
  - {kind: amount_off, amount: {CNY: 20, SGD: 4, EUR: 3}, members_only: true}
stacking: {stacks_with: [socks-3for2]}
contact: lin-wei
talk_track: Members get 20 yuan off each pair of Wool Hiking Socks.
changes:
  - version: 1
    notes: [First version.]
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> GroundedAnswerer:
    target = tmp_path_factory.mktemp("kb") / "data"
    shutil.copytree(PROJECT / "knowledge_base" / "data", target)
    (target / "promotions" / "aa-member-wool-days.yaml").write_text(MEMBERS_SOCKS)
    return GroundedAnswerer(knowledge=load_knowledge_base(target), default_contact=DEFAULT_CONTACT)


def _ask(answerer: GroundedAnswerer, text: str) -> str:
    asked = datetime.fromisoformat(SATURDAY).replace(tzinfo=answerer._kb.zone("SH-01"))  # noqa: SLF001
    return answerer.answer_now(Question(text=text, store_id="SH-01", asked_at=asked)).text


@pytest.mark.parametrize(
    "question", ["What's the discount on socks?", "What's the discount on the wool socks?"]
)
def test_the_offer_for_everyone_is_the_discount_and_the_members_one_is_named_after(
    sample, question
) -> None:
    text = _ask(sample, question)
    first, _, rest = text.partition(". ")
    assert "Socks 3 for 2" in first, text
    assert "Member Wool Days" not in first, text
    assert "Member Wool Days" in rest and "members get 20 yuan off" in rest, text


def test_a_question_about_members_answers_with_the_members_offer(sample) -> None:
    text = _ask(sample, "What's the member discount on the wool socks?")
    assert "Member Wool Days" in text.partition(". ")[0], text
