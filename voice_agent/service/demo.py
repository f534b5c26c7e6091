"""One simulated clerk through the whole running service: ``voice-agent serve --once-demo``.

Piper speaks the wake-phrase question into a WAV; a simulated clerk joins their room on
the service's LiveKit server (LiveKit's webhook makes the service start the agent there),
says it, records what it hears and leaves (the agent is stopped). Whisper transcribes the
recording, so the demo proves that speech went through LiveKit both ways.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from pipelines.events import (
    AnswerCompleted,
    BotAudioStarted,
    Transcribed,
    TurnNotAddressed,
    UserSpeechStarted,
)
from voice_agent.agent.errors import SessionNotFoundError
from voice_agent.agent.lifecycle import ManagedEvent
from voice_agent.agent.session import AGENT_IDENTITY
from voice_agent.audio_io import load_audio, write_wav
from voice_agent.livekit.clerk import SimulatedClerk
from voice_agent.livekit.clerk_report import ClerkReport
from voice_agent.livekit.clerk_script import ClerkScript
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.rooms import clerk_room_name
from voice_agent.livekit.tokens import mint_token
from voice_agent.runtime import Runtime
from voice_agent.service.runner import StoreService
from voice_agent.spoken_question import speak_question

DEMO_QUESTION = "Hey promo, is the AX-200 in the weekend offer?"
DEMO_TIME = "2026-11-28T15:00"
"""Saturday of the sample knowledge base's weekend offer, store-local."""
DEMO_STORE = "SH-01"
DEMO_CLERK = "demo-clerk"
SAMPLE_RATE = 16000
ASSISTANT_WAIT_SECS = 30.0
"""How long the clerk waits for the assistant to listen before speaking anyway."""
_REPLY_MARGIN_SECS = 0.3
"""Recording kept around the reply's first and last sound."""
LEAD_IN_SECS = 1.0
"""Silence the clerk sends once the assistant listens, before speaking."""


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What the simulated clerk said and heard."""

    room: str
    question: str
    heard: str
    """Whisper's transcript of everything the clerk heard."""
    answer: str | None
    """The agent's answer text, from its session events."""
    voice_to_voice_secs: float | None
    """From the end of the clerk's speech to the first reply audio."""
    question_wav: Path
    heard_wav: Path
    report: ClerkReport
    why_not: str | None = None
    """Without a reply: how far the service got with the question, from its session events."""

    @property
    def ok(self) -> bool:
        """The clerk heard a reply with words in it."""
        return self.report.replied and bool(self.heard.strip())


async def run_demo(
    *,
    service: StoreService,
    runtime: Runtime,
    work_dir: Path,
    question: str = DEMO_QUESTION,
    store_id: str = DEMO_STORE,
    identity: str = DEMO_CLERK,
) -> DemoResult:
    """Say ``question`` as a clerk of ``store_id`` into the running ``service``.

    Raises:
        ClerkError: The clerk could not join or publish.
    """
    await asyncio.to_thread(work_dir.mkdir, parents=True, exist_ok=True)
    question_wav, heard_wav = work_dir / "question.wav", work_dir / "heard.wav"
    pcm = await asyncio.to_thread(
        speak_question, runtime.models.piper, question, sample_rate=SAMPLE_RATE
    )
    await asyncio.to_thread(write_wav, question_wav, pcm, SAMPLE_RATE)
    room = clerk_room_name(store_id=store_id, identity=identity)
    endpoint = service.endpoint
    token = mint_token(
        api_key=endpoint.api_key,
        api_secret=endpoint.api_secret,
        identity=identity,
        role=ParticipantRole.CLERK,
        room=room,
        store_id=store_id,
        dispatch_agent=service.agent_dispatch,
    )
    clerk = SimulatedClerk(
        url=endpoint.url,
        token=token,
        recording_path=heard_wav,
        reply_from=AGENT_IDENTITY,
        hangover_secs=3.0,  # the reply may pause between its first sentence and the rest
    )
    script = ClerkScript.from_files(
        [question_wav],
        wait_for_assistant_secs=ASSISTANT_WAIT_SECS,
        lead_in_secs=LEAD_IN_SECS,
        reply_timeout_secs=15.0,
        max_reply_secs=30.0,
    )
    report = await clerk.run(script)
    heard_pcm = (await asyncio.to_thread(load_audio, heard_wav)).pcm16
    transcript = await runtime.transcriber.transcribe(_reply_only(heard_pcm, report))
    events = _events_of(service, room)
    answers = [e.text for e in events if isinstance(e, AnswerCompleted)]
    return DemoResult(
        room=room,
        question=question,
        heard=transcript.text.strip(),
        answer=answers[-1] if answers else None,
        voice_to_voice_secs=report.utterances[0].voice_to_voice_secs,
        question_wav=question_wav,
        heard_wav=heard_wav,
        report=report,
        why_not=None if report.replied else why_no_reply(events),
    )


def why_no_reply(events: list[ManagedEvent]) -> str:
    """How far the service got with a question the clerk heard no reply to."""
    heard = [e.text for e in events if isinstance(e, Transcribed)]
    if any(isinstance(e, AnswerCompleted) for e in events):
        if any(isinstance(e, BotAudioStarted) for e in events):
            return "the assistant answered and spoke, but its audio never reached the clerk"
        return "the assistant answered, but no audio of the answer left it"
    said = " then ".join(repr(text) for text in heard)
    if any(isinstance(e, TurnNotAddressed) for e in events):
        return (
            f"the assistant heard {said or 'a turn'} and took it as not meant for it"
            " (no wake phrase)"
        )
    if heard:
        return f"the assistant heard {said} but gave no answer"
    if any(isinstance(e, UserSpeechStarted) for e in events):
        return "the assistant heard speech start but never got a transcript of it"
    return "the assistant heard no speech: the clerk's audio did not reach it"


def _reply_only(pcm16: bytes, report: ClerkReport) -> bytes:
    """The recording from the reply's first sound to its last (empty without a reply).

    Whisper hears long silence before a reply as room for words it makes up ("yes, yes,
    yes, ..."), so the clerk's side is transcribed from where the reply starts.
    """
    utterance = report.utterances[0]
    segments = [s for s in report.heard if s.participant == AGENT_IDENTITY]
    if utterance.reply_started_at is None or not segments:
        return b""
    start = max(0.0, utterance.reply_started_at - _REPLY_MARGIN_SECS)
    end = segments[-1].end + _REPLY_MARGIN_SECS
    bytes_per_sec = SAMPLE_RATE * 2
    return pcm16[int(start * bytes_per_sec) // 2 * 2 : int(end * bytes_per_sec) // 2 * 2]


def _events_of(service: StoreService, room: str) -> list[ManagedEvent]:
    try:
        return list(service.manager.events(room))
    except SessionNotFoundError:
        return []
