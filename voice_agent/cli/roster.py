"""``voice-agent roster`` and ``voice-agent status``: load the roster; see who heard an update.

Exit codes: 0 ok; 1 the roster (or the database) was refused, with every problem as
``file:line: error: field: message``; 2 usage error (bad option, missing file, bad config).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from knowledge_base.answering import Role
from knowledge_base.compliance import VersionCompliance, scoped
from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from knowledge_base.roster_files import MAX_ROSTER_CHARS, parse_roster
from knowledge_base.rosters import RosterError
from voice_agent.broadcast.compliance import UnknownVersionError, compliance_report
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    fail,
    settings_or_exit,
)
from voice_agent.settings import Settings
from voice_agent.storage import (
    SqlRosterRepository,
    StorageError,
)

app = typer.Typer(
    help=(
        "The roster: who works where, in which role, on which shifts (store-local times)."
        "\n\nNotices reach the people on it; a clerk off shift hears an urgent update when"
        " their next shift starts. Format: docs/broadcast.md (CSV or YAML)."
    ),
    no_args_is_help=True,
)


def _knowledge(settings: Settings) -> KnowledgeBase:
    path = settings.knowledge_base.path
    root = Path(path) if path else SAMPLE_DATA_DIR
    try:
        return load_knowledge_base(root)
    except KnowledgeBaseError as e:
        raise fail(f"the knowledge base ({root}) does not load: {e}", 2) from e


@app.command("load")
def load(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Roster file, .csv or YAML (default: broadcast.roster_file).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", help="csv or yaml (default: by the file's extension)."),
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Who loads it (recorded).")] = "cli",
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Check a roster file against the stores and regions, then replace the stored roster.

    Every problem (unknown store, bad time, overlapping shifts, ...) is printed with file,
    line and field, and a roster with any problem stores nothing.

    For example:

        voice-agent roster load rosters/december.csv

        voice-agent roster load staff.yaml --json
    """
    settings = settings_or_exit(config)
    path = file or (
        Path(settings.broadcast.roster_file) if settings.broadcast.roster_file else None
    )
    if path is None:
        raise fail("give a roster FILE (or set broadcast.roster_file)", 2)
    if format not in (None, "csv", "yaml"):
        raise fail(f"--format must be csv or yaml, got {format!r}", 2)
    kind: Literal["csv", "yaml"] | None = format  # type: ignore[assignment]
    try:
        if path.stat().st_size > MAX_ROSTER_CHARS * 4:
            raise fail(f"{path}: larger than a roster may be ({MAX_ROSTER_CHARS} characters)", 1)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise fail(f"cannot read {path}: {e}", 2) from e
    try:
        roster = parse_roster(text, file=str(path), knowledge=_knowledge(settings), format=kind)
    except RosterError as e:
        if json_output:
            problems = [
                {
                    "file": i.file,
                    "line": i.line,
                    "field": i.field,
                    "message": i.message,
                    "code": i.code,
                }
                for i in e.issues
            ]
            typer.echo(json.dumps({"ok": False, "errors": problems}, indent=2))
        else:
            for issue in e.issues:
                typer.echo(str(issue), err=True)
            typer.echo(f"roster not loaded: {len(e.issues)} error(s); nothing stored", err=True)
        raise typer.Exit(1) from e
    with database_or_exit(settings, database) as db:
        try:
            stored = SqlRosterRepository(database=db).replace(
                roster, source=str(path), loaded_by=by, loaded_at=datetime.now(UTC)
            )
        except StorageError as e:
            raise fail(f"{e} ({e.code})", 1) from e
    roles = Counter(m.role.value for m in roster.members)
    shifts = sum(len(m.calendar.weekly) + len(m.calendar.dated) for m in roster.members)
    if json_output:
        report = {
            "ok": True,
            "source": stored.source,
            "loaded_at": stored.loaded_at.isoformat(),
            "people": len(roster.members),
            "shifts": shifts,
            "roles": dict(sorted(roles.items())),
        }
        typer.echo(json.dumps(report, indent=2))
        return
    summary = ", ".join(f"{count} {role}" for role, count in sorted(roles.items()))
    typer.echo(
        f"roster loaded from {path}: {len(roster.members)} people ({summary}), {shifts} shifts"
    )


def status(
    promotion: Annotated[str, typer.Argument(help="Promotion id, e.g. weekend-running.")],
    version: Annotated[
        int | None,
        typer.Option("--version", min=1, help="Version (default: the newest published)."),
    ] = None,
    store: Annotated[
        str | None, typer.Option("--store", help="Only this store (a store manager's view).")
    ] = None,
    region: Annotated[
        str | None,
        typer.Option("--region", help="Only this region (a regional manager's view)."),
    ] = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Who heard, acknowledged and passed the quiz on a promotion version, per store.

    Time to compliance is from publishing to the moment every clerk on shift since then had
    acknowledged (or passed). Without --store or --region: every store in scope.

    For example:

        voice-agent status weekend-running

        voice-agent status weekend-running --version 3 --store SH-01 --json
    """
    if store and region:
        raise fail("give --store or --region, not both", 2)
    settings = settings_or_exit(config)
    knowledge = _knowledge(settings)
    if store is not None and store not in knowledge.stores:
        raise fail(f"unknown store {store!r}; known: {', '.join(sorted(knowledge.stores))}", 2)
    if region is not None and region not in knowledge.regions:
        known = ", ".join(sorted(knowledge.regions))
        raise fail(f"unknown region {region!r}; known: {known}", 2)
    with database_or_exit(settings, database) as db:
        try:
            report = compliance_report(
                db,
                knowledge,
                promotion_id=promotion,
                version=version,
                as_of=datetime.now(UTC),
            )
        except UnknownVersionError as e:
            raise fail(f"{e} ({e.code})", 1) from e
        except StorageError as e:
            raise fail(f"{e} ({e.code})", 1) from e
    if store is not None:
        report = scoped(report, role=Role.STORE_MANAGER, store_id=store)
    elif region is not None:
        report = scoped(report, role=Role.REGIONAL_MANAGER, region_id=region)
    if json_output:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_report(report)


def _print_report(report: VersionCompliance) -> None:
    document = report.to_dict()
    typer.echo(
        f"{report.promotion_id} version {report.version}, published"
        f" {report.published_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    )
    stores: list[dict[str, Any]] = document["stores"]  # type: ignore[assignment]
    if not stores:
        typer.echo("  no store in this view")
    for entry in stores:
        typer.echo(
            f"  {entry['store_id']}: heard {entry['heard']}/{entry['required']},"
            f" acknowledged {entry['acknowledged']}/{entry['required']},"
            f" passed {entry['passed']}/{entry['required']}"
        )
        for label, key, waiting in (
            ("acknowledged", "time_to_acknowledged", "waiting_for_acknowledgement"),
            ("passed", "time_to_passed", "waiting_for_quiz"),
        ):
            milestone = entry[key]
            seconds = _duration(float(milestone["seconds"]))
            if milestone["compliant"]:
                typer.echo(f"    all {label} after {seconds}")
            else:
                names = ", ".join(entry[waiting]) or "no clerk on shift yet"
                typer.echo(f"    not all {label} after {seconds}; waiting for {names}")
        if entry["failed_quiz"]:
            typer.echo(f"    failed the quiz: {', '.join(entry['failed_quiz'])}")


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{rest:02d}s"


def register(root: typer.Typer) -> None:
    """Add ``roster`` and ``status`` to the ``voice-agent`` application."""
    root.add_typer(app, name="roster")
    root.command("status")(status)
