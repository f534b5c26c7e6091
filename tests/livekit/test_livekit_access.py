"""The real server enforces what our tokens grant: expiry, signature, room, API rights."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from livekit import api, rtc
from livekit.api.room_service import RoomService
from livekit_helpers import joined, room_token

from voice_agent.livekit.server import LocalLiveKitServer
from voice_agent.livekit.tokens import build_access_token, mint_token

pytestmark = [pytest.mark.livekit, pytest.mark.slow]

ANA_ROOM = "store-SH-01-clerk-ana"


@asynccontextmanager
async def room_service(server: LocalLiveKitServer, token: str) -> AsyncIterator[RoomService]:
    client = api.LiveKitAPI(server.http_url, token=token, failover=False)
    try:
        yield client.room
    finally:
        await client.aclose()


async def test_a_valid_clerk_token_joins_its_room(livekit_server: LocalLiveKitServer) -> None:
    async with joined(livekit_server, room_token(livekit_server, "ana")) as room:
        assert room.name == ANA_ROOM
        assert room.local_participant.identity == "ana"


async def test_an_expired_token_is_refused(livekit_server: LocalLiveKitServer) -> None:
    # Expired beyond the server's one-minute leeway; otherwise exactly the clerk's grants.
    token = (
        build_access_token(
            api_key=livekit_server.api_key,
            api_secret=livekit_server.api_secret,
            identity="ana",
            role="clerk",
            room=ANA_ROOM,
            store_id="SH-01",
        )
        .with_ttl(timedelta(minutes=-5))
        .to_jwt()
    )
    with pytest.raises(rtc.ConnectError):
        await rtc.Room().connect(livekit_server.url, token)


async def test_a_token_signed_with_another_secret_is_refused(
    livekit_server: LocalLiveKitServer,
) -> None:
    forged = mint_token(
        api_key=livekit_server.api_key,
        api_secret="f" * 48,
        identity="ana",
        role="clerk",
        room=ANA_ROOM,
        store_id="SH-01",
    )
    with pytest.raises(rtc.ConnectError):
        await rtc.Room().connect(livekit_server.url, forged)


async def test_another_clerks_token_never_enters_this_clerks_room(
    livekit_server: LocalLiveKitServer,
) -> None:
    # The room is fixed by the token: bo's token lands in bo's room and sees nobody of ana's.
    async with (
        joined(livekit_server, room_token(livekit_server, "ana")) as ana,
        joined(livekit_server, room_token(livekit_server, "bo")) as bo,
    ):
        assert bo.name == "store-SH-01-clerk-bo"
        assert "ana" not in bo.remote_participants and "bo" not in ana.remote_participants


async def test_an_admin_token_for_one_room_is_refused_for_another(
    livekit_server: LocalLiveKitServer,
) -> None:
    hq = mint_token(
        api_key=livekit_server.api_key,
        api_secret=livekit_server.api_secret,
        identity="hq-ops",
        role="hq",
        room=ANA_ROOM,
    )
    async with (
        joined(livekit_server, room_token(livekit_server, "ana")),
        joined(livekit_server, room_token(livekit_server, "bo")),
        room_service(livekit_server, hq) as rooms,
    ):
        listed = await rooms.list_participants(api.ListParticipantsRequest(room=ANA_ROOM))
        assert [p.identity for p in listed.participants] == ["ana"]
        with pytest.raises(api.TwirpError) as error:
            await rooms.list_participants(api.ListParticipantsRequest(room="store-SH-01-clerk-bo"))
        assert error.value.status in (401, 403)


async def test_a_clerk_token_cannot_create_or_list_rooms(
    livekit_server: LocalLiveKitServer,
) -> None:
    async with room_service(livekit_server, room_token(livekit_server, "ana")) as rooms:
        with pytest.raises(api.TwirpError) as created:
            await rooms.create_room(api.CreateRoomRequest(name="store-SH-01-clerk-mallory"))
        with pytest.raises(api.TwirpError) as listed:
            await rooms.list_rooms(api.ListRoomsRequest())
    assert created.value.status in (401, 403) and listed.value.status in (401, 403)


async def test_an_hq_token_may_list_rooms(livekit_server: LocalLiveKitServer) -> None:
    hq = mint_token(
        api_key=livekit_server.api_key,
        api_secret=livekit_server.api_secret,
        identity="hq-ops",
        role="hq",
        room=None,
    )
    async with (
        joined(livekit_server, room_token(livekit_server, "cy")),
        room_service(livekit_server, hq) as rooms,
    ):
        listed = await rooms.list_rooms(api.ListRoomsRequest())
    assert "store-SH-01-clerk-cy" in [r.name for r in listed.rooms]


def admin_token(server: LocalLiveKitServer, room: str) -> str:
    return mint_token(
        api_key=server.api_key,
        api_secret=server.api_secret,
        identity="hq-ops",
        role="hq",
        room=room,
    )


async def server_view(server: LocalLiveKitServer, room: str, identity: str) -> api.ParticipantInfo:
    async with room_service(server, admin_token(server, room)) as rooms:
        return await rooms.get_participant(
            api.RoomParticipantIdentity(room=room, identity=identity)
        )


async def test_a_clerk_cannot_publish_anything_but_a_microphone(
    livekit_server: LocalLiveKitServer,
) -> None:
    async with joined(livekit_server, room_token(livekit_server, "dee")) as room:
        source = rtc.AudioSource(16000, 1)
        track = rtc.LocalAudioTrack.create_audio_track("screen-audio", source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_SCREENSHARE_AUDIO)
        # The server does not answer a forbidden publication; the SDK would wait 10 s.
        with pytest.raises((TimeoutError, Exception)):  # noqa: B017
            await asyncio.wait_for(room.local_participant.publish_track(track, options), 1.5)
        seen = await server_view(livekit_server, "store-SH-01-clerk-dee", "dee")
        await source.aclose()
    assert list(seen.tracks) == []


async def test_a_clerk_cannot_rewrite_the_role_in_their_attributes(
    livekit_server: LocalLiveKitServer,
) -> None:
    async with joined(livekit_server, room_token(livekit_server, "eve")) as eve:
        before = await server_view(livekit_server, "store-SH-01-clerk-eve", "eve")
        await eve.local_participant.set_attributes({"role": "hq"})
        await asyncio.sleep(0.5)
        after = await server_view(livekit_server, "store-SH-01-clerk-eve", "eve")
    assert dict(before.attributes) == {"role": "clerk", "store_id": "SH-01"}
    assert dict(after.attributes) == dict(before.attributes)
