"""What a ``livekit-server`` child is told: its YAML config and a clean environment."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

# Environment variables the binary reads as flags; a stray one would override our config.
_SERVER_ENV_OVERRIDES = (
    "LIVEKIT_CONFIG",
    "LIVEKIT_KEYS",
    "LIVEKIT_REGION",
    "NODE_IP",
    "UDP_PORT",
    "REDIS_HOST",
    "REDIS_PASSWORD",
    "LIVEKIT_TURN_CERT",
    "LIVEKIT_TURN_KEY",
)


def server_environment() -> dict[str, str]:
    """The environment of this process minus the variables the binary reads as flags."""
    return {k: v for k, v in os.environ.items() if k not in _SERVER_ENV_OVERRIDES}


def server_config(
    *,
    host: str,
    port: int,
    rtc_ports: tuple[int | None, int | None],
    keys: Mapping[str, str],
    departure_timeout_secs: int,
    redis_address: str | None = None,
    webhook_urls: Sequence[str] = (),
) -> dict[str, Any]:
    """The YAML config of one node: loopback ports, keys, Redis and webhooks when given.

    Args:
        host: Address to bind and to advertise.
        port: HTTP/WebSocket port.
        rtc_ports: ``(tcp, udp)`` media ports.
        keys: API key -> secret; the first key also signs webhooks.
        departure_timeout_secs: Seconds a room lives on after its last participant left.
        redis_address: ``host:port`` of the cluster's shared Redis; ``None``: one node.
        webhook_urls: Where webhook events are posted.
    """
    tcp_port, udp_port = rtc_ports
    config: dict[str, Any] = {
        "port": port,
        "bind_addresses": [host],
        "rtc": {
            "tcp_port": tcp_port,
            "udp_port": udp_port,
            "use_external_ip": False,
            "node_ip": host,
        },
        "keys": dict(keys),
        "room": {"departure_timeout": departure_timeout_secs},
        "logging": {"level": "info", "json": False},
    }
    if redis_address:
        config["redis"] = {"address": redis_address}
    if webhook_urls:
        config["webhook"] = {"api_key": next(iter(keys)), "urls": list(webhook_urls)}
    return config
