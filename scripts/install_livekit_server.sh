#!/usr/bin/env bash
# Build and install a pinned LiveKit server from its Go module.
#
# Usage:
#   scripts/install_livekit_server.sh            # installs into ~/.cache/voice-agent/bin
#   LIVEKIT_BIN_DIR=/opt/bin scripts/install_livekit_server.sh
#
# Idempotent: when ${LIVEKIT_BIN_DIR}/livekit-server already reports the pinned
# version, nothing is built. Needs Go >= 1.26 and the Go module proxy.
#
# Why v1.13.5: it is the newest release whose go.mod has no `replace` directives.
# v1.13.6 ... v1.13.11 replace pion/webrtc, pion/ice and pion/dtls with LiveKit
# forks (github.com/livekit/webrtc-pion/v4 v4.2.18-warp.*, livekit/ice/v4,
# livekit/dtls/v3) that the module proxy refuses ("403 ... not available");
# `go install` also rejects a module with replace directives. Dropping the
# replaces fails to compile (pkg/rtc/transport.go: se.EnableSped undefined).
set -euo pipefail

LIVEKIT_SERVER_VERSION="v1.13.5"
MODULE="github.com/livekit/livekit-server"
BIN_DIR="${LIVEKIT_BIN_DIR:-$HOME/.cache/voice-agent/bin}"
TARGET="${BIN_DIR}/livekit-server"
WANT="${LIVEKIT_SERVER_VERSION#v}"

log() { echo "[install_livekit_server] $*"; }

installed_version() {
    # Prints e.g. "1.13.5" for "livekit-server version 1.13.5"; nothing if absent.
    [[ -x "$TARGET" ]] || return 0
    "$TARGET" --version 2>/dev/null | awk '{print $NF}'
}

if [[ "$(installed_version)" == "$WANT" ]]; then
    log "livekit-server ${WANT} already installed at ${TARGET}; nothing to do"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    log "error: 'go' not found on PATH; install Go >= 1.26 (https://go.dev/dl/) and retry" >&2
    exit 2
fi
log "using $(go version)"

BUILD_DIR="$(mktemp -d)"
trap 'rm -rf "$BUILD_DIR"' EXIT

log "building ${MODULE}/cmd/server@${LIVEKIT_SERVER_VERSION} (a few minutes on 2 cores; module and build caches make reruns fast)"
start=$(date +%s)
GOBIN="$BUILD_DIR" GOFLAGS="${GOFLAGS:-} -buildvcs=false" \
    go install "${MODULE}/cmd/server@${LIVEKIT_SERVER_VERSION}"
log "build finished in $(( $(date +%s) - start )) s"

built_version="$("$BUILD_DIR/server" --version | awk '{print $NF}')"
if [[ "$built_version" != "$WANT" ]]; then
    log "error: built binary reports version '${built_version}', expected '${WANT}'" >&2
    exit 1
fi

mkdir -p "$BIN_DIR"
# Copy then rename, so a concurrent reader never sees a half-written binary.
install -m 0755 "$BUILD_DIR/server" "${TARGET}.tmp.$$"
mv -f "${TARGET}.tmp.$$" "$TARGET"
log "installed livekit-server ${built_version} at ${TARGET}"
