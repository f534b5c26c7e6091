"""The ports of a local ``livekit-server``: the ones it is given, and free ones picked.

A server has three: HTTP/WebSocket, ICE over TCP, and the single UDP port for media.
:class:`ServerPorts` keeps the given ones and picks the missing ones afresh at each start
(:func:`pick_free_port`), so parallel test runs do not clash; after a start they can be
kept, so a restarted server comes back where its clients were.
"""

from __future__ import annotations

import socket

from voice_agent.livekit.errors import LiveKitServerError


def pick_free_port(host: str = "127.0.0.1", *, udp: bool = False) -> int:
    """A port on ``host`` that is free right now (the OS picks it)."""
    kind = socket.SOCK_DGRAM if udp else socket.SOCK_STREAM
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class ServerPorts:
    """The three ports of one server on ``host``; ``None`` for one picked at each start."""

    def __init__(
        self, host: str, *, http: int | None, rtc_tcp: int | None, rtc_udp: int | None
    ) -> None:
        self._host = host
        self._given = (http, rtc_tcp, rtc_udp)
        self.http, self.rtc_tcp, self.rtc_udp = self._given

    @property
    def http_given(self) -> bool:
        """The HTTP/WebSocket port was given, not picked."""
        return self._given[0] is not None

    @property
    def any_picked(self) -> bool:
        """At least one port is picked at each start."""
        return None in self._given

    def require_http(self) -> int:
        """The HTTP/WebSocket port.

        Raises:
            LiveKitServerError: None was given and none is picked yet (``not_started``).
        """
        if self.http is None:
            raise LiveKitServerError("the server has no port before start()", code="not_started")
        return self.http

    def choose(self) -> None:
        """Pick a free port for each one not given (the TCP ones never the same)."""
        http, tcp, udp = self._given
        self.http = http or pick_free_port(self._host)
        self.rtc_tcp = tcp or pick_free_port(self._host)
        while self.rtc_tcp == self.http:
            self.rtc_tcp = pick_free_port(self._host)
        self.rtc_udp = udp or pick_free_port(self._host, udp=True)

    def keep(self) -> None:
        """From now on, the ports in use count as given."""
        self._given = (self.http, self.rtc_tcp, self.rtc_udp)
