"""Voice loop commands: ``ask``, ``say``, ``replay`` and ``demo``."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from knowledge_base.answering import Question, Role
from voice_agent.audio_io import AudioInputError, load_audio, write_wav
from voice_agent.cli.common import (
    AtOption,
    ConfigOption,
    JsonOption,
    RoleOption,
    StoreOption,
    VerboseOption,
    configure_logging,
    loading_progress,
    parse_at,
    print_json,
    settings_or_exit,
)

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase
    from voice_agent.runtime import Runtime
    from voice_agent.settings import Settings

DEMO_QUESTION = "Is the AX-200 in the weekend offer?"
DEMO_TIME = "2026-11-28T15:00"
"""The sample knowledge base's reference moment: Saturday of the weekend offer."""


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as e:
        choices = ", ".join(r.value for r in Role)
        typer.echo(f"error: unknown role {value!r}; choose one of {choices}", err=True)
        raise typer.Exit(2) from e


def _knowledge_or_exit(settings: Settings) -> KnowledgeBase:
    """Load the configured knowledge base, or print its ``file:line: field`` errors and exit 2."""
    from knowledge_base.errors import KnowledgeBaseError
    from knowledge_base.loader import load_knowledge_base
    from voice_agent.runtime import knowledge_path

    path = knowledge_path(settings)
    try:
        return load_knowledge_base(path)
    except KnowledgeBaseError as e:
        for issue in e.errors:
            typer.echo(str(issue), err=True)
        where = path or "the packaged sample"
        typer.echo(
            f"error: the knowledge base at {where} has {len(e.errors)} error(s);"
            " nothing was answered (check it with: voice-agent kb validate)",
            err=True,
        )
        raise typer.Exit(2) from e


def register(app: typer.Typer) -> None:
    """Add the voice loop commands to ``app``."""
    app.command("ask")(ask)
    app.command("say")(say)
    app.command("replay")(replay_command)
    app.command("demo")(demo)


def ask(
    question: Annotated[str, typer.Argument(help="The question, as a clerk would say it.")],
    store: StoreOption = None,
    role: RoleOption = "clerk",
    language: Annotated[str, typer.Option(help="Language of the question: en, zh-CN.")] = "en",
    at: AtOption = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Answer a typed question with the configured answerer (no audio).

    Example: voice-agent ask "member price for two pairs of AX-200?" --at 2026-11-28T15:00
    """
    configure_logging(verbose)
    settings = settings_or_exit(config)
    from knowledge_base.errors import KnowledgeError
    from voice_agent.runtime import build_answerer, default_store_id

    knowledge = _knowledge_or_exit(settings)
    answerer = build_answerer(settings, knowledge)
    store_id = store or default_store_id(knowledge)
    if store_id not in knowledge.stores:
        known = ", ".join(knowledge.stores)
        typer.echo(f"error: unknown store {store_id!r}; stores: {known}", err=True)
        raise typer.Exit(2)
    try:
        asked_at = parse_at(at, lambda: knowledge.zone(store_id))
        started = time.perf_counter()
        answer = asyncio.run(
            answerer.answer(
                Question(
                    text=question,
                    role=_role(role),
                    store_id=store_id,
                    language=language,
                    asked_at=asked_at,
                )
            )
        )
    except KnowledgeError as e:  # e.g. a store without a time zone, an unknown SKU
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    elapsed = time.perf_counter() - started
    if json_output:
        print_json(
            {
                "question": question,
                "answer": answer.text,
                "source": str(answer.source),
                "promotion_ids": answer.promotion_ids,
                "facts": answer.facts,
                "answer_secs": round(elapsed, 4),
            }
        )
    else:
        typer.echo(answer.text)


def say(
    text: Annotated[str, typer.Argument(help="Text to speak.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="WAV file to write.")],
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Speak text with the configured Piper voice into a WAV file.

    Example: voice-agent say "The weekend offer ends on Sunday." --out reply.wav
    """
    configure_logging(verbose)
    settings = settings_or_exit(config)
    from pipelines.errors import ModelLoadError
    from pipelines.piper_tts import render_sentence
    from pipelines.speech_models import load_piper_voice, resolve_piper_voice

    try:
        voice = load_piper_voice(resolve_piper_voice(settings.tts.voice))
    except ModelLoadError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    audio = b"".join(render_sentence(voice, text, length_scale=settings.tts.length_scale))
    write_wav(out, audio, voice.config.sample_rate)
    typer.echo(f"wrote {out} ({len(audio) / 2 / voice.config.sample_rate:.2f} s)")


def replay_command(
    audio: Annotated[Path, typer.Argument(help="WAV (or any soundfile format) to play in.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write what the bot said to this WAV.")
    ] = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="Feed audio as fast as possible (timings meaningless).")
    ] = False,
    store: StoreOption = None,
    role: RoleOption = "clerk",
    at: AtOption = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Stream a recording through the voice loop and report what happened, with timings.

    The file is played in at real-time pace, like a microphone, into exactly the pipeline a
    LiveKit session runs (Silero VAD, Whisper, answerer, Piper).

    Example: voice-agent replay tests/fixtures/audio/loop/ax200_weekend.wav --out answer.wav
    """
    configure_logging(verbose)
    settings = settings_or_exit(config)
    try:
        loaded = load_audio(audio, sample_rate=settings.audio.input_sample_rate)
    except AudioInputError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    _run_replay(
        pcm16=loaded.pcm16,
        out=out,
        realtime=not fast,
        store=store,
        role=_role(role),
        at=at,
        json_output=json_output,
        settings_config=config,
    )


def demo(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the spoken answer.")
    ] = Path("var/demo/answer.wav"),
    question: Annotated[str, typer.Option(help="The question the simulated clerk asks.")] = (
        DEMO_QUESTION
    ),
    at: AtOption = DEMO_TIME,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Offline end to end: speak a sample question, replay it, write the spoken answer.

    Piper speaks the question into a WAV; that recording is replayed through the whole voice
    loop; the answer is written to --out with its transcript. No network, no API key.
    """
    configure_logging(verbose)
    settings = settings_or_exit(config)
    from voice_agent.runtime import build_runtime
    from voice_agent.spoken_question import speak_question

    with loading_progress(not json_output) as progress:
        # The replay below reuses these models: build_runtime loads them once per process.
        runtime = build_runtime(settings, progress=progress)
    question_wav = out.with_name("question.wav")
    rate = settings.audio.input_sample_rate
    pcm = speak_question(runtime.models.piper, question, sample_rate=rate, tail_secs=0.8)
    write_wav(question_wav, pcm, rate)
    if not json_output:
        typer.echo(f"question: {question!r} spoken into {question_wav}")
    _run_replay(
        pcm16=pcm,
        out=out,
        realtime=True,
        store=None,
        role=Role.CLERK,
        at=at,
        json_output=json_output,
        settings_config=config,
        runtime=runtime,
    )


def _run_replay(
    *,
    pcm16: bytes,
    out: Path | None,
    realtime: bool,
    store: str | None,
    role: Role,
    at: str | None,
    json_output: bool,
    settings_config: Path | None,
    runtime: Runtime | None = None,
) -> None:
    from voice_agent.replay import replay
    from voice_agent.runtime import build_runtime, default_store_id

    settings = settings_or_exit(settings_config)
    if runtime is None:
        with loading_progress(not json_output) as progress:
            runtime = build_runtime(settings, progress=progress)
    store_id = store or default_store_id(runtime.knowledge)
    asked_at = parse_at(at, lambda: runtime.knowledge.zone(store_id))
    result = asyncio.run(
        replay(
            pcm16=pcm16,
            models=runtime.models,
            transcriber=runtime.transcriber,
            answerer=runtime.answerer,
            config=runtime.loop_config,
            caller=runtime.caller(role, store_id),
            clock=(lambda: asked_at) if asked_at else None,
            realtime=realtime,
        )
    )
    if out is not None:
        write_wav(out, result.output_pcm16, result.output_sample_rate)
    report = result.report
    if json_output:
        document = report.model_dump(mode="json")
        document["output_wav"] = str(out) if out else None
        print_json(document)
        return
    for number, turn in enumerate(report.turns, start=1):
        typer.echo(f"[turn {number}] heard:    {turn.transcript}")
        typer.echo(f"[turn {number}] answered: {turn.answer}  ({turn.answer_source})")
        if turn.voice_to_voice_secs is not None:
            typer.echo(
                f"[turn {number}] voice-to-voice {turn.voice_to_voice_secs * 1000:.0f} ms "
                f"(speech end {turn.speech_end:.2f}s, VAD stop {turn.vad_stop:.2f}s, "
                f"STT done {turn.stt_done:.2f}s, answer {turn.answer_ready:.2f}s, "
                f"first audio {turn.first_audio:.2f}s)"
            )
    for barge in report.barge_ins:
        latency = barge.interruption_latency_secs
        typer.echo(
            f"[barge-in] at {barge.speech_onset:.2f}s, bot audio stopped "
            + (f"{latency * 1000:.0f} ms later" if latency is not None else "(not measured)")
        )
    for sentence in report.resumed_sentences:
        typer.echo(f"[resumed] {sentence}")
    if not report.turns:
        typer.echo("no speech turn was heard in the recording")
    if out is not None:
        typer.echo(f"bot audio: {out} ({report.output_secs:.2f} s)")
