"""LiveKit's agent dispatch, as our service uses it: one agent name, clerk rooms only.

A clerk's token carries a room configuration asking LiveKit to dispatch
:data:`AGENT_NAME` when the clerk's join creates the room (see
:func:`voice_agent.livekit.tokens.mint_token`); LiveKit then offers the job to a worker
with room to spare (see :mod:`voice_agent.worker.agent_server`).
"""

from __future__ import annotations

import json

from livekit import api

AGENT_NAME = "promo-assistant"
"""The name workers register under (explicit dispatch: LiveKit sends only named jobs)."""


def clerk_room_config(
    *, identity: str, store_id: str | None, role: str = "clerk"
) -> api.RoomConfiguration:
    """The room configuration that dispatches the assistant when the clerk's room starts.

    ``role`` (``clerk``, ``store_manager`` or ``regional_manager``, whose own room it is)
    travels in the job's metadata: the worker answers that person in that role (see
    :func:`dispatched_role`).
    """
    return api.RoomConfiguration(
        agents=[
            api.RoomAgentDispatch(
                agent_name=AGENT_NAME,
                metadata=dispatch_metadata(identity=identity, store_id=store_id, role=role),
            )
        ]
    )


def dispatch_metadata(*, identity: str, store_id: str | None, role: str = "clerk") -> str:
    """The job metadata of a dispatch to ``identity``'s room: who, which store, which role."""
    return json.dumps({"clerk": identity, "store_id": store_id, "role": role}, sort_keys=True)


def dispatched_role(metadata: str) -> str:
    """The role a dispatched job's metadata names (``clerk`` when it names none)."""
    try:
        document = json.loads(metadata) if metadata else {}
    except ValueError:
        return "clerk"
    role = document.get("role") if isinstance(document, dict) else None
    return role if isinstance(role, str) and role else "clerk"
