"""``voice-agent db``: bring the database schema up to date, or show where it stands.

Exit codes: 0 ok; 1 the database failed (unreachable, schema newer than this program, a
migration step failed); 2 usage error (bad option, bad URL, bad config).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from voice_agent.cli.common import ConfigOption, DatabaseOption, JsonOption, fail, settings_or_exit
from voice_agent.storage import Database, DatabaseUrlError, StorageError
from voice_agent.storage.migrations import current_revision, head_revision, upgrade

app = typer.Typer(
    help=(
        "Database schema: upgrade it to this program's newest revision, or show its revision."
        "\n\nThe service upgrades the schema by itself when it opens the database; run"
        " `voice-agent db upgrade` to do it ahead of a deployment (with several nodes on one"
        " PostgreSQL, once is enough)."
    ),
    no_args_is_help=True,
)


def _database(config: Path | None, url: str | None) -> Database:
    """The database, not upgraded (``db current`` must see the revision as it is)."""
    settings = settings_or_exit(config)
    try:
        return Database(url=url or settings.storage.database_url)
    except DatabaseUrlError as e:
        raise fail(str(e), 2) from e
    except StorageError as e:
        raise fail(f"{e} ({e.code})", 1) from e


def _report(database: Database, before: str | None, after: str | None) -> dict[str, Any]:
    head = head_revision()
    return {
        "url": database.url,
        "engine": database.dialect,
        "revision": after,
        "previous_revision": before,
        "head": head,
        "up_to_date": after == head,
    }


@app.command("upgrade")
def upgrade_command(
    json_output: JsonOption = False, config: ConfigOption = None, database: DatabaseOption = None
) -> None:
    """Apply every migration the database has not had yet (safe to run again, and at once).

    A SQLite file from before revision-based migrations is adopted with all its rows.

    For example:

        voice-agent db upgrade

        voice-agent db upgrade --database postgresql://agent@db.example/promo --json
    """
    with _database(config, database) as db:
        try:
            before, after = upgrade(db)
        except StorageError as e:
            raise fail(f"{e} ({e.code})", 1) from e
        report = _report(db, before, after)
    if json_output:
        typer.echo(json.dumps(report, indent=2))
        return
    if before == after:
        typer.echo(f"{report['url']}: already at {after} (newest)")
    else:
        typer.echo(f"{report['url']}: upgraded {before or 'empty'} -> {after}")


@app.command("current")
def current_command(
    json_output: JsonOption = False, config: ConfigOption = None, database: DatabaseOption = None
) -> None:
    """Show the database's schema revision and whether it is the newest this program knows.

    Changes nothing. Exit 0 either way; scripts read ``up_to_date`` from --json.

    For example:

        voice-agent db current --json | jq .up_to_date
    """
    with _database(config, database) as db:
        try:
            revision = current_revision(db)
        except StorageError as e:
            raise fail(f"{e} ({e.code})", 1) from e
        report = _report(db, revision, revision)
    del report["previous_revision"]
    if json_output:
        typer.echo(json.dumps(report, indent=2))
        return
    state = "up to date" if report["up_to_date"] else f"behind (newest: {report['head']})"
    typer.echo(f"{report['url']} ({report['engine']}): {revision or 'empty'}, {state}")
