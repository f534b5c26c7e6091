"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from loguru import logger
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from voice_agent.settings import ConfigFileError, Settings, load_settings

if TYPE_CHECKING:
    from voice_agent.storage import Database

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
"""Exit codes of the service commands: done; could not run; bad settings or options."""

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="TOML file overriding config/default.toml."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document for scripts.")]
BenchLogOption = Annotated[
    Path | None,
    typer.Option(
        "--log",
        help="Also write the service's debug log to this file (what each session heard,"
        " when it answered); without it a benchmark logs nothing.",
        dir_okay=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help=(
            "Database URL, sqlite:///path or postgresql://user@host/dbname"
            " (default: storage.database_url)."
        ),
        show_default=False,
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store", help="Store id the caller works in (default: the knowledge base's first store)."
    ),
]
RoleOption = Annotated[
    str, typer.Option("--role", help="clerk, store_manager, regional_manager or hq.")
]
AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Pretend it is this time, ISO 8601 (store-local if no offset), "
        "e.g. 2026-11-28T15:00. Default: now.",
    ),
]
ClassifierOption = Annotated[
    Literal["offline", "llm"] | None,
    typer.Option(
        "--classifier",
        help="Feedback classifier: offline or llm (default: feedback.classifier from settings).",
        show_default=False,
    ),
]
KnowledgeBaseOption = Annotated[
    Path | None,
    typer.Option(
        "--kb",
        help="Knowledge-base directory (default: a labelled set's `catalogue`, else"
        " knowledge_base.path from settings, else the packaged sample).",
        file_okay=False,
        show_default=False,
    ),
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="Show debug logs (per-frame detail).")
]

err_console = Console(stderr=True)


_LOGURU_DEFAULT_HANDLER = 0
"""The id of loguru's own stderr handler (DEBUG), added when loguru is imported."""
_stderr_handler: list[int] = []
"""The id of the handler :func:`configure_logging` added (at most one)."""


def configure_logging(verbose: bool) -> None:
    """Send logs to stderr: INFO by default, DEBUG with --verbose.

    Replaces only loguru's default handler and the one an earlier call added, so a command
    run in-process (tests, ``CliRunner``) leaves the caller's own sinks in place.
    """
    for handler in (_LOGURU_DEFAULT_HANDLER, *_stderr_handler):
        with contextlib.suppress(ValueError):  # already gone (loguru ids are never reused)
            logger.remove(handler)
    _stderr_handler[:] = [
        logger.add(_write_to_current_stderr, level="DEBUG" if verbose else "INFO")
    ]


def configure_bench_logging(log_file: Path | None) -> None:
    """A benchmark keeps stderr for its progress: no logs, or DEBUG logs into ``log_file``."""
    logger.remove()
    if log_file is not None:
        # enqueue: a session's log line never waits on the disk in the event loop.
        logger.add(log_file, level="DEBUG", enqueue=True)


def _write_to_current_stderr(message: str) -> None:
    """Write to whatever ``sys.stderr`` is now, not the stream it was when logging started.

    A command run in-process (tests, ``CliRunner``) gets a temporary stderr that is closed
    when the command returns, while threads and tasks it started may still log.
    """
    sys.stderr.write(message)


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` as an error; the exit to raise with ``code``."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def settings_or_exit(config: Path | None) -> Settings:
    """Load settings or exit with status 2 and the reason."""
    try:
        return load_settings(config)
    except (ConfigFileError, ValueError) as e:
        raise fail(f"invalid settings: {e}", 2) from e


def database_or_exit(settings: Settings, url: str | None) -> Database:
    """Open ``url`` (default: ``storage.database_url``); exit 2 on a bad URL, 1 when it fails."""
    from voice_agent.storage import DatabaseUrlError, StorageError, open_database

    try:
        return open_database(url or settings.storage.database_url)
    except DatabaseUrlError as e:
        raise fail(str(e), 2) from e
    except StorageError as e:
        raise fail(f"{e} ({e.code})", 1) from e


def parse_at(value: str | None, zone_of: Callable[[], Any]) -> datetime | None:
    """Parse ``--at``; naive times are taken in the store's zone (``zone_of()``)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        typer.echo(f"error: --at {value!r} is not an ISO 8601 time", err=True)
        raise typer.Exit(2) from e
    return moment if moment.tzinfo else moment.replace(tzinfo=zone_of())


def print_json(document: Any) -> None:
    """Print a JSON document to stdout."""
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False, default=str))


@contextmanager
def loading_progress(enabled: bool = True) -> Iterator[Callable[[str], None]]:
    """A spinner on stderr naming each model as it loads; yields the progress callback."""
    if not enabled:
        yield lambda _name: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting", total=None)

        def step(name: str) -> None:
            progress.update(task, description=f"loading {name}")

        yield step
