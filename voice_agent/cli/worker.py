"""``voice-agent worker``: a node that joins a LiveKit cluster and takes dispatched clerks.

``voice_agent/cli/livekit_cmds.py`` calls :func:`register` to add the command.
"""

from __future__ import annotations

import asyncio
import signal
from typing import TYPE_CHECKING, Annotated, Any

import typer
from loguru import logger

from voice_agent.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_USAGE,
    ConfigOption,
    JsonOption,
    VerboseOption,
    configure_logging,
    loading_progress,
    print_json,
    settings_or_exit,
)

if TYPE_CHECKING:
    from voice_agent.worker.node import WorkerNode


WORKER_HELP = (
    "Join a LiveKit cluster as an agent worker: LiveKit dispatches clerks' rooms to it.\n\n"
    "Loads the models once, registers with the LiveKit node at livekit.url (with "
    "livekit.api_key / livekit.api_secret; any node of a cluster sharing Redis will do) "
    "under the agent name 'promo-assistant', and runs one session per dispatched clerk, at "
    "most --capacity at once: at capacity LiveKit sends the next clerk to another worker. "
    "Gap questions, conversations, urgent notices' deliveries and its heartbeat (alive, "
    "registered, its clerk rooms) go to storage.database_url: point every worker and the "
    "store service at one shared database, so a clerk whose worker died gets the assistant "
    "back at once. It answers from the versions published there and follows every "
    "publication: an urgent one is spoken to the clerks it runs sessions for.\n\n"
    "SIGTERM or Ctrl-C drains: no new clerks, running sessions go on until their clerks "
    "leave (at most --drain-timeout seconds); a second signal stops at once.\n\n"
    "Exit codes: 0 stopped; 1 could not register with LiveKit; 2 bad settings or options.\n\n"
    "Example: VOICE_AGENT_LIVEKIT__URL=ws://10.0.0.5:7880 voice-agent worker --capacity 8"
)


def register(app: typer.Typer) -> None:
    """Add ``worker`` to ``app``."""
    app.command("worker", help=WORKER_HELP)(worker_command)


def worker_command(
    capacity: Annotated[
        int | None,
        typer.Option("--capacity", min=1, help="Sessions at once (default: service.capacity)."),
    ] = None,
    livekit_url: Annotated[
        str | None,
        typer.Option("--livekit-url", help="LiveKit node to register with (default: livekit.url)."),
    ] = None,
    drain_timeout: Annotated[
        int, typer.Option("--drain-timeout", min=1, help="Seconds a drain waits for sessions.")
    ] = 600,
    health_port: Annotated[
        int,
        typer.Option(
            "--health-port", min=0, max=65535, help="Port of GET / (200 while registered)."
        ),
    ] = 0,
    health_host: Annotated[
        str,
        typer.Option(
            "--health-host",
            help="Address of GET / (on a cluster: this node's address the store service "
            "can reach; it probes a worker whose heartbeat is late).",
        ),
    ] = "127.0.0.1",
    json_output: JsonOption = False,
    config: ConfigOption = None,
    verbose: VerboseOption = False,
) -> None:
    """Run an agent worker (see the command help)."""
    from knowledge_base.errors import KnowledgeBaseError
    from voice_agent.agent.transport import LiveKitEndpoint
    from voice_agent.runtime import build_runtime
    from voice_agent.service_settings import service_settings_of
    from voice_agent.storage import StorageError, open_database
    from voice_agent.worker.node import WorkerNode

    configure_logging(verbose)
    settings = settings_or_exit(config)
    service = service_settings_of(settings)
    if capacity is not None:
        service = service.model_copy(update={"capacity": capacity})
    endpoint = LiveKitEndpoint(
        url=livekit_url or settings.livekit.url,
        api_key=settings.livekit.api_key,
        api_secret=settings.livekit.api_secret.get_secret_value(),
    )
    try:
        database = open_database(settings.storage.database_url)
    except StorageError as e:
        typer.echo(f"error: cannot open the database: {e} ({e.code})", err=True)
        raise typer.Exit(EXIT_FAILURE) from e
    try:
        # The published versions in the shared database: every node answers from them and
        # follows each publication (urgent ones are spoken to this node's clerks).
        try:
            with loading_progress(not json_output) as progress:
                runtime = build_runtime(settings, progress=progress, database=database)
        except KnowledgeBaseError as e:
            for issue in e.issues:
                typer.echo(str(issue), err=True)
            typer.echo("error: nothing to serve: nothing is published", err=True)
            raise typer.Exit(EXIT_USAGE) from e
        node = WorkerNode(
            runtime=runtime,
            database=database,
            endpoint=endpoint,
            service=service,
            drain_timeout_secs=drain_timeout,
            health_port=health_port,
            health_host=health_host,
        )
        code = asyncio.run(_run(node, capacity=service.capacity, json_output=json_output))
    finally:
        database.close()
    if code:
        raise typer.Exit(code)


async def _run(node: WorkerNode, *, capacity: int, json_output: bool) -> int:
    from voice_agent.agent.errors import AgentError

    try:
        await node.start()
    except AgentError as e:
        typer.echo(f"error: {e.message} ({e.code})", err=True)
        await node.stop(drain=False)
        return EXIT_FAILURE
    document: dict[str, Any] = {
        "worker_id": node.dispatcher.worker_id,
        "agent_name": "promo-assistant",
        "capacity": capacity,
        "health_url": node.dispatcher.health_url,
    }
    if json_output:
        print_json(document)
    else:
        typer.echo(
            f"worker {document['worker_id']} ready: capacity {capacity}, "
            f"health {document['health_url']}"
        )
        typer.echo("Ctrl-C or SIGTERM drains it (a second one stops at once).")
    loop = asyncio.get_running_loop()
    signals_seen = 0
    stop_now = asyncio.Event()
    drain = asyncio.Event()

    def on_signal(name: str) -> None:
        nonlocal signals_seen
        signals_seen += 1
        if signals_seen == 1:
            logger.info("{}: draining (no new clerks; running sessions finish)", name)
            drain.set()
        else:
            logger.warning("{} again: stopping now", name)
            stop_now.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig.name)
    await drain.wait()
    draining = asyncio.create_task(node.stop(drain=True))
    stopping = asyncio.create_task(stop_now.wait())
    await asyncio.wait({draining, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not draining.done():
        await node.stop(drain=False)
        draining.cancel()
    stopping.cancel()
    return EXIT_OK
