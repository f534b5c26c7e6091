"""Fixtures for the knowledge-base tests: the sample chain, an answerer, a writable copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kb_helpers import DEFAULT_CONTACT, local

from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The packaged sample chain."""
    return load_knowledge_base()


@pytest.fixture(scope="session")
def answerer(knowledge: KnowledgeBase) -> GroundedAnswerer:
    """The grounded answerer over the sample chain, clock at the fixture reference time."""
    return GroundedAnswerer(
        knowledge=knowledge,
        default_contact=DEFAULT_CONTACT,
        clock=lambda: local("SH-01", "2026-11-28T15:00"),
    )


@pytest.fixture(scope="module")
def sample(knowledge: KnowledgeBase) -> GroundedAnswerer:
    """The grounded answerer over the sample chain on the real clock (tests give asked_at)."""
    return GroundedAnswerer(knowledge=knowledge, default_contact=DEFAULT_CONTACT)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample knowledge base."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLE_DATA_DIR, target)
    return target
