"""The assistant's LiveKit transport: who joins, and which way the audio goes (no server needed)."""

from __future__ import annotations

from livekit import api

from voice_agent.agent.transport import AGENT_IDENTITY, LiveKitEndpoint, agent_transport
from voice_agent.livekit import paced_speech

ENDPOINT = LiveKitEndpoint(url="ws://127.0.0.1:7880", api_key="k", api_secret="s" * 40)
CLERK_ROOM = "store-SH-01-clerk-ana"
BRIEFING_ROOM = "briefing-20261201-5f3a9c1e"


async def test_a_speaking_transport_hears_each_participant_and_speaks_at_the_output_rate() -> None:
    transport = agent_transport(
        ENDPOINT, CLERK_ROOM, input_sample_rate=16000, output_sample_rate=16000
    )
    params = transport._params
    assert params.audio_in_enabled and params.audio_in_sample_rate == 16000
    assert params.audio_in_user_tracks
    assert params.audio_out_enabled and params.audio_out_sample_rate == 16000


async def test_its_speech_is_paced_by_the_node_through_a_source_without_a_queue() -> None:
    transport = agent_transport(
        ENDPOINT, CLERK_ROOM, input_sample_rate=16000, output_sample_rate=16000
    )
    # No LiveKit queue, which would have the encoder encode silence all day.
    assert transport._params.audio_out_queue_size_ms == 0
    assert transport._client.connect.__module__ == paced_speech.__name__


async def test_unpaced_on_request_it_keeps_livekits_queue() -> None:
    transport = agent_transport(
        ENDPOINT, CLERK_ROOM, input_sample_rate=16000, output_sample_rate=16000, paced=False
    )
    assert transport._params.audio_out_queue_size_ms == paced_speech.QUEUED_MS
    assert transport._client.connect.__module__ != paced_speech.__name__


async def test_a_rate_without_whole_ten_ms_frames_keeps_livekits_queue() -> None:
    transport = agent_transport(
        ENDPOINT, CLERK_ROOM, input_sample_rate=16000, output_sample_rate=22050
    )
    assert transport._params.audio_out_queue_size_ms == paced_speech.QUEUED_MS
    assert transport._client.connect.__module__ != paced_speech.__name__


async def test_a_listening_transport_has_no_audio_out() -> None:
    transport = agent_transport(ENDPOINT, BRIEFING_ROOM, input_sample_rate=16000)
    params = transport._params
    assert params.audio_in_enabled and params.audio_in_user_tracks
    assert not params.audio_out_enabled and params.audio_out_sample_rate is None


async def test_the_transport_joins_its_room_as_the_assistant_with_an_agent_token() -> None:
    transport = agent_transport(ENDPOINT, BRIEFING_ROOM, input_sample_rate=16000)
    claims = api.TokenVerifier(ENDPOINT.api_key, ENDPOINT.api_secret).verify(
        transport._client._token
    )
    assert claims.identity == AGENT_IDENTITY and claims.kind == "agent"
    assert claims.video is not None and claims.video.room == BRIEFING_ROOM
