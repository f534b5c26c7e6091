"""Fixtures for the answerer tests: a real llama.cpp server, the sample knowledge base."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from answerer_support import TOOLS_TEMPLATE, LlamaServer, running_llama_server

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M and a tool-calling chat template.

    Started once per session (the model loads in well under a second, the server in about
    two); stopped with SIGTERM at the end. Its log is kept in the pytest temp directory.
    """
    with running_llama_server(tmp_path_factory.mktemp("llama"), template=TOOLS_TEMPLATE) as server:
        yield server


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The packaged sample chain."""
    return load_knowledge_base()
