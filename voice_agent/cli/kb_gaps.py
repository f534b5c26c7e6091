"""``voice-agent kb gaps``: the questions the assistant could not answer, grouped."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from knowledge_base.gaps import GapGroup, group_gaps, top_gaps
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    settings_or_exit,
)
from voice_agent.cli.kb_support import (
    parse_when,
    utc_text,
)
from voice_agent.storage import (
    SqlQuestionLogRepository,
)


def gaps(
    since: Annotated[
        str | None,
        typer.Option("--since", help="Only questions from then on (2026-11-27, or ISO time)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only questions before then.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Groups shown per promotion.", min=1)] = 5,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", help="Word overlap (0-1] for two questions to group.", min=0.01, max=1
        ),
    ] = 0.5,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """List the top confusions per promotion: questions answered unknown, by fallback or refused.

    Similar questions are grouped (lowercased, filler words dropped, word-set overlap).
    Each group shows how often it was asked, when, from which stores, and examples.

    For example:

        voice-agent kb gaps --since 2026-11-27

        voice-agent kb gaps --since 2026-11-27T00:00+08:00 --limit 3 --json
    """
    settings = settings_or_exit(config)
    start, end = parse_when(since, "--since"), parse_when(until, "--until")
    with database_or_exit(settings, database) as db:
        records = SqlQuestionLogRepository(database=db).find(since=start, until=end)
    groups = group_gaps(records, threshold=threshold)
    shown = top_gaps(groups, per_promotion=limit)
    if json_output:
        report = {
            "since": start.isoformat() if start else None,
            "until": end.isoformat() if end else None,
            "questions": len(records),
            "groups": [_group_json(group) for group in shown],
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    if not records:
        typer.echo("no unanswered questions" + (f" since {utc_text(start)}" if start else ""))
        return
    current: object = object()
    for group in shown:
        if group.promotion_id != current:
            current = group.promotion_id
            total = sum(g.count for g in groups if g.promotion_id == current)
            typer.echo(f"{group.promotion_id or '(no promotion)'}: {total} question(s)")
        reasons = ", ".join(f"{reason} {count}" for reason, count in group.reasons.items())
        stores = ", ".join(group.stores) or "no store"
        typer.echo(
            f"  {group.count:>3}x  {group.examples[0]!r}  [{reasons}]  {stores};"
            f"  {utc_text(group.first_seen)} .. {utc_text(group.last_seen)}"
        )
        for example in group.examples[1:]:
            typer.echo(f"        also: {example!r}")


def _group_json(group: GapGroup) -> dict[str, Any]:
    return {
        "promotion_id": group.promotion_id,
        "key": group.key,
        "count": group.count,
        "first_seen": group.first_seen.isoformat(),
        "last_seen": group.last_seen.isoformat(),
        "examples": list(group.examples),
        "stores": list(group.stores),
        "reasons": {str(reason): count for reason, count in group.reasons.items()},
        "languages": list(group.languages),
    }
