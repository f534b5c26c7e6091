"""Helpers shared by the knowledge-base tests (imported as ``kb_helpers``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import yaml

from knowledge_base.answering import Answer, Question, Role
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.loader import load_knowledge_base

SAMPLES = Path(__file__).resolve().parents[2] / "knowledge_base" / "samples"
"""The sample chains' knowledge bases, one folder per chain."""
CHAIN_QUESTIONS = Path(__file__).resolve().parents[1] / "fixtures" / "chains"
"""The sample chains' question files: ``<chain>/questions.yaml``."""
DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"
ZONES = {
    "SH-01": "Asia/Shanghai",
    "SH-02": "Asia/Shanghai",
    "HZ-01": "Asia/Shanghai",
    "SG-01": "Asia/Singapore",
    "BER-01": "Europe/Berlin",
}


def local(store_id: str, text: str) -> datetime:
    """Wall-clock time at a store as an aware datetime: ``local("SH-01", "2026-11-28T15:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONES[store_id]))


def sample_answerer(chain: str | None = None) -> GroundedAnswerer:
    """The grounded answerer of ``knowledge_base/samples/<chain>`` (``None``: the packaged one)."""
    knowledge = load_knowledge_base(None if chain is None else SAMPLES / chain)
    return GroundedAnswerer(knowledge=knowledge, default_contact=DEFAULT_CONTACT)


def ask_at(
    answerer: GroundedAnswerer, text: str, store: str, at: str, *, role: Role = Role.CLERK
) -> Answer:
    """Ask ``text`` at ``store`` at the wall-clock time ``at`` in that store's own zone."""
    zone = answerer._kb.zone(store)  # noqa: SLF001 - the chain's own zone for a local time
    asked = datetime.fromisoformat(at).replace(tzinfo=zone)
    return answerer.answer_now(Question(text=text, store_id=store, asked_at=asked, role=role))


class SampleChain(NamedTuple):
    """Where and when a sample chain's questions are asked: its name, a store, a local time."""

    name: str
    store: str
    at: str


def sample_chain(name: str, store: str | None = None) -> SampleChain:
    """A sample chain asked as its question file asks it: its default store (or ``store``)
    at its reference time."""
    header: list[str] = []
    with (CHAIN_QUESTIONS / name / "questions.yaml").open(encoding="utf-8") as questions:
        for line in questions:
            if line.startswith("questions:"):
                break
            header.append(line)
    settings = yaml.safe_load("".join(header))
    at = settings["reference_time"]
    at = at.isoformat(timespec="minutes") if isinstance(at, datetime) else str(at)[:16]
    return SampleChain(name, store or settings["default_store"], at)


def ask_sample(chain: SampleChain, text: str, store: str | None = None) -> Answer:
    """Ask ``text`` of a sample chain at its store (or ``store``) and time."""
    return ask_at(sample_answerer(chain.name), text, store or chain.store, chain.at)


def generated_promotion(index: int) -> str:
    """A realistic promotion file: one SKU, one day from 2027 on, stacking with everything."""
    day = 1 + index % 28
    month = 1 + (index // 28) % 12
    year = 2027 + index // (28 * 12)
    sku = ["AX-200", "RN-300", "TR-900", "CL-50", "JK-700", "TE-100"][index % 6]
    return f"""id: generated-{index:05d}
version: 1
status: published
title: {{en: Generated Offer {index}, zh-CN: 生成优惠{index}}}
aliases: [offer {index}]
window:
  start: {year}-{month:02d}-{day:02d}T00:00
  end: {year}-{month:02d}-{day:02d}
regions: [east-china, singapore]
scope:
  skus: [{sku}]
rules:
  - kind: percent_off
    percent: {5 + index % 30}
  - kind: member_extra_percent
    percent: 5
limit: {{per_customer: 2, unit: {{en: pairs, zh-CN: 双}}}}
stacking:
  stacks_with: ["*"]
contact: lin-wei
talk_track:
  en: Generated offer {index} takes {5 + index % 30} percent off.
  zh-CN: 生成优惠{index}优惠{5 + index % 30}%。
faqs:
  - question: {{en: "Can it be combined with a coupon?"}}
    answer: {{en: "No, coupons cannot be combined."}}
store_manager_notes: [Put one extra person on the floor.]
changes:
  - version: 1
    notes: [First version.]
"""
