"""``voice-agent kb``: validate the knowledge base, publish versions, read history, mine gaps.

Exit codes: 0 ok; 1 findings or failure (invalid files, version conflicts, nothing stored
for that promotion); 2 usage or input error (bad option, missing directory, bad config).
"""

from __future__ import annotations

import getpass
import json
from datetime import datetime
from typing import Annotated, Any

import typer

from knowledge_base.versions import (
    change_lines,
)
from voice_agent.cli import kb_gaps, kb_history
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    fail,
    settings_or_exit,
)
from voice_agent.cli.kb_support import (
    DirectoryArgument,
    all_issues,
    kb_directory,
    language_issues,
    print_issues,
    utc_text,
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


# --- validate ------------------------------------------------------------------------------------


@app.command("validate")
def validate(
    directory: DirectoryArgument = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Check every knowledge-base file and print each problem with file, line and field.

    Lines read FILE:LINE: SEVERITY: FIELD: MESSAGE; history/ files are checked too, and
    each store's language against the configured voices and recogniser ([tts] voices,
    [stt] model): a store this configuration cannot speak to in its language is a warning.
    Exit 1 when there are errors (warnings alone exit 0).

    For example:

        voice-agent kb validate knowledge_base/data

        voice-agent kb validate kb/ --json | jq '.issues[] | select(.severity == "error")'
    """
    settings = settings_or_exit(config)
    root = kb_directory(settings, directory)
    issues = all_issues(root) + language_issues(root, settings)
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
        print_issues(issues)
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
    settings = settings_or_exit(config)
    root = kb_directory(settings, directory)
    with database_or_exit(settings, database) as db:
        outcome = Publisher(database=db).publish_directory(
            root,
            published_by=by or _login_name(),
            notes=notes,
            urgent=urgent,
            dry_run=dry_run,
        )
    if not outcome.ok or outcome.plan is None:
        print_issues(outcome.issues)
        raise fail("nothing was published: fix the problems above and publish again", 1)
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
        published_at = utc_text(datetime.fromisoformat(item["published_at"]))
        typer.echo(
            f"{verb} {item['promotion_id']} v{item['version']}"
            f" (by {item['published_by']}, {published_at})"
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


# The history, diff and gaps commands live in their own modules; listed here in help order.
app.command("history")(kb_history.history)
app.command("diff")(kb_history.diff)
app.command("gaps")(kb_gaps.gaps)
