"""A simulated clerk: joins a room, speaks WAV files in real time, times what it hears.

The clerk publishes a microphone track and streams each file at real-time pace in 10 or
20 ms frames, with silence in between (a real microphone never stops sending; see
:mod:`voice_agent.livekit.clerk_microphone`). It subscribes to everyone else's audio,
records it to one WAV aligned with its own clock and detects where replies start and stop
by energy (:mod:`voice_agent.livekit.clerk_hearing`).
The :class:`ClerkReport` gives, for each utterance, when its last voiced sample was sent,
when the first reply audio arrived (voice-to-voice latency) and, when the clerk spoke over
a reply, how long that reply kept playing (barge-in stop latency).

All times are seconds since the session started (just before joining), on a monotonic
clock; ``ClerkReport.started_at_unix`` is that moment as wall time, so an event's wall
time is ``started_at_unix + t``. Sample ``n`` of the recording was heard at ``n / 16000``.

Example:
    clerk = SimulatedClerk(url=server.url, token=token, recording_path=Path("heard.wav"))
    report = await clerk.run(ClerkScript.from_files([Path("q1.wav"), Path("q2.wav")]))
    Path("report.json").write_text(report.to_json())
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Literal

import numpy as np
from livekit import rtc
from loguru import logger

from voice_agent.audio_io import write_wav
from voice_agent.livekit import cancel_safe, ffi_routing, native_logs
from voice_agent.livekit.activity import level_dbfs
from voice_agent.livekit.clerk_hearing import ClerkHearing
from voice_agent.livekit.clerk_microphone import ClerkMicrophone
from voice_agent.livekit.clerk_recording import SAMPLE_RATE
from voice_agent.livekit.clerk_report import ClerkReport, SentUtterance, utterance_reports
from voice_agent.livekit.clerk_script import ClerkScript, ClerkUtterance, read_clerk_audio
from voice_agent.livekit.earpiece import AGENT_STATE_ATTRIBUTE, LISTENING
from voice_agent.livekit.errors import ClerkError

TRACK_NAME = "clerk-microphone"


class SimulatedClerk:
    """A scripted participant that speaks WAV files and measures the replies it hears."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        recording_path: Path | None = None,
        frame_ms: Literal[10, 20] = 20,
        threshold_dbfs: float = -45.0,
        hangover_secs: float = 0.5,
        reply_from: str | None = None,
        connect_timeout_secs: float = 10.0,
    ) -> None:
        """Configure the clerk; nothing connects before :meth:`run`.

        Args:
            url: LiveKit server URL, e.g. ``ws://127.0.0.1:7880``.
            token: A token for the room (see :func:`voice_agent.livekit.tokens.mint_token`).
            recording_path: Where to write everything heard (16 kHz mono WAV); ``None``: nowhere.
            frame_ms: Frame length sent, 10 or 20 ms.
            threshold_dbfs: RMS level at which a frame, sent or heard, counts as voiced.
            hangover_secs: Silence that ends a heard segment (pauses between sentences are
                shorter).
            reply_from: Only this participant's audio counts as a reply; ``None``: anyone's.
            connect_timeout_secs: Give up joining after this long.
        """
        if frame_ms not in (10, 20):
            raise ClerkError(f"frame_ms must be 10 or 20, got {frame_ms}", code="bad_frame_ms")
        self._url = url
        self._token = token
        self._recording_path = recording_path
        self._frame_ms = frame_ms
        self._threshold = threshold_dbfs
        self._hangover = hangover_secs
        self._reply_from = reply_from
        self._connect_timeout = connect_timeout_secs
        self._t0 = 0.0
        self._room: rtc.Room | None = None
        self._source: rtc.AudioSource | None = None
        self._hearing = self._new_hearing()
        self._microphone: ClerkMicrophone | None = None
        self._listened = asyncio.Event()

    async def run(self, script: ClerkScript) -> ClerkReport:
        """Join, say the script, leave; return what was sent and heard, with timings.

        Raises:
            AudioFileError: A script file is missing or unreadable (checked before joining).
            ClerkError: Joining or publishing failed (``code`` ``connect_failed`` /
                ``publish_failed``).
        """
        audio = [await asyncio.to_thread(read_clerk_audio, u.path) for u in script.utterances]
        self._reset()
        cancel_safe.install()
        ffi_routing.install()
        native_logs.keep_native()
        room = rtc.Room()
        self._room = room
        room.on("track_subscribed", self._hearing.on_track_subscribed)
        room.on("local_track_subscribed", lambda _track: self._listened.set())
        self._t0 = time.monotonic()
        started_at_unix = time.time()
        await self._connect(room)
        identity = room.local_participant.identity
        logger.info("[{}] clerk {} joined", room.name, identity)
        try:
            sent = await self._perform(script, audio)
        finally:
            await self._leave(room)
        duration = self._now()
        heard = self._hearing.segments()
        if self._recording_path is not None:
            heard_audio = self._hearing.recording()
            await asyncio.to_thread(
                write_wav, self._recording_path, heard_audio.tobytes(), SAMPLE_RATE
            )
        return ClerkReport(
            room=room.name,
            identity=identity,
            started_at_unix=started_at_unix,
            started_at_monotonic=self._t0,
            duration_secs=round(duration, 3),
            sample_rate=SAMPLE_RATE,
            frame_ms=self._frame_ms,
            recording=str(self._recording_path) if self._recording_path else None,
            utterances=utterance_reports(sent, heard, self._reply_from),
            heard=heard,
            frames_received=len(self._hearing.frames),
            data_messages_sent=self._microphone.data_sent if self._microphone else 0,
            received_frames=list(self._hearing.frames),
        )

    def _new_hearing(self) -> ClerkHearing:
        return ClerkHearing(
            clock=self._now,
            threshold_dbfs=self._threshold,
            hangover_secs=self._hangover,
            reply_from=self._reply_from,
        )

    def _reset(self) -> None:
        self._hearing = self._new_hearing()
        self._microphone = None
        self._listened = asyncio.Event()

    def _assistant_listens(self) -> bool:
        """Our microphone is subscribed and an assistant says it listens."""
        if self._room is None or not self._listened.is_set():
            return False
        return any(
            p.attributes.get(AGENT_STATE_ATTRIBUTE) == LISTENING
            for p in self._room.remote_participants.values()
            if self._hearing.counts_as_reply(p.identity)
        )

    @property
    def _mic(self) -> ClerkMicrophone:
        assert self._microphone is not None, "the microphone is published on joining"
        return self._microphone

    def _now(self) -> float:
        return time.monotonic() - self._t0

    async def _connect(self, room: rtc.Room) -> None:
        try:
            await asyncio.wait_for(
                room.connect(self._url, self._token, rtc.RoomOptions(auto_subscribe=True)),
                timeout=self._connect_timeout,
            )
        except (rtc.ConnectError, TimeoutError) as e:
            raise ClerkError(
                f"could not join the room at {self._url}: {e or 'timed out'}",
                code="connect_failed",
                retryable=isinstance(e, TimeoutError),
            ) from e
        self._source = rtc.AudioSource(SAMPLE_RATE, 1, queue_size_ms=200)
        track = rtc.LocalAudioTrack.create_audio_track(TRACK_NAME, self._source)
        options = rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE)
        try:
            await room.local_participant.publish_track(track, options)
        except Exception as e:  # the SDK raises a bare exception when the grant is missing
            await room.disconnect()
            raise ClerkError(f"could not publish the microphone: {e}", code="publish_failed") from e
        self._microphone = ClerkMicrophone(
            source=self._source,
            participant=room.local_participant,
            frame_ms=self._frame_ms,
            clock=self._now,
            on_frame=lambda now: self._hearing.poll(now),
        )

    async def _leave(self, room: rtc.Room) -> None:
        await self._hearing.stop()
        await room.disconnect()
        if self._source is not None:
            await self._source.aclose()
            self._source = None
        logger.info("[{}] clerk left after {:.1f} s", room.name, self._now())

    async def _perform(self, script: ClerkScript, audio: list[np.ndarray]) -> list[SentUtterance]:
        sent: list[SentUtterance] = []
        if script.wait_for_assistant_secs > 0:
            await self._wait_for_assistant(script)
        else:
            await self._mic.silence(script.lead_in_secs)
        for index, (utterance, samples) in enumerate(zip(script.utterances, audio, strict=True)):
            if sent:
                await self._pause_before(utterance, sent[-1], script)
            sent.append(await self._say(index, utterance, samples, script.push_to_talk))
        if sent and script.wait_for_reply:
            await self._wait_for_reply_end(sent[-1], script)
        await self._mic.silence(script.tail_secs)
        return sent

    async def _wait_for_assistant(self, script: ClerkScript) -> None:
        """Send silence until an assistant listens and still does after the lead-in.

        One that says it listens and then leaves (a session winding down while we joined)
        does not count: the app waits for the next, up to ``wait_for_assistant_secs``.
        """
        limit = self._now() + script.wait_for_assistant_secs
        while True:
            await self._mic.silence_until(self._assistant_listens, limit)
            if not self._assistant_listens():
                logger.warning(
                    "[clerk] no assistant listened within {:.1f} s; speaking anyway",
                    script.wait_for_assistant_secs,
                )
                await self._mic.silence(script.lead_in_secs)
                return
            logger.info("[clerk] the assistant listens {:.2f} s after joining", self._now())
            await self._mic.silence(script.lead_in_secs)
            if self._assistant_listens() or self._now() >= limit:
                return
            logger.info("[clerk] the assistant stopped listening before we spoke; waiting")

    async def _pause_before(
        self, utterance: ClerkUtterance, previous: SentUtterance, script: ClerkScript
    ) -> None:
        if utterance.barge_in_after_secs is None:
            if script.wait_for_reply:
                await self._wait_for_reply_end(previous, script)
            await self._mic.silence(script.silence_between_secs)
            return
        since = previous.speech_start
        limit = previous.ended_at + script.reply_timeout_secs
        await self._mic.silence_until(
            lambda: self._hearing.reply_onset_after(since) is not None, limit
        )
        onset = self._hearing.reply_onset_after(since)
        if onset is None:
            logger.warning("[clerk] no reply to barge in on; speaking anyway")
            return
        start_at = onset + utterance.barge_in_after_secs
        await self._mic.silence_until(lambda: self._now() >= start_at, start_at + 1.0)

    async def _wait_for_reply_end(self, previous: SentUtterance, script: ClerkScript) -> None:
        since = previous.speech_start
        onset_limit = previous.ended_at + script.reply_timeout_secs
        await self._mic.silence_until(
            lambda: self._hearing.reply_onset_after(since) is not None, onset_limit
        )
        if self._hearing.reply_onset_after(since) is None:
            logger.warning("[clerk] no reply within {:.1f} s", script.reply_timeout_secs)
            return
        await self._mic.silence_until(
            lambda: not self._hearing.reply_active(), previous.ended_at + script.max_reply_secs
        )

    async def _say(
        self, index: int, utterance: ClerkUtterance, samples: np.ndarray, push_to_talk: bool
    ) -> SentUtterance:
        record = SentUtterance(
            index=index,
            path=utterance.path,
            audio_secs=round(samples.size / SAMPLE_RATE, 3),
            barge_in=utterance.barge_in_after_secs is not None,
        )
        if push_to_talk:
            await self._mic.push_to_talk("start")
        n = self._mic.frame_samples
        padded = np.zeros(-(-samples.size // n) * n, dtype=np.int16)
        padded[: samples.size] = samples
        for offset in range(0, padded.size, n):
            frame = padded[offset : offset + n]
            sent_at = await self._mic.frame(frame)
            if offset == 0:
                record.started_at = sent_at
            if level_dbfs(frame) >= self._threshold:
                if record.speech_started_at is None:
                    record.speech_started_at = sent_at
                record.speech_ended_at = sent_at
        record.ended_at = self._now()
        if push_to_talk:
            await self._mic.push_to_talk("stop")
        logger.debug("[clerk] said {} ({:.2f} s)", utterance.path.name, record.audio_secs)
        return record
