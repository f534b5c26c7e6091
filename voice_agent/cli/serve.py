"""``voice-agent serve``: the service a store runs (LiveKit, agent sessions, HTTP API).

``voice_agent/cli/__init__.py`` calls :func:`register` to add the command.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from urllib.parse import urlparse

import typer
from loguru import logger

from voice_agent.cli.common import (
    EXIT_FAILURE,
    EXIT_USAGE,
    ConfigOption,
    JsonOption,
    VerboseOption,
    configure_logging,
    loading_progress,
    parse_at,
    settings_or_exit,
)
from voice_agent.cli.serve_output import print_demo, print_instructions
from voice_agent.settings import Settings

if TYPE_CHECKING:
    from voice_agent.runtime import Runtime
    from voice_agent.service.demo import DemoResult
    from voice_agent.service.runner import StoreService
    from voice_agent.service_settings import ServiceSettings
    from voice_agent.storage import Database

T = TypeVar("T")

SERVE_HELP = (
    "Run the store service: the assistant joins each clerk's LiveKit room while the clerk "
    "is in it.\n\n"
    "Loads the models once, opens the database, starts the local livekit-server (unless "
    "livekit.start_local_server is false; then livekit.url is used and its webhook must "
    "POST to /livekit/webhook; a local server that dies is restarted on the same ports), "
    "registers one agent worker with it (clerk tokens ask LiveKit to dispatch the "
    "assistant; service.agent_dispatch = false starts sessions from webhooks instead), and "
    "serves the HTTP API on loopback: POST /v1/tokens, GET /v1/sessions, "
    "DELETE /v1/sessions/{room}, GET /v1/sessions/{room}/events, GET /v1/gaps, "
    "POST|GET /v1/publications, the feedback, roster, notice and compliance endpoints, "
    "GET /healthz (200 only while LiveKit, the agent worker and the models all work). "
    "Answers come from the published promotion versions in the database; new publications "
    "(and, with knowledge_base.publish_edits, valid edits of the promotion files) are picked "
    "up within knowledge_base.poll_interval_secs. Once up it prints how to talk to it. Ctrl-C "
    "or SIGTERM stops the sessions, the API and LiveKit. For more nodes see voice-agent worker "
    "and docs/cluster.md.\n\n"
    "--once-demo proves the whole service offline: it starts everything on free ports, a "
    "simulated clerk asks 'Hey promo, is the AX-200 in the weekend offer?' (spoken by "
    "Piper), prints what the clerk heard (transcribed by Whisper) and exits.\n\n"
    "Exit codes: 0 ok; 1 the service could not start or the demo heard no answer; "
    "2 bad settings or options.\n\n"
    "Example: voice-agent serve\n\n"
    "Example: voice-agent serve --once-demo\n\n"
    "Example: voice-agent serve --port 9000 --capacity 4 --at 2026-11-28T15:00"
)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to ``app``."""
    app.command("serve", help=SERVE_HELP)(serve_command)


def serve_command(
    host: Annotated[
        str | None, typer.Option("--host", help="Address of the HTTP API (default: settings).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option("--port", min=0, max=65535, help="Port of the HTTP API; 0 picks a free one."),
    ] = None,
    capacity: Annotated[
        int | None, typer.Option("--capacity", min=1, help="Sessions that may run at once.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Pretend it is this time, ISO 8601 (store-local if no offset). "
            "Default: now; with --once-demo 2026-11-28T15:00 (the weekend offer).",
        ),
    ] = None,
    once_demo: Annotated[
        bool,
        typer.Option(
            "--once-demo",
            help="Start everything, let one simulated clerk ask a question, print what it "
            "heard, stop.",
        ),
    ] = False,
    question: Annotated[
        str | None,
        typer.Option("--question", help="What the --once-demo clerk asks (Piper speaks it)."),
    ] = None,
    demo_dir: Annotated[
        Path, typer.Option("--demo-dir", help="Where --once-demo writes its WAV files.")
    ] = Path("var/demo/serve"),
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run the store service (see the command help)."""
    from voice_agent.service.demo import DEMO_QUESTION, DEMO_STORE, DEMO_TIME
    from voice_agent.service_settings import (
        check_production_secrets,
        environment_of,
        service_settings_of,
    )

    configure_logging(verbose)
    settings = settings_or_exit(config)
    service = service_settings_of(settings)
    updates: dict[str, Any] = {"host": host, "port": port, "capacity": capacity}
    if once_demo:
        updates["port"] = 0  # the demo must not clash with a service already running
    service = service.model_copy(update={k: v for k, v in updates.items() if v is not None})
    try:
        check_production_secrets(
            environment=environment_of(settings),
            service=service,
            livekit_api_secret=settings.livekit.api_secret.get_secret_value(),
        )
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(EXIT_USAGE) from e

    from knowledge_base.errors import KnowledgeBaseError
    from voice_agent.runtime import build_runtime, default_store_id
    from voice_agent.storage import StorageError, open_database

    try:
        database = open_database(settings.storage.database_url)
    except StorageError as e:
        typer.echo(f"error: cannot open the database: {e} ({e.code})", err=True)
        raise typer.Exit(EXIT_FAILURE) from e
    try:
        with loading_progress(not json_output) as progress:
            runtime = build_runtime(settings, progress=progress, database=database)
    except KnowledgeBaseError as e:
        # Nothing published and the files are broken: there is nothing to serve.
        database.close()
        for issue in e.issues:
            typer.echo(str(issue), err=True)
        typer.echo("error: nothing to serve: fix the files above and start again", err=True)
        raise typer.Exit(EXIT_USAGE) from e
    except StorageError as e:
        database.close()
        typer.echo(f"error: cannot read the published versions: {e} ({e.code})", err=True)
        raise typer.Exit(EXIT_FAILURE) from e
    except BaseException:
        database.close()
        raise
    demo_store = DEMO_STORE if DEMO_STORE in runtime.knowledge.stores else None
    store_id = demo_store or default_store_id(runtime.knowledge)
    asked_at = parse_at(
        at or (DEMO_TIME if once_demo else None), lambda: runtime.knowledge.zone(store_id)
    )
    clock = (lambda: asked_at) if asked_at is not None else None
    try:
        store_service = _build_service(settings, service, runtime, database, clock, once_demo)
        if once_demo:
            result = _run(
                lambda: _demo(store_service, runtime, demo_dir, store_id, question or DEMO_QUESTION)
            )
            print_demo(result, json_output)
            if result is None or not result.ok:
                raise typer.Exit(EXIT_FAILURE)
        else:
            _run(lambda: _serve(store_service, settings, service, json_output))
    finally:
        database.close()


def _build_service(
    settings: Settings,
    service: ServiceSettings,
    runtime: Runtime,
    database: Database,
    clock: Callable[[], datetime] | None,
    once_demo: bool,
) -> StoreService:
    from voice_agent.livekit.errors import LiveKitBinaryNotFoundError
    from voice_agent.livekit.server import find_livekit_server_binary
    from voice_agent.service.livekit_setup import LocalLiveKit
    from voice_agent.service.runner import StoreService

    local: LocalLiveKit | None = None
    if settings.livekit.start_local_server or once_demo:
        try:
            binary = find_livekit_server_binary(settings.livekit.binary or None)
        except LiveKitBinaryNotFoundError as e:
            typer.echo(f"error: {e.message}", err=True)
            raise typer.Exit(EXIT_FAILURE) from e
        port = None if once_demo else urlparse(settings.livekit.url).port
        local = LocalLiveKit(binary=binary, port=port)
    return StoreService(
        runtime=runtime,
        database=database,
        service=service,
        livekit=settings.livekit,
        local_livekit=local,
        clock=clock,
    )


def _run(main: Callable[[], Awaitable[T]]) -> T | None:
    """Run ``main()`` until it ends or Ctrl-C/SIGTERM cancels it; exit 1 on startup errors."""
    from voice_agent.answered_error import AnsweredError
    from voice_agent.livekit.errors import LiveKitError

    async def guarded() -> T | None:
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(main())
        signals = (signal.SIGINT, signal.SIGTERM)

        def on_signal(name: str) -> None:
            if task.cancelling():
                logger.warning("{} again: already stopping", name)
                return
            logger.info("{}: stopping", name)
            task.cancel()

        for sig in signals:
            loop.add_signal_handler(sig, on_signal, sig.name)
        try:
            return await task
        except asyncio.CancelledError:
            return None
        finally:
            for sig in signals:
                loop.remove_signal_handler(sig)

    try:
        return asyncio.run(guarded())
    except (AnsweredError, LiveKitError) as e:
        typer.echo(f"error: {e.message} ({e.code})", err=True)
        raise typer.Exit(EXIT_FAILURE) from e
    except ValueError as e:  # API keys naming unknown stores or regions
        typer.echo(f"error: invalid settings: {e}", err=True)
        raise typer.Exit(EXIT_USAGE) from e


async def _serve(
    store_service: StoreService, settings: Settings, service: ServiceSettings, json_output: bool
) -> None:
    try:
        await store_service.start()
        print_instructions(store_service, settings, service, json_output)
        await asyncio.Event().wait()  # until Ctrl-C / SIGTERM cancels us
    finally:
        # Shielded: a second Ctrl-C must not leave LiveKit or sessions behind.
        await asyncio.shield(store_service.stop())


async def _demo(
    store_service: StoreService, runtime: Runtime, demo_dir: Path, store_id: str, question: str
) -> DemoResult:
    from voice_agent.service.demo import run_demo

    try:
        await store_service.start()
        return await run_demo(
            service=store_service,
            runtime=runtime,
            work_dir=demo_dir,
            store_id=store_id,
            question=question,
        )
    finally:
        await asyncio.shield(store_service.stop())
