"""CLI commands for LiveKit: ``token`` (mint a least-privilege token) and ``clerk``.

``voice_agent/cli/livekit_cmds.py`` calls :func:`register` to add them to ``voice-agent``.
Keys and URL come from the ``[livekit]`` settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from voice_agent.cli.common import (
    EXIT_FAILURE,
    EXIT_USAGE,
    ConfigOption,
    JsonOption,
    VerboseOption,
    configure_logging,
    print_json,
    settings_or_exit,
)
from voice_agent.livekit.errors import ClerkError, LiveKitError
from voice_agent.livekit.roles import ParticipantRole
from voice_agent.livekit.rooms import clerk_room_name, parse_clerk_room
from voice_agent.livekit.tokens import mint_token
from voice_agent.settings import Settings

if TYPE_CHECKING:
    from voice_agent.livekit.clerk_report import ClerkReport

T = TypeVar("T")


TOKEN_HELP = (
    "Mint a LiveKit token that opens one room with the least privilege of a role.\n\n"
    "A clerk's token opens only their own room (store-<STORE>-clerk-<identity>); store and "
    "regional managers get rooms of their store or region; HQ may list rooms and administer "
    "the one it names; the agent joins as a visible participant. A store or regional "
    "manager's token for their own room (store-<STORE>-clerk-<their identity>; a regional "
    "manager's at a store of --region) gets them the assistant, answering in their role. "
    "Keys come from the livekit settings section.\n\n"
    "Example: voice-agent token --identity ana --store SH-01\n\n"
    "Example: voice-agent token --identity lin --role regional_manager --region east-china "
    "--room store-HZ-01-clerk-ana --json"
)
CLERK_HELP = (
    "Join a room as a simulated clerk, speak audio files in real time, time the replies.\n\n"
    "Prints, per file: when its speech ended, when reply audio arrived (voice-to-voice "
    "latency) and, when talking over a reply, how long it kept playing. Without --token, a "
    "clerk token for the room is minted from the livekit settings.\n\n"
    "Exit codes: 0 ok; 1 joining failed or a reply never came (with --wait-reply); "
    "2 bad input.\n\n"
    "Example: voice-agent clerk --room store-SH-01-clerk-ana --say q1.wav --say q2.wav\n\n"
    "Example (barge-in): voice-agent clerk --room store-SH-01-clerk-ana --say q1.wav "
    "--say stop.wav --barge-in-after 0.8 --record heard.wav --json"
)


def register(app: typer.Typer) -> None:
    """Add ``token`` and ``clerk`` to ``app``."""
    app.command("token", help=TOKEN_HELP)(token_command)
    app.command("clerk", help=CLERK_HELP)(clerk_command)


def token_command(
    identity: Annotated[str, typer.Option("--identity", help="Participant identity, e.g. ana.")],
    role: Annotated[
        str,
        typer.Option("--role", help="clerk, store_manager, regional_manager, hq or agent."),
    ] = "clerk",
    store: Annotated[
        str | None, typer.Option("--store", help="The caller's store, e.g. SH-01.")
    ] = None,
    room: Annotated[
        str | None,
        typer.Option(
            "--room",
            help="Room to open; a clerk's defaults to their own: store-<STORE>-clerk-<identity>.",
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="A regional manager's region, e.g. east-china."),
    ] = None,
    ttl_minutes: Annotated[
        float, typer.Option("--ttl-minutes", help="Lifetime in minutes (at most 720).")
    ] = 60.0,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Mint a LiveKit token that opens one room with the least privilege of a role."""
    settings = settings_or_exit(config)
    if room is None and role == ParticipantRole.CLERK.value:
        if store is None:
            typer.echo("error: a clerk token needs --store, e.g. --store SH-01", err=True)
            raise typer.Exit(EXIT_USAGE)
        room = _or_usage_error(lambda: clerk_room_name(store_id=store, identity=identity))
    region_stores = _region_stores(settings, region) if region else ()
    ttl = timedelta(minutes=ttl_minutes)
    token = _or_usage_error(
        lambda: mint_token(
            api_key=settings.livekit.api_key,
            api_secret=settings.livekit.api_secret.get_secret_value(),
            identity=identity,
            role=role,
            room=room,
            store_id=store,
            region_id=region,
            region_store_ids=region_stores,
            ttl=ttl,
            dispatch_agent=settings.service.agent_dispatch,
        )
    )
    if json_output:
        print_json(
            {
                "token": token,
                "url": settings.livekit.url,
                "room": room,
                "identity": identity,
                "role": role,
                "store_id": store,
                "expires_at": (datetime.now(UTC) + ttl).isoformat(timespec="seconds"),
            }
        )
    else:
        typer.echo(token)


def clerk_command(
    room: Annotated[str, typer.Option("--room", help="Room to join, e.g. store-SH-01-clerk-ana.")],
    say: Annotated[
        list[Path],
        typer.Option("--say", help="Audio file to speak (WAV; any rate/channels); repeatable."),
    ],
    token: Annotated[
        str | None,
        typer.Option(
            "--token", help="Token to join with; default: a clerk token minted for the room."
        ),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Server URL; default from settings.")
    ] = None,
    silence: Annotated[
        float, typer.Option("--silence", help="Seconds of silence between utterances.")
    ] = 1.0,
    barge_in_after: Annotated[
        float | None,
        typer.Option(
            "--barge-in-after",
            help="From the 2nd file on, start speaking this many seconds after the reply "
            "starts (talk over it).",
        ),
    ] = None,
    ptt: Annotated[
        bool, typer.Option("--ptt", help='Send push-to-talk data ("ptt" start/stop) per file.')
    ] = False,
    wait_reply: Annotated[
        bool,
        typer.Option("--wait-reply/--no-wait-reply", help="Wait for each reply to finish."),
    ] = True,
    reply_timeout: Annotated[
        float, typer.Option("--reply-timeout", help="Seconds to wait for a reply to start.")
    ] = 10.0,
    reply_from: Annotated[
        str | None,
        typer.Option("--reply-from", help="Only this participant's audio counts as a reply."),
    ] = None,
    record: Annotated[
        Path | None, typer.Option("--record", help="Write everything heard to this WAV.")
    ] = None,
    frame_ms: Annotated[int, typer.Option("--frame-ms", help="Frame length: 10 or 20.")] = 20,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Join a room as a simulated clerk, speak WAV files in real time, time the replies."""
    # The WebRTC SDK loads only for this command, keeping `voice-agent --help` quick.
    from voice_agent.livekit.clerk import SimulatedClerk
    from voice_agent.livekit.clerk_script import ClerkScript

    configure_logging(verbose)
    settings = settings_or_exit(config)
    if frame_ms not in (10, 20):
        typer.echo("error: --frame-ms must be 10 or 20", err=True)
        raise typer.Exit(EXIT_USAGE)
    script = _or_usage_error(
        lambda: ClerkScript.from_files(
            say,
            barge_in_after_secs=barge_in_after,
            silence_between_secs=silence,
            wait_for_reply=wait_reply,
            reply_timeout_secs=reply_timeout,
            push_to_talk=ptt,
        )
    )
    if token is None:
        token = _or_usage_error(lambda: _clerk_token(settings, room))
    clerk = SimulatedClerk(
        url=url or settings.livekit.url,
        token=token,
        recording_path=record,
        frame_ms=20 if frame_ms == 20 else 10,
        reply_from=reply_from,
    )
    try:
        report = asyncio.run(clerk.run(script))
    except ClerkError as e:
        typer.echo(f"error: {e.message} ({e.code})", err=True)
        raise typer.Exit(EXIT_USAGE if e.code.startswith("audio_") else EXIT_FAILURE) from e
    if json_output:
        typer.echo(report.to_json())
    else:
        _print_report(report)
    if wait_reply and not report.replied:
        raise typer.Exit(EXIT_FAILURE)


def _clerk_token(settings: Settings, room: str) -> str:
    target = parse_clerk_room(room)
    return mint_token(
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret.get_secret_value(),
        identity=target.identity,
        role=ParticipantRole.CLERK,
        room=room,
        store_id=target.store_id,
        dispatch_agent=settings.service.agent_dispatch,
    )


def _region_stores(settings: Settings, region: str) -> tuple[str, ...]:
    from knowledge_base.loader import load_knowledge_base

    path = settings.knowledge_base.path
    knowledge = load_knowledge_base(Path(path) if path else None)
    if region not in knowledge.regions:
        known = ", ".join(sorted(knowledge.regions))
        typer.echo(f"error: unknown region {region!r}; known: {known}", err=True)
        raise typer.Exit(EXIT_USAGE)
    return tuple(store.id for store in knowledge.regions[region].stores)


def _or_usage_error(make: Callable[[], T]) -> T:
    try:
        return make()
    except (LiveKitError, ValueError) as e:
        message = e.message if isinstance(e, LiveKitError) else str(e)
        typer.echo(f"error: {message}", err=True)
        raise typer.Exit(EXIT_USAGE) from e


def _print_report(report: ClerkReport) -> None:
    typer.echo(f"room {report.room} as {report.identity}, {report.duration_secs:.1f} s")
    for u in report.utterances:
        line = f"  [{u.index}] {Path(u.file).name}: speech ended at {_fmt(u.speech_ended_at)}"
        if u.reply_started_at is None:
            line += ", no reply"
        else:
            line += (
                f", reply from {u.reply_from} at {_fmt(u.reply_started_at)} "
                f"(voice-to-voice {_fmt(u.voice_to_voice_secs)})"
            )
        if u.barge_in_stop_secs is not None:
            line += f", interrupted reply stopped after {_fmt(u.barge_in_stop_secs)}"
        typer.echo(line)
    if report.recording:
        typer.echo(f"  heard audio: {report.recording}")


def _fmt(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.3f} s"
