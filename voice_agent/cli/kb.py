"""``voice-agent kb``: validate the knowledge base, publish versions, read history, mine gaps.

Exit codes: 0 ok; 1 findings or failure (invalid files, version conflicts, nothing stored
for that promotion); 2 usage or input error (bad option, missing directory, bad config).
"""

from __future__ import annotations

import difflib
import getpass
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from knowledge_base.answering import Role
from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.gaps import GapGroup, group_gaps, top_gaps
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base, validate_knowledge_base
from knowledge_base.versions import (
    PromotionVersion,
    change_lines,
    change_summary,
    read_history,
    spoken_names,
)
from voice_agent.cli.common import ConfigOption, DatabaseOption, JsonOption
from voice_agent.settings import ConfigFileError, Settings, load_settings
from voice_agent.storage import (
    Database,
    DatabaseUrlError,
    SqlPromotionVersionRepository,
    SqlQuestionLogRepository,
    StorageError,
    open_database,
)
from voice_agent.storage.publisher import Publisher

app = typer.Typer(
    help=(
        "Knowledge base: validate files, publish promotion versions, read their history and"
        " diffs, and list the questions the assistant could not answer.\n\n"
        "Typical flow:  voice-agent kb validate kb/  ->  voice-agent kb publish kb/ --by 'Lin"
        " Wei'  ->  voice-agent kb history weekend-running"
    ),
    no_args_is_help=True,
)

DirectoryArgument = Annotated[
    Path | None,
    typer.Argument(
        help=(
            "Knowledge-base directory (regions.yaml, catalogue.yaml, promotions/, history/)."
            " Default: knowledge_base.path from the settings, else the packaged sample."
        ),
        show_default=False,
    ),
]
PromotionArgument = Annotated[str, typer.Argument(help="Promotion id, e.g. weekend-running.")]


# --- shared helpers ------------------------------------------------------------------------------


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except (ConfigFileError, ValidationError) as e:
        raise _fail(str(e), 2) from e


def _directory(settings: Settings, directory: Path | None) -> Path:
    if directory is None:
        directory = Path(settings.knowledge_base.path) if settings.knowledge_base.path else None
    root = directory or SAMPLE_DATA_DIR
    if not root.is_dir():
        raise _fail(f"knowledge-base directory not found: {root}", 2)
    return root


def _database(settings: Settings, url: str | None) -> Database:
    try:
        return open_database(url or settings.storage.database_url)
    except DatabaseUrlError as e:
        raise _fail(str(e), 2) from e
    except StorageError as e:
        raise _fail(str(e), 1) from e


def _all_issues(root: Path) -> list[Issue]:
    """Knowledge-base issues, then history-file issues."""
    return validate_knowledge_base(root) + read_history(root)[1]


def _print_issues(issues: list[Issue]) -> None:
    for issue in issues:
        typer.echo(str(issue), err=issue.severity == "error")


def _names(settings: Settings) -> dict[str, str]:
    """Spoken names from the configured knowledge base, if it loads (only wording uses them)."""
    path = settings.knowledge_base.path
    root = Path(path) if path else SAMPLE_DATA_DIR
    try:
        return spoken_names(load_knowledge_base(root))
    except KnowledgeBaseError:
        return {}


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _parse_when(value: str | None, option: str) -> datetime | None:
    """``2026-11-27`` (midnight UTC) or an ISO time; a time without offset is UTC."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        raise typer.BadParameter(
            f"expected a date like 2026-11-27 or 2026-11-27T08:00+08:00, got {value!r}",
            param_hint=option,
        ) from e
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# --- validate ------------------------------------------------------------------------------------


@app.command("validate")
def validate(
    directory: DirectoryArgument = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Check every knowledge-base file and print each problem with file, line and field.

    Lines read FILE:LINE: SEVERITY: FIELD: MESSAGE; history/ files are checked too.
    Exit 1 when there are errors (warnings alone exit 0).

    For example:

        voice-agent kb validate knowledge_base/data

        voice-agent kb validate kb/ --json | jq '.issues[] | select(.severity == "error")'
    """
    root = _directory(_settings(config), directory)
    issues = _all_issues(root)
    errors = sum(1 for issue in issues if issue.severity == "error")
    warnings = len(issues) - errors
    if json_output:
        report = {
            "directory": str(root),
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "issues": [issue.to_dict() for issue in issues],
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_issues(issues)
        verdict = "invalid" if errors else "OK"
        typer.echo(f"{root}: {verdict} ({errors} error(s), {warnings} warning(s))")
    if errors:
        raise typer.Exit(1)


# --- publish -------------------------------------------------------------------------------------


@app.command("publish")
def publish(
    directory: DirectoryArgument = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Who publishes (default: the login name).", show_default=False),
    ] = None,
    notes: Annotated[
        str, typer.Option("--notes", help="Change notes stored with the publication.")
    ] = "",
    urgent: Annotated[
        bool,
        typer.Option("--urgent", help="Mark the publication urgent (announced to clerks)."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be stored; store nothing.")
    ] = False,
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Publish every promotion whose content changed since its last published version.

    A running service answers from the published versions within
    knowledge_base.poll_interval_secs; "what changed?" compares with them.

    The database is the source of truth for version numbers.
    A changed promotion's file must say version = stored latest + 1; an unchanged one the latest.
    Otherwise, or when the knowledge base has errors, nothing is stored (exit 1).
    On first publish the file's version is adopted, after any history/<id>/v<N>.yaml files.
    Drafts are not versioned. When nothing changed, no publication is recorded.

    For example:

        voice-agent kb publish knowledge_base/data --by "Lin Wei" --notes "LE excluded"

        voice-agent kb publish kb/ --urgent --notes "Boots now 30 percent" --json

        voice-agent kb publish kb/ --dry-run --json
    """
    settings = _settings(config)
    root = _directory(settings, directory)
    with _database(settings, database) as db:
        outcome = Publisher(database=db).publish_directory(
            root,
            published_by=by or _login_name(),
            notes=notes,
            urgent=urgent,
            dry_run=dry_run,
        )
    if not outcome.ok or outcome.plan is None:
        _print_issues(outcome.issues)
        raise _fail("nothing was published: fix the problems above and publish again", 1)
    plan = outcome.plan
    previous = dict(outcome.previous)
    stored: list[dict[str, Any]] = []
    for version in plan.new_versions:
        before = previous.get(version.promotion_id)
        stored.append(
            {
                "promotion_id": version.promotion_id,
                "version": version.version,
                "published_at": version.published_at.isoformat(),
                "published_by": version.published_by,
                "changes": change_lines(before.content, version.content) if before else [],
            }
        )
        previous[version.promotion_id] = version
    publication = outcome.publication
    if json_output:
        report = {
            "directory": str(root),
            "dry_run": dry_run,
            "publication": None
            if publication is None
            else {
                "id": publication.id,
                "published_at": publication.published_at.isoformat(),
                "published_by": publication.published_by,
                "notes": publication.notes,
                "urgent": publication.urgent,
            },
            "stored": stored,
            "unchanged": [
                {"promotion_id": v.promotion_id, "version": v.version} for v in plan.unchanged
            ],
            "drafts": plan.drafts,
            "issues": [issue.to_dict() for issue in outcome.issues],
        }
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    verb = "would store" if dry_run else "stored"
    for item in stored:
        typer.echo(
            f"{verb} {item['promotion_id']} v{item['version']}"
            f" (by {item['published_by']}, {_time(datetime.fromisoformat(item['published_at']))})"
        )
        for line in item["changes"]:
            typer.echo(f"    {line}")
    for version in plan.unchanged:
        typer.echo(f"unchanged {version.promotion_id} v{version.version}")
    for promotion_id in plan.drafts:
        typer.echo(f"skipped draft {promotion_id}")
    summary = f"{len(stored)} version(s) {verb}, {len(plan.unchanged)} unchanged"
    if publication is not None:
        flag = ", urgent" if publication.urgent else ""
        summary += f"; publication {publication.id}{flag}"
    elif not dry_run:
        summary += "; nothing changed, no publication recorded"
    typer.echo(summary)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# --- history and diff ----------------------------------------------------------------------------


def _history(settings: Settings, database: str | None, promotion_id: str) -> list[PromotionVersion]:
    with _database(settings, database) as db:
        versions = SqlPromotionVersionRepository(database=db).history(promotion_id)
    if not versions:
        raise _fail(f"no stored versions of {promotion_id!r} (publish it first)", 1)
    return versions


@app.command("history")
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
    settings = _settings(config)
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
            f"v{version.version}  {_time(version.published_at)}  {version.published_by}"
            f"  sha256:{version.content_hash[:12]}"
        )
        for line in row["changes"] or ["first stored version"]:
            typer.echo(f"    {line}")


@app.command("diff")
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
    settings = _settings(config)
    if from_version is not None and to_version is not None and from_version >= to_version:
        raise _fail("--from must be older than --to", 2)
    versions = {v.version: v for v in _history(settings, database, promotion_id)}
    to_number = to_version if to_version is not None else max(versions)
    if from_version is None:
        older_numbers = [number for number in versions if number < to_number]
        if not older_numbers:
            raise _fail(f"{promotion_id} has no stored version before v{to_number}", 1)
        from_version = max(older_numbers)
    missing = [n for n in (from_version, to_number) if n not in versions]
    if missing:
        stored = ", ".join(f"v{n}" for n in sorted(versions))
        raise _fail(f"{promotion_id} has no stored v{missing[0]} (stored: {stored})", 1)
    older, newer = versions[from_version], versions[to_number]
    lines = change_lines(older.content, newer.content)
    summary = change_summary(older.content, newer.content, role=Role.HQ, names=_names(settings))
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


# --- gaps ----------------------------------------------------------------------------------------


@app.command("gaps")
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
    settings = _settings(config)
    start, end = _parse_when(since, "--since"), _parse_when(until, "--until")
    with _database(settings, database) as db:
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
        typer.echo("no unanswered questions" + (f" since {_time(start)}" if start else ""))
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
            f"  {_time(group.first_seen)} .. {_time(group.last_seen)}"
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
