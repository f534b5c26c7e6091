"""The assistant's side of LiveKit: who it is, where the server is, its transport, its state.

:func:`agent_transport` builds the Pipecat transport a session or a briefing room joins
with; :func:`announce_state` tells the clerk's app through ``lk.agent.state`` whether the
assistant listens (see :mod:`voice_agent.livekit.earpiece`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from loguru import logger
from pipecat.transports.livekit.transport import LiveKitParams, LiveKitTransport

from voice_agent.livekit import cancel_safe, ffi_routing, native_logs, paced_speech, stream_format
from voice_agent.livekit.earpiece import AGENT_STATE_ATTRIBUTE
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.tokens import mint_token

AGENT_IDENTITY = "promo-assistant"
_STATE_TIMEOUT_SECS = 1.0
"""Longest wait for LiveKit to take the assistant's ``lk.agent.state``."""


@dataclass(frozen=True, slots=True)
class LiveKitEndpoint:
    """Where the LiveKit server is and the keys to mint the agent's tokens."""

    url: str
    api_key: str
    api_secret: str


def agent_transport(
    endpoint: LiveKitEndpoint,
    room: str,
    *,
    input_sample_rate: int,
    output_sample_rate: int | None = None,
    paced: bool = True,
) -> LiveKitTransport:
    """The Pipecat LiveKit transport that joins ``room`` as the assistant.

    It mints its own agent token and hears each participant's audio as a stream of its own.
    Given ``output_sample_rate`` the assistant also speaks; without it, it only listens.
    Its join survives cancellation (:mod:`voice_agent.livekit.cancel_safe`): a session
    stopped while it joins must not take the process down. Its audio streams and source
    hear only their own FFI events (:mod:`voice_agent.livekit.ffi_routing`), LiveKit
    delivers them at ``input_sample_rate`` in 20 ms frames
    (:mod:`voice_agent.livekit.stream_format`), its speech is sent only while it speaks,
    paced by a thread of the process (:mod:`voice_agent.livekit.paced_speech`; with
    ``paced=False``, or at a rate without whole 10 ms frames, through LiveKit's 200 ms
    queue), and its native log records stay native (:mod:`voice_agent.livekit.native_logs`).
    """
    cancel_safe.install()
    ffi_routing.install()
    native_logs.keep_native()
    stream_format.install(sample_rate=input_sample_rate)
    token = mint_token(
        api_key=endpoint.api_key,
        api_secret=endpoint.api_secret,
        identity=AGENT_IDENTITY,
        role=ParticipantRole.AGENT,
        room=room,
        ttl=timedelta(hours=12),
        name="Promo assistant",
    )
    params = LiveKitParams(
        audio_in_enabled=True,
        audio_in_sample_rate=input_sample_rate,
        audio_in_user_tracks=True,
    )
    paced = paced and output_sample_rate is not None and paced_speech.can_pace(output_sample_rate)
    if output_sample_rate is not None:
        params.audio_out_enabled = True
        params.audio_out_sample_rate = output_sample_rate
        params.audio_out_queue_size_ms = 0 if paced else paced_speech.QUEUED_MS
    transport = LiveKitTransport(url=endpoint.url, token=token, room_name=room, params=params)
    if paced:
        paced_speech.pace(transport)
    return transport


async def announce_state(transport: LiveKitTransport, room: str, state: str) -> None:
    """Tell the clerk's app whether the assistant listens (see ``earpiece``)."""
    participant = transport._client.room.local_participant
    try:
        await asyncio.wait_for(
            participant.set_attributes({AGENT_STATE_ATTRIBUTE: state}),
            timeout=_STATE_TIMEOUT_SECS,
        )
    except TimeoutError:
        # The SDK sends the request before it waits: only LiveKit's confirmation is late
        # (seen with 20 sessions joining at once).
        logger.info(
            "[{}] LiveKit has not confirmed within {:.0f} s that the assistant is {}",
            room,
            _STATE_TIMEOUT_SECS,
            state,
        )
    except Exception as e:  # the app misses a hint; the voice loop itself is unaffected
        logger.warning("[{}] could not say the assistant is {}: {!r}", room, state, e)
