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


def clerk_room_config(*, identity: str, store_id: str | None) -> api.RoomConfiguration:
    """The room configuration that dispatches the assistant when the clerk's room starts."""
    metadata = json.dumps({"clerk": identity, "store_id": store_id}, sort_keys=True)
    return api.RoomConfiguration(
        agents=[api.RoomAgentDispatch(agent_name=AGENT_NAME, metadata=metadata)]
    )
