"""Token policy: each role gets one room and the least it needs (no server needed)."""

import json
from datetime import timedelta

import pytest
from livekit import api

from voice_agent.livekit.dispatch import dispatched_role
from voice_agent.livekit.errors import RoomNameError, TokenPolicyError
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.rooms import clerk_room_name, parse_clerk_room
from voice_agent.livekit.tokens import MAX_TTL, mint_token

KEY, SECRET = "k", "s" * 40
ANA_ROOM = "store-SH-01-clerk-ana"


def claims_of(token: str) -> api.access_token.Claims:
    return api.TokenVerifier(KEY, SECRET).verify(token)


def mint(**overrides: object) -> str:
    args: dict[str, object] = {
        "api_key": KEY,
        "api_secret": SECRET,
        "identity": "ana",
        "role": "clerk",
        "room": ANA_ROOM,
        "store_id": "SH-01",
    }
    args.update(overrides)
    return mint_token(**args)  # type: ignore[arg-type]


def test_room_name_names_store_and_clerk_and_parses_back() -> None:
    room = clerk_room_name(store_id="BER-01", identity="jonas.w")
    assert room == "store-BER-01-clerk-jonas.w"
    parsed = parse_clerk_room(room)
    assert (parsed.store_id, parsed.identity) == ("BER-01", "jonas.w")


@pytest.mark.parametrize("room", ["SH-01-ana", "store-sh-01-clerk-ana", "store-SH-01-clerk-", ""])
def test_malformed_room_names_are_refused(room: str) -> None:
    with pytest.raises(RoomNameError) as error:
        parse_clerk_room(room)
    assert error.value.code == "bad_room_name"


def test_clerk_token_joins_only_their_room_and_publishes_only_microphone_and_data() -> None:
    claims = claims_of(mint())
    video = claims.video
    assert video is not None
    assert video.room_join and video.room == ANA_ROOM
    assert video.can_publish_sources == ["microphone"]
    assert video.can_publish_data and video.can_subscribe
    assert not video.room_create and not video.room_list and not video.room_admin
    assert not video.room_record and not video.can_update_own_metadata and not video.hidden
    assert claims.attributes == {"role": "clerk", "store_id": "SH-01"}
    assert claims.identity == "ana"


def test_clerk_may_not_get_a_token_for_another_clerks_room() -> None:
    with pytest.raises(TokenPolicyError) as error:
        mint(room="store-SH-01-clerk-bo")
    assert error.value.code == "room_not_allowed"


def test_clerk_may_not_get_a_token_for_another_store() -> None:
    with pytest.raises(TokenPolicyError) as error:
        mint(identity="ana", room="store-SG-01-clerk-ana")
    assert error.value.code == "room_not_allowed"


def test_clerk_token_needs_a_store() -> None:
    with pytest.raises(TokenPolicyError) as error:
        mint(store_id=None)
    assert error.value.code == "store_required"


def test_store_manager_joins_any_clerk_room_of_their_store_only() -> None:
    token = mint(identity="mei", role="store_manager", room=ANA_ROOM, store_id="SH-01")
    assert claims_of(token).video.room == ANA_ROOM  # type: ignore[union-attr]
    with pytest.raises(TokenPolicyError):
        mint(identity="mei", role="store_manager", room="store-HZ-01-clerk-li", store_id="SH-01")


EAST_CHINA = {"region_id": "east-china", "region_store_ids": ("SH-01", "SH-02", "HZ-01")}


def test_regional_manager_joins_rooms_of_their_region_only() -> None:
    token = mint(
        identity="lin",
        role="regional_manager",
        room="store-HZ-01-clerk-li",
        store_id=None,
        **EAST_CHINA,
    )
    claims = claims_of(token)
    assert claims.video.room == "store-HZ-01-clerk-li"  # type: ignore[union-attr]
    assert claims.attributes == {"role": "regional_manager", "region_id": "east-china"}
    with pytest.raises(TokenPolicyError) as error:
        mint(
            identity="lin",
            role="regional_manager",
            room="store-SG-01-clerk-tan",
            store_id=None,
            **EAST_CHINA,
        )
    assert error.value.code == "room_not_allowed"
    with pytest.raises(TokenPolicyError) as error:
        mint(identity="lin", role="regional_manager", store_id=None, region_id="east-china")
    assert error.value.code == "region_required"  # no region_store_ids
    with pytest.raises(TokenPolicyError) as error:
        mint(
            identity="lin",
            role="regional_manager",
            store_id=None,
            region_store_ids=EAST_CHINA["region_store_ids"],
        )
    assert error.value.code == "region_required"  # no region_id


def test_hq_token_without_room_may_only_list_rooms() -> None:
    video = claims_of(mint(identity="hq-ops", role="hq", room=None, store_id=None)).video
    assert video is not None
    assert video.room_list and not video.room_join and not video.room_admin
    assert not video.can_publish and not video.can_subscribe and not video.can_publish_data


def test_hq_token_with_room_administers_that_room() -> None:
    video = claims_of(mint(identity="hq-ops", role="hq", room="any-room", store_id=None)).video
    assert video is not None
    assert video.room_admin and video.room == "any-room" and video.room_list
    assert not video.room_create


def test_agent_is_a_visible_participant_of_kind_agent_without_admin_rights() -> None:
    claims = claims_of(mint(identity="promo-agent", role="agent", store_id=None))
    video = claims.video
    assert video is not None
    assert video.room == ANA_ROOM and not video.hidden
    assert video.can_publish_sources == ["microphone"] and video.can_subscribe
    assert not video.room_admin and not video.room_create and not video.agent
    assert video.can_update_own_metadata  # it says whether it listens (lk.agent.state)
    assert claims.kind == "agent"


@pytest.mark.parametrize(
    "ttl", [timedelta(0), timedelta(seconds=-1), MAX_TTL + timedelta(seconds=1)]
)
def test_ttl_must_be_positive_and_bounded(ttl: timedelta) -> None:
    with pytest.raises(TokenPolicyError) as error:
        mint(ttl=ttl)
    assert error.value.code == "bad_ttl"


def test_unknown_role_is_refused_with_the_choices() -> None:
    with pytest.raises(TokenPolicyError, match="clerk, store_manager") as error:
        mint(role="janitor")
    assert error.value.code == "bad_role"


def test_roles_match_the_knowledge_base_roles_plus_agent() -> None:
    from knowledge_base.answering import Role

    assert {r.value for r in ParticipantRole} == {r.value for r in Role} | {"agent"}


def test_a_clerk_token_can_ask_livekit_to_dispatch_the_assistant() -> None:
    config = claims_of(mint(dispatch_agent=True)).room_config
    assert config is not None
    (dispatch,) = config.agents
    assert dispatch.agent_name == "promo-assistant"
    assert json.loads(dispatch.metadata) == {"clerk": "ana", "store_id": "SH-01", "role": "clerk"}
    assert dispatched_role(dispatch.metadata) == "clerk"
    assert claims_of(mint()).room_config is None
    listening_in = mint(role="store_manager", identity="mei", dispatch_agent=True)
    assert claims_of(listening_in).room_config is None  # ana's room: ana's join dispatches


def test_a_store_manager_in_their_own_room_gets_the_assistant_as_a_store_manager() -> None:
    own = mint(
        role="store_manager", identity="mei", room="store-SH-01-clerk-mei", dispatch_agent=True
    )
    config = claims_of(own).room_config
    assert config is not None
    (dispatch,) = config.agents
    assert dispatched_role(dispatch.metadata) == "store_manager"
    # A job dispatched again after a worker died names no role: a clerk's session.
    assert dispatched_role('{"clerk": "ana", "store_id": "SH-01"}') == "clerk"


def test_a_regional_manager_in_their_own_room_gets_the_assistant_as_a_regional_manager() -> None:
    own_room = "store-SH-02-clerk-lin"
    own = mint(
        role="regional_manager",
        identity="lin",
        room=own_room,
        store_id=None,
        dispatch_agent=True,
        **EAST_CHINA,
    )
    config = claims_of(own).room_config
    assert config is not None
    (dispatch,) = config.agents
    assert dispatched_role(dispatch.metadata) == "regional_manager"
    listening_in = mint(
        role="regional_manager",
        identity="lin",
        room=ANA_ROOM,
        store_id=None,
        dispatch_agent=True,
        **EAST_CHINA,
    )
    assert claims_of(listening_in).room_config is None  # ana's room: ana's join dispatches
