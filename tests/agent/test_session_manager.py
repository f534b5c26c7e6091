"""The session manager without LiveKit: what each session is built of, and capacity.

A stand-in connection (a real :class:`RoomConnection` subclass whose ``run`` joins at once
and serves until closed) replaces the LiveKit room; the sessions, the manager and the
factory around it are the real ones. ``tests/service/test_service_sessions.py`` runs the
same manager against a real LiveKit server.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from knowledge_base.answering import Role
from pipelines.answer_processor import CallerProfile
from pipelines.voice_loop import SessionProcessorFactory, VoiceLoopConfig
from voice_agent.agent.connection import RoomConnection
from voice_agent.agent.errors import CapacityReachedError
from voice_agent.agent.lifecycle import EndReason, SessionState
from voice_agent.agent.manager import SessionManager
from voice_agent.agent.transport import LiveKitEndpoint

ENDPOINT = LiveKitEndpoint(url="ws://127.0.0.1:1", api_key="unused", api_secret="unused")
CLERK = CallerProfile(store_id="SH-01")
MANAGER = CallerProfile(role=Role.STORE_MANAGER, store_id="SH-01")


class ServesUntilClosed(RoomConnection):
    """Joins at once and serves until closed; remembers what each connection was given."""

    given: list[dict[str, Any]] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        type(self).given.append(kwargs)
        self._on_connected_ = kwargs["on_connected"]
        self._closed = asyncio.Event()

    async def run(self) -> EndReason:
        self._on_connected_()
        await self._closed.wait()
        return "stopped"

    async def close(self) -> None:
        self._closed.set()


def _managers_only(identity: str, caller: CallerProfile) -> SessionProcessorFactory | None:
    if caller.role is not Role.STORE_MANAGER:
        return None

    def build(**_: Any) -> list[Any]:
        return []

    return build  # type: ignore[return-value]


def _manager(
    capacity: int = 1,
    connection: type[ServesUntilClosed] | None = None,
    **options: Any,
) -> tuple[SessionManager, type[ServesUntilClosed]]:
    """A manager whose sessions connect with ``connection`` (a fresh ``ServesUntilClosed``)."""
    connection = connection or type("Serves", (ServesUntilClosed,), {"given": []})
    manager = SessionManager(
        runtime=None,  # type: ignore[arg-type]  # the stand-in connection needs no models
        endpoint=ENDPOINT,
        capacity=capacity,
        loop_config=VoiceLoopConfig(),
        connect_timeout_secs=7.0,
        clerk_absent_timeout_secs=9.0,
        connection_class=connection,
        session_processors=_managers_only,
        **options,
    )
    return manager, connection


async def _connected(manager: SessionManager, room: str) -> None:
    for _ in range(100):
        if manager.get(room).state is SessionState.CONNECTED:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{room} never connected")


async def test_each_session_joins_with_the_managers_tuning_and_its_clerks_processors() -> None:
    manager, connection = _manager(capacity=2)
    await manager.start("store-SH-01-clerk-ana", "ana", CLERK)
    await manager.start("store-SH-01-manager-mo", "mo", MANAGER)
    await _connected(manager, "store-SH-01-clerk-ana")
    await _connected(manager, "store-SH-01-manager-mo")

    given = {g["clerk_identity"]: g for g in connection.given}
    assert given["ana"]["connect_timeout_secs"] == 7.0
    assert given["ana"]["clerk_absent_timeout_secs"] == 9.0
    assert given["ana"]["endpoint"] == ENDPOINT
    assert given["ana"]["session_processors"] is None
    assert given["mo"]["session_processors"] is not None
    assert manager.session_processors_for("mo", MANAGER) is not None
    await manager.close()


async def test_a_session_beyond_capacity_is_refused_until_a_slot_is_free() -> None:
    manager, _ = _manager(capacity=1)
    await manager.start("store-SH-01-clerk-ana", "ana", CLERK)
    with pytest.raises(CapacityReachedError):
        await manager.start("store-SH-01-clerk-ben", "ben", CLERK)
    assert [r.room for r in manager.refusals()] == ["store-SH-01-clerk-ben"]

    stopped = await manager.stop("store-SH-01-clerk-ana")
    assert stopped.state is SessionState.STOPPED
    await manager.start("store-SH-01-clerk-ben", "ben", CLERK)
    await _connected(manager, "store-SH-01-clerk-ben")
    assert [info.room for info in manager.list()] == ["store-SH-01-clerk-ben"]
    await manager.close()


class IgnoresClose(ServesUntilClosed):
    """Serves until cancelled: a session whose connection does not end when told to."""

    async def close(self) -> None:
        pass


async def test_a_session_that_does_not_end_within_the_stop_timeout_is_cancelled() -> None:
    slot_changes: list[int] = []
    manager, _ = _manager(connection=IgnoresClose, stop_timeout_secs=0.05)
    manager.watch_slots(lambda: slot_changes.append(manager.staying))
    await manager.start("store-SH-01-clerk-ana", "ana", CLERK)
    await _connected(manager, "store-SH-01-clerk-ana")

    stopped = await manager.stop("store-SH-01-clerk-ana")

    assert stopped.state is SessionState.STOPPED
    assert stopped.ended_at is not None
    assert manager.active == 0
    assert manager.list() == []
    assert slot_changes[0] == 1 and slot_changes[-1] == 0
    await manager.close()


class IgnoresCancel(ServesUntilClosed):
    """Serves on when told to close and when cancelled, until the test lets it go."""

    let_go: asyncio.Event

    async def run(self) -> EndReason:
        self._on_connected_()
        while not self.let_go.is_set():
            with contextlib.suppress(asyncio.CancelledError):
                await self.let_go.wait()
        return "stopped"

    async def close(self) -> None:
        pass


async def test_a_session_that_outlives_its_cancellation_gives_its_slot_up_all_the_same() -> None:
    connection = type("Stuck", (IgnoresCancel,), {"given": [], "let_go": asyncio.Event()})
    manager, _ = _manager(connection=connection, stop_timeout_secs=0.05)
    await manager.start("store-SH-01-clerk-ana", "ana", CLERK)
    await _connected(manager, "store-SH-01-clerk-ana")

    closing = asyncio.ensure_future(manager.close())
    done, _ = await asyncio.wait({closing}, timeout=5.0)

    assert done, "closing the manager waited for a session that swallows its cancellation"
    assert manager.active == 0
    assert manager.list() == []
    connection.let_go.set()  # the task left behind ends with the test
    await asyncio.sleep(0.05)


async def test_a_failing_event_observer_does_not_break_the_session_nor_its_history() -> None:
    seen: list[str] = []

    def observer(event: Any) -> None:
        seen.append(event.type)
        raise RuntimeError("observer broke")

    manager, _ = _manager(on_event=observer)
    room = "store-SH-01-clerk-ana"
    await manager.start(room, "ana", CLERK)
    await _connected(manager, room)
    await manager.stop(room)

    kept = [event.type for event in manager.events(room)]
    assert kept[0] == "session_started" and kept[-1] == "session_stopped"
    assert seen == kept
    await manager.close()
