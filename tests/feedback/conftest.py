"""Fixtures for the feedback adapter tests: the trained classifier, a real llama.cpp server.

The llama.cpp helpers and the scripted OpenAI-compatible server live with the answerer
tests; they are reused from there rather than copied.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "answerers"))

from answerer_support import LlamaServer, running_llama_server

from knowledge_base.feedback.classifier import OfflineClassifier  # noqa: E402
from voice_agent.feedback.sets import train_offline_classifier  # noqa: E402


@pytest.fixture(scope="session")
def offline_classifier() -> OfflineClassifier:
    """The offline classifier trained on the packaged set."""
    return train_offline_classifier()


@pytest.fixture(scope="session")
def feedback_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M (its own template: no tools needed)."""
    with running_llama_server(tmp_path_factory.mktemp("llama-feedback")) as server:
        yield server
