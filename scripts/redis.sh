#!/usr/bin/env bash
# Run redis-server (Debian's redis-server package) on loopback, in the foreground, with
# nothing written to disk: the shared state of a LiveKit cluster for tests and a laptop.
#
#   scripts/redis.sh               # port 6379
#   PORT=6390 scripts/redis.sh     # another port
#
# The cluster tests (tests/livekit/test_cluster.py) start it through this script on a free
# port. Point every livekit-server node at it (LocalLiveKitServer(redis_address=...), or
# `redis: {address: 127.0.0.1:6379}` in a node's YAML); see docs/cluster.md.
# Ctrl-C or SIGTERM stops it.
set -euo pipefail

PORT="${PORT:-6379}"
BIN="${REDIS_SERVER_BIN:-$(command -v redis-server || true)}"
if [[ -z "$BIN" ]]; then
  echo "redis-server not found: apt-get install -y redis-server (or set REDIS_SERVER_BIN)" >&2
  exit 2
fi
exec "$BIN" --bind 127.0.0.1 --port "$PORT" --protected-mode yes \
  --save "" --appendonly no --daemonize no --loglevel warning
