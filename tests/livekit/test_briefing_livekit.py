"""A manager's voice briefing over a real LiveKit room, through the service's HTTP API.

The real service (local livekit-server, uvicorn, Silero, Whisper tiny.en) serves the
published sample chain from SQLite. A store manager opens a briefing, two clerks of the
store join it, the manager speaks the fixture briefing (four sentences, one change). The
clerks must receive live captions; closing stores the recording, everyone's attendance,
a summary and the proposed change; approving it publishes the promotion's next version.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from livekit import rtc
from pydantic import SecretStr

from knowledge_base.briefing import Caption
from knowledge_base.delivery import DeliveryState
from tests.conftest import AUDIO, load_manifest
from tests.livekit.livekit_helpers import always_on_shift, words
from tests.livekit.notice_helpers import Earpiece, Served, eventually, serving
from voice_agent.briefing.room import CAPTION_TOPIC
from voice_agent.feedback.audio import decode_flac, encode_flac
from voice_agent.livekit.clerk_script import read_clerk_audio
from voice_agent.livekit.earpiece import PTT_TOPIC
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.tokens import mint_token
from voice_agent.service_settings import ApiKeySettings
from voice_agent.settings import Settings
from voice_agent.storage import SqlPublicationRepository
from voice_agent.storage.briefing_journal import SqlBriefingJournal
from voice_agent.storage.briefing_media import SqlBriefingMediaRepository
from voice_agent.storage.broadcast_briefings import BriefingRecord, SqlBriefingRepository
from voice_agent.storage.published import load_published

pytestmark = [pytest.mark.slow, pytest.mark.livekit]

BRIEFING = AUDIO / "briefings" / "manager_weekend_change.wav"
"""Four sentences; the second: "From Saturday the AX-200 is out of the weekend offer." """
ASK_AX200 = AUDIO / "briefings" / "wake_briefing_ax200.wav"
"""'Hey promo, what did the briefing say about the AX-200?'"""
PLAY = AUDIO / "briefings" / "wake_play_briefing.wav"
"""'Hey promo, play me today's briefing.'"""
KEYS = {"mei": "briefing-mei-0001", "ana": "briefing-ana-0002", "ben": "briefing-ben-0003"}
KEYS |= {"tan": "briefing-tan-0004", "hq": "briefing-hq-00005"}
PEOPLE = [
    ("mei", "store_manager", "SH-01"),
    ("ana", "clerk", "SH-01"),
    ("ben", "clerk", "SH-01"),
    ("tan", "clerk", "SG-01"),
    ("hq-admin", "hq", None),
]
API_KEYS = [
    ApiKeySettings(
        key=SecretStr(KEYS[identity.split("-")[0]]), role=role, identity=identity, store_id=store
    )
    for identity, role, store in PEOPLE
]
ROSTER = always_on_shift(
    "ana,Ana Li,clerk,SH-01,", "ben,Ben Wu,clerk,SH-01,", "mei,Mei Chen,store_manager,SH-01,"
)


class CaptionReader:
    """A participant of the briefing room who keeps every caption message it receives."""

    def __init__(self) -> None:
        self.room = rtc.Room()
        self.captions: list[dict[str, Any]] = []
        self.room.on("data_received", self._received)

    def _received(self, packet: rtc.DataPacket) -> None:
        if packet.topic == CAPTION_TOPIC:
            self.captions.append(json.loads(packet.data))

    @property
    def text(self) -> str:
        return " ".join(caption["text"] for caption in self.captions)


@asynccontextmanager
async def api(served: Served) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=served.service.api_url, timeout=90) as client:
        yield client


async def token(client: httpx.AsyncClient, who: str, room: str) -> dict[str, Any]:
    response = await client.post(
        "/v1/tokens", json={"room": room}, headers={"X-API-Key": KEYS[who]}
    )
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


async def test_a_briefing_is_captioned_recorded_attended_summarised_and_its_change_approved(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with (
        serving(settings, livekit_binary, tmp_path, roster=ROSTER, api_keys=API_KEYS) as served,
        api(served) as client,
    ):
        opened = await client.post(
            "/v1/briefings",
            json={"scope": {"stores": ["SH-01"]}},
            headers={"X-API-Key": KEYS["mei"]},
        )
        assert opened.status_code == 201, opened.text
        briefing = opened.json()
        room = briefing["room"]
        assert room == f"briefing-{briefing['id']}" and briefing["open"]
        # A clerk of another store is not let in.
        outside = await client.post(
            "/v1/tokens", json={"room": room}, headers={"X-API-Key": KEYS["tan"]}
        )
        assert outside.status_code == 403, outside.text

        clerks = {who: CaptionReader() for who in ("ana", "ben")}
        for who, reader in clerks.items():
            grant = await token(client, who, room)
            await reader.room.connect(grant["url"], grant["token"])
        mei = Earpiece()
        grant = await token(client, "mei", room)
        await mei.room.connect(grant["url"], grant["token"])
        try:
            await mei.open_microphone()
            await eventually(mei.agent_joined, within=40, what="the assistant joined the briefing")
            await mei.say(BRIEFING, silence_after_secs=2.0)
            for who, reader in clerks.items():
                await eventually(
                    lambda reader=reader: (
                        "weekend" in reader.text.lower() and len(reader.captions) >= 3
                    ),
                    within=60,
                    what=f"{who} got the briefing's captions",
                )
            # Stored as it happens (a node dying now would lose about a second): the
            # manager's audio so far, and everyone's open stretch.
            await eventually(
                lambda: _stored_secs(served, briefing["id"]) > 8.0,
                within=10,
                what="the manager's audio was stored while the briefing ran",
            )
            present = SqlBriefingRepository(database=served.database).presences(briefing["id"])
            assert {p.identity for p in present if p.left_at is None} == {"ana", "ben", "mei"}
            closed = await client.post(
                f"/v1/briefings/{briefing['id']}/close", headers={"X-API-Key": KEYS["mei"]}
            )
            assert closed.status_code == 200, closed.text
        finally:
            for reader in clerks.values():
                await reader.room.disconnect()
            await mei.leave()
        result = closed.json()
        assert result["ended_because"] == "closed"

        # Captions: the manager's own words, in order, as every clerk saw them.
        ana_captions = clerks["ana"].captions
        assert [c["text"] for c in ana_captions] == [c["text"] for c in clerks["ben"].captions]
        assert all(
            c["speaker"] == "mei" and c["briefing_id"] == briefing["id"] for c in ana_captions
        )
        starts = [c["start"] for c in ana_captions]
        assert starts == sorted(starts) and ana_captions[-1]["end"] > 8.0
        assert [c["text"] for c in result["captions"]] == [c["text"] for c in ana_captions]

        # Attendance: both clerks and the manager, each for a while (never the assistant).
        attended = {a["identity"]: a for a in result["attendance"]}
        assert set(attended) == {"ana", "ben", "mei"}
        assert all(a["seconds"] > 10 for a in attended.values())

        # The recording: the manager's audio, compressed.
        assert result["recording"] == f"briefing_recordings/{briefing['id']}"
        audio = await client.get(
            f"/v1/briefings/{briefing['id']}/recording", headers={"X-API-Key": KEYS["mei"]}
        )
        assert audio.status_code == 200 and audio.headers["content-type"] == "audio/flac"
        samples, rate = decode_flac(audio.content)
        assert rate == 16000 and samples.size / rate >= 12.0  # 15.3 s of speech and pauses
        assert len(audio.content) < samples.size * 2  # compressed

        # The summary keeps the sentence with the change; one change is proposed.
        assert "weekend" in result["summary"].lower(), result["summary"]
        (change,) = result["changes"]
        assert (change["kind"], change["promotion_id"], change["sku"], change["status"]) == (
            "exclude_sku",
            "weekend-running",
            "AX-200",
            "proposed",
        )

        # Nothing changed without approval; a store manager may not approve.
        assert "AX-200" not in _published_exclusions(served)
        refused = await client.post(
            f"/v1/briefing-changes/{change['id']}/approve",
            json={},
            headers={"X-API-Key": KEYS["mei"]},
        )
        assert refused.status_code == 403
        approved = await client.post(
            f"/v1/briefing-changes/{change['id']}/approve",
            json={"urgent": True},
            headers={"X-API-Key": KEYS["hq"]},
        )
        assert approved.status_code == 200, approved.text
        decision = approved.json()
        assert decision["change"]["status"] == "approved"
        publication = SqlPublicationRepository(database=served.database).get(
            decision["publication_id"]
        )
        assert publication is not None and publication.urgent
        assert [(v.promotion_id, v.version) for v in publication.versions] == [
            ("weekend-running", 3)
        ]
        assert "AX-200" in _published_exclusions(served)
        # Urgent: the broadcaster stored a notice for the clerks on the roster.
        await eventually(
            lambda: served.delivery("ana") is not None,
            within=30,
            what="the urgent version was announced",
        )
        delivery = served.delivery("ana")
        assert delivery is not None and delivery.state is DeliveryState.PENDING
        again = await client.post(
            f"/v1/briefing-changes/{change['id']}/approve",
            json={},
            headers={"X-API-Key": KEYS["hq"]},
        )
        assert again.status_code == 409


def _stored_secs(served: Served, briefing_id: str) -> float:
    """Seconds of the manager's audio stored so far for a running briefing."""
    pcm, rate = SqlBriefingJournal(database=served.database).audio(briefing_id)
    return len(pcm) / 2 / rate if rate else 0.0


def _published_exclusions(served: Served) -> list[str]:
    """The items the newest published weekend offer excludes."""
    knowledge = load_published(served.database, served.kb).knowledge
    return list(knowledge.promotion("weekend-running").scope.exclude_skus)


async def test_the_manager_leaving_ends_the_briefing_and_stores_it(
    settings: Settings, livekit_binary: Path, tmp_path: Path
) -> None:
    async with (
        serving(settings, livekit_binary, tmp_path, roster=ROSTER, api_keys=API_KEYS) as served,
        api(served) as client,
    ):
        opened = await client.post(
            "/v1/briefings",
            json={"scope": {"stores": ["SH-01"], "roles": ["clerk"]}},
            headers={"X-API-Key": KEYS["mei"]},
        )
        assert opened.status_code == 201, opened.text
        briefing = opened.json()
        ana = CaptionReader()
        grant = await token(client, "ana", briefing["room"])
        await ana.room.connect(grant["url"], grant["token"])
        mei = Earpiece()
        grant = await token(client, "mei", briefing["room"])  # the opener may always join
        await mei.room.connect(grant["url"], grant["token"])
        try:
            await mei.open_microphone()
            await eventually(mei.agent_joined, within=40, what="the assistant joined the briefing")
            await asyncio.sleep(3.0)
            await mei.leave()  # the clerk stays; the briefing ends without its manager

            async def shown() -> dict[str, Any]:
                response = await client.get(
                    f"/v1/briefings/{briefing['id']}", headers={"X-API-Key": KEYS["mei"]}
                )
                assert response.status_code == 200, response.text
                document: dict[str, Any] = response.json()
                return document

            ended: dict[str, Any] = {}

            async def poll() -> None:
                while True:
                    ended.update(await shown())
                    if not ended["open"]:
                        return
                    await asyncio.sleep(0.5)

            await asyncio.wait_for(poll(), 90)
        finally:
            await ana.room.disconnect()
        assert {a["identity"] for a in ended["attendance"]} == {"ana", "mei"}
        assert ended["changes"] == [] and ended["captions"] == []
        late = await client.post(
            "/v1/tokens", json={"room": briefing["room"]}, headers={"X-API-Key": KEYS["ben"]}
        )
        assert late.status_code == 409 and late.json()["error"]["code"] == "briefing_closed"


class ListeningEarpiece(Earpiece):
    """An earpiece that also keeps the assistant's audio it heard (16 kHz mono)."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[np.ndarray] = []

    async def _listen(self, track: rtc.Track) -> None:
        async for event in rtc.AudioStream(track, sample_rate=16000, num_channels=1):
            samples = np.frombuffer(event.frame.data, dtype=np.int16)
            self.heard.append(samples.copy())
            level = np.sqrt(np.mean(samples.astype(np.float64) ** 2)) if samples.size else 0.0
            if level > 300:  # about -40 dBFS, as Earpiece counts
                self.voiced_secs += samples.size / 16000

    async def ask(self, wav: Path) -> None:
        """Say ``wav`` holding push-to-talk: one turn however the VAD hears its pauses."""
        await self._push_to_talk("start")
        await self.say(wav, silence_after_secs=0.5)
        await self._push_to_talk("stop")

    async def _push_to_talk(self, action: str) -> None:
        payload = json.dumps({"action": action})
        await self.room.local_participant.publish_data(payload, reliable=True, topic=PTT_TOPIC)

    def audio_since(self, start: int) -> bytes:
        return np.concatenate(self.heard[start:] or [np.zeros(0, np.int16)]).tobytes()


def _store_briefing(served: Served) -> str:
    """The fixture briefing as the service stores it: captions, FLAC recording, closed."""
    manifest = {e["path"]: e for e in load_manifest()["files"]}
    timeline = manifest["briefings/manager_weekend_change.wav"]["timeline"]
    now = datetime.now(UTC)
    briefing_id = f"{now:%Y%m%d}-0b1e2f3a"
    briefings = SqlBriefingRepository(database=served.database)
    media = SqlBriefingMediaRepository(database=served.database)
    briefings.open(
        BriefingRecord(
            id=briefing_id,
            scope={"stores": ["SH-01"], "regions": [], "roles": ["clerk", "store_manager"]},
            opened_by="mei",
            started_at=now - timedelta(minutes=20),
        )
    )
    for event in timeline:
        media.add_caption(
            briefing_id, Caption(event["start_s"], event["end_s"], event["text"], "mei")
        )
    recording = media.save_recording(briefing_id, encode_flac(read_clerk_audio(BRIEFING), 16000))
    briefings.close(
        briefing_id, ended_at=now - timedelta(minutes=19), recording=recording, summary=""
    )
    return briefing_id


async def test_a_clerk_who_missed_the_briefing_hears_what_it_said_about_an_item_then_plays_it(
    settings: Settings, livekit_binary: Path, tmp_path: Path, runtime: Any
) -> None:
    async with serving(settings, livekit_binary, tmp_path, roster=ROSTER) as served:
        _store_briefing(served)
        ana = ListeningEarpiece()
        endpoint = served.service.endpoint
        room = clerk_room_name(store_id="SH-01", identity="ana")
        grant = mint_token(
            api_key=endpoint.api_key, api_secret=endpoint.api_secret, identity="ana",
            role="clerk", room=room, store_id="SH-01",
        )  # fmt: skip
        await ana.room.connect(endpoint.url, grant)
        try:
            await ana.open_microphone()
            await eventually(ana.agent_joined, within=40, what="the assistant joined")
            await asyncio.sleep(1.0)
            await ana.ask(ASK_AX200)
            await eventually(
                lambda: bool(served.session_events("ana", "bot_audio_stopped")),
                within=60,
                what="the assistant replied about the AX-200",
            )
            quoted = ana.audio_since(0)
            heard_before = ana.voiced_secs
            mark = len(ana.heard)
            await ana.ask(PLAY)
            await eventually(
                lambda: ana.voiced_secs - heard_before >= 8.0,
                within=90,
                what="the briefing's recording was played",
            )
            played = ana.audio_since(mark)
        finally:
            await ana.leave()
        # Neither turn reached the answerer: the briefing's own words answered them.
        assert len(served.session_events("ana", "user_turn")) >= 2
        assert not served.session_events("ana", "answer_completed")
        said = words(runtime.transcriber.transcribe_sync(quoted).text)
        assert {"saturday", "weekend", "offer"} & said, said
        replayed = words(runtime.transcriber.transcribe_sync(played[: 16000 * 2 * 28]).text)
        assert {"morning", "briefing", "saturday", "customers", "shift"} & replayed, replayed
