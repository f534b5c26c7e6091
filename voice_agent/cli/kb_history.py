"""``voice-agent kb history`` and ``kb diff``: stored promotion versions and what changed."""

from __future__ import annotations

import difflib
import json
from typing import Annotated, Any

import typer

from knowledge_base.answering import Role
from knowledge_base.versions import (
    PromotionVersion,
    change_lines,
    change_summary,
)
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    fail,
    settings_or_exit,
)
from voice_agent.cli.kb_support import (
    PromotionArgument,
    names_for,
    utc_text,
)
from voice_agent.settings import Settings
from voice_agent.storage import (
    SqlPromotionVersionRepository,
)


def _history(settings: Settings, database: str | None, promotion_id: str) -> list[PromotionVersion]:
    with database_or_exit(settings, database) as db:
        versions = SqlPromotionVersionRepository(database=db).history(promotion_id)
    if not versions:
        raise fail(f"no stored versions of {promotion_id!r} (publish it first)", 1)
    return versions


def history(
    promotion_id: PromotionArgument,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """List the stored versions of a promotion, oldest first, with what each changed.

    For example:

        voice-agent kb history weekend-running

        voice-agent kb history weekend-running --json | jq '.[-1].changes'
    """
    settings = settings_or_exit(config)
    versions = _history(settings, database, promotion_id)
    rows: list[dict[str, Any]] = []
    for before, version in zip([None, *versions[:-1]], versions, strict=True):
        rows.append(
            {
                "promotion_id": version.promotion_id,
                "version": version.version,
                "published_at": version.published_at.isoformat(),
                "published_by": version.published_by,
                "content_hash": version.content_hash,
                "changes": change_lines(before.content, version.content) if before else [],
                "diff": version.diff,
            }
        )
    if json_output:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row, version in zip(rows, versions, strict=True):
        typer.echo(
            f"v{version.version}  {utc_text(version.published_at)}  {version.published_by}"
            f"  sha256:{version.content_hash[:12]}"
        )
        for line in row["changes"] or ["first stored version"]:
            typer.echo(f"    {line}")


def diff(
    promotion_id: PromotionArgument,
    from_version: Annotated[
        int | None,
        typer.Option("--from", help="Older version (default: the one before --to).", min=1),
    ] = None,
    to_version: Annotated[
        int | None, typer.Option("--to", help="Newer version (default: the latest).", min=1)
    ] = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Show what changed between two stored versions: field lines, spoken summary, text diff.

    For example:

        voice-agent kb diff weekend-running

        voice-agent kb diff weekend-running --from 1 --to 3 --json
    """
    settings = settings_or_exit(config)
    if from_version is not None and to_version is not None and from_version >= to_version:
        raise fail("--from must be older than --to", 2)
    versions = {v.version: v for v in _history(settings, database, promotion_id)}
    to_number = to_version if to_version is not None else max(versions)
    if from_version is None:
        older_numbers = [number for number in versions if number < to_number]
        if not older_numbers:
            raise fail(f"{promotion_id} has no stored version before v{to_number}", 1)
        from_version = max(older_numbers)
    missing = [n for n in (from_version, to_number) if n not in versions]
    if missing:
        stored = ", ".join(f"v{n}" for n in sorted(versions))
        raise fail(f"{promotion_id} has no stored v{missing[0]} (stored: {stored})", 1)
    older, newer = versions[from_version], versions[to_number]
    lines = change_lines(older.content, newer.content)
    summary = change_summary(older.content, newer.content, role=Role.HQ, names=names_for(settings))
    text_diff = "".join(
        difflib.unified_diff(
            older.content.splitlines(keepends=True),
            newer.content.splitlines(keepends=True),
            fromfile=f"{promotion_id} v{older.version}",
            tofile=f"{promotion_id} v{newer.version}",
        )
    )
    if json_output:
        report = {
            "promotion_id": promotion_id,
            "from": older.version,
            "to": newer.version,
            "changes": lines,
            "summary": summary,
            "diff": text_diff,
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    typer.echo(f"{promotion_id} v{older.version} -> v{newer.version}")
    for line in lines:
        typer.echo(f"    {line}")
    if summary:
        typer.echo("Spoken: " + " ".join(summary))
    typer.echo("")
    typer.echo(text_diff, nl=False)
