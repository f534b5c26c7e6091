"""``voice-agent briefing``: open and close voice briefings, read them, decide their changes.

``open`` and ``close`` ask the running service (``voice-agent serve``) over HTTP, since its
assistant joins the briefing room; they need a manager's API key (``--api-key`` or
``VOICE_AGENT_API_KEY``). ``list``, ``show``, ``approve`` and ``reject`` work on the
database, like ``kb publish``: approving publishes the change as its promotion's next
version through the same publisher.

Exit codes: 0 ok; 1 refused (unknown briefing or change, decided already, a publish
refused, the service said no); 2 usage error (bad option or config, service unreachable).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.loader import SAMPLE_DATA_DIR
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    fail,
    print_json,
    settings_or_exit,
)
from voice_agent.service_settings import service_settings_of
from voice_agent.settings import Settings

app = typer.Typer(
    help=(
        "Voice briefings: a manager speaks in a LiveKit room, the assistant captions,"
        " records and keeps attendance, then proposes knowledge-base changes for approval."
        "\n\nOpen one:  voice-agent briefing open --store SH-01 --api-key $MANAGER_KEY"
        "\n\nDecide:    voice-agent briefing approve 3 --urgent"
    ),
    no_args_is_help=True,
)

ServiceUrlOption = Annotated[
    str | None,
    typer.Option(
        "--service",
        help="The service's API URL (default: http://<service.host>:<service.port>).",
        show_default=False,
    ),
]
ApiKeyOption = Annotated[
    str | None,
    typer.Option(
        "--api-key",
        envvar="VOICE_AGENT_API_KEY",
        help="A store manager's, regional manager's or HQ API key (service.api_keys).",
        show_default=False,
    ),
]
ByOption = Annotated[str, typer.Option("--by", help="Who decides (recorded).")]


def _call(
    settings: Settings, service_url: str | None, api_key: str | None, path: str, body: Any
) -> dict[str, Any]:
    if not api_key:
        raise fail("give a manager's API key: --api-key or VOICE_AGENT_API_KEY", 2)
    service = service_settings_of(settings)
    url = (service_url or f"http://{service.host}:{service.port}").rstrip("/") + path
    try:
        # Closing waits for the recording, attendance and proposals to be stored.
        response = httpx.post(url, json=body, headers={"X-API-Key": api_key}, timeout=120)
    except httpx.HTTPError as e:
        raise fail(
            f"cannot reach the service at {url}: {e}; is voice-agent serve running?", 2
        ) from e
    document: dict[str, Any] = response.json() if response.content else {}
    if response.is_error:
        error = document.get("error", {})
        details = "".join(f"\n  {d}" for d in error.get("details") or [])
        raise fail(f"{error.get('message', response.text)} ({error.get('code')}){details}", 1)
    return document


@app.command("open")
def open_briefing(
    store: Annotated[
        list[str] | None, typer.Option("--store", help="A store in scope (repeatable).")
    ] = None,
    region: Annotated[
        list[str] | None, typer.Option("--region", help="A region in scope (repeatable).")
    ] = None,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="Who may join (repeatable; default clerk, store_manager)."),
    ] = None,
    service_url: ServiceUrlOption = None,
    api_key: ApiKeyOption = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Open a briefing: the assistant joins its room and listens to you (the key's holder).

    Then mint tokens for the room (POST /v1/tokens with "room") for yourself and the clerks.

    For example:

        voice-agent briefing open --store SH-01 --api-key $MANAGER_KEY

        voice-agent briefing open --region east-china --role clerk --json
    """
    settings = settings_or_exit(config)
    scope = {"stores": store or [], "regions": region or [], "roles": role or []}
    document = _call(settings, service_url, api_key, "/v1/briefings", {"scope": scope})
    if json_output:
        print_json(document)
        return
    typer.echo(f"briefing {document['id']} open in room {document['room']} ({document['url']})")
    typer.echo(f"stores: {', '.join(document['scope']['stores'])}")
    typer.echo(f"close it: voice-agent briefing close {document['id']}")


@app.command("close")
def close_briefing(
    briefing_id: Annotated[str, typer.Argument(help="The briefing's id.")],
    service_url: ServiceUrlOption = None,
    api_key: ApiKeyOption = None,
    json_output: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Close a briefing: its recording, attendance, summary and proposed changes are stored."""
    settings = settings_or_exit(config)
    document = _call(settings, service_url, api_key, f"/v1/briefings/{briefing_id}/close", {})
    if json_output:
        print_json(document)
        return
    _print(document)


@app.command("list")
def list_briefings(
    json_output: JsonOption = False, config: ConfigOption = None, database: DatabaseOption = None
) -> None:
    """Every briefing, newest first."""
    from voice_agent.briefing.views import briefing_summary
    from voice_agent.storage.broadcast_briefings import SqlBriefingRepository

    settings = settings_or_exit(config)
    db = database_or_exit(settings, database)
    try:
        records = SqlBriefingRepository(database=db).all()
    finally:
        db.close()
    documents = [briefing_summary(r) for r in reversed(records)]
    if json_output:
        print_json({"briefings": documents})
        return
    if not documents:
        typer.echo("no briefings yet")
    for d in documents:
        state = "open" if d["open"] else f"closed {d['ended_at']}"
        stores = ", ".join(d["scope"]["stores"])  # type: ignore[index]
        typer.echo(f"{d['id']}  {d['started_at']}  by {d['opened_by']}  {stores}  ({state})")


@app.command("show")
def show_briefing(
    briefing_id: Annotated[str, typer.Argument(help="The briefing's id.")],
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """A briefing: summary, attendance (minutes each), captions and proposed changes."""
    from voice_agent.briefing.views import briefing_document
    from voice_agent.storage.broadcast_briefings import SqlBriefingRepository

    settings = settings_or_exit(config)
    db = database_or_exit(settings, database)
    try:
        record = SqlBriefingRepository(database=db).get(briefing_id)
        if record is None:
            raise fail(f"no briefing {briefing_id!r} (see voice-agent briefing list)", 1)
        document = briefing_document(db, record, now=datetime.now(UTC))
    finally:
        db.close()
    if json_output:
        print_json(document)
        return
    _print(document)


@app.command("approve")
def approve(
    change_id: Annotated[int, typer.Argument(help="The proposed change's id (briefing show).")],
    urgent: Annotated[
        bool, typer.Option("--urgent", help="Publish as urgent: clerks in scope are told now.")
    ] = False,
    notes: Annotated[str, typer.Option("--notes", help="Change notes.")] = "",
    by: ByOption = "cli",
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Approve a proposed change: publish its promotion's next version (like kb publish)."""
    from voice_agent.briefing.decisions import ChangeDecisionError, approve_change
    from voice_agent.storage.broadcast_briefings import BriefingStateError
    from voice_agent.storage.published import load_published

    settings = settings_or_exit(config)
    root = Path(settings.knowledge_base.path) if settings.knowledge_base.path else SAMPLE_DATA_DIR
    db = database_or_exit(settings, database)
    try:
        knowledge = load_published(db, root).knowledge
        decision = approve_change(
            db, change_id, knowledge=knowledge, root=root, decided_by=by, urgent=urgent,
            notes=notes,
        )  # fmt: skip
    except KnowledgeBaseError as e:
        raise fail(f"the published knowledge base does not load: {e}", 1) from e
    except (ChangeDecisionError, BriefingStateError) as e:
        raise fail(f"{e} ({e.code})", 1) from e
    finally:
        db.close()
    publication = decision.publication
    if json_output:
        print_json(
            {
                "change": _change(decision.change),
                "publication_id": publication.id if publication else None,
                "urgent": urgent,
            }
        )
        return
    versions = ", ".join(f"{v.promotion_id} v{v.version}" for v in publication.versions)  # type: ignore[union-attr]
    typer.echo(f"approved change {change_id}: published {versions}" + (" (urgent)" * urgent))


@app.command("reject")
def reject(
    change_id: Annotated[int, typer.Argument(help="The proposed change's id (briefing show).")],
    by: ByOption = "cli",
    json_output: JsonOption = False,
    config: ConfigOption = None,
    database: DatabaseOption = None,
) -> None:
    """Reject a proposed change (recorded; nothing is published)."""
    from voice_agent.briefing.decisions import ChangeDecisionError, reject_change
    from voice_agent.storage.broadcast_briefings import BriefingStateError

    settings = settings_or_exit(config)
    db = database_or_exit(settings, database)
    try:
        decision = reject_change(db, change_id, decided_by=by)
    except (ChangeDecisionError, BriefingStateError) as e:
        raise fail(f"{e} ({e.code})", 1) from e
    finally:
        db.close()
    if json_output:
        print_json({"change": _change(decision.change)})
        return
    typer.echo(f"rejected change {change_id}: {decision.change.change.describe()}")


def _change(stored: Any) -> dict[str, object]:
    from voice_agent.briefing.views import change_document

    return change_document(stored)


def _print(document: dict[str, Any]) -> None:
    state = "open" if document["open"] else f"closed {document['ended_at']}"
    typer.echo(f"briefing {document['id']} by {document['opened_by']} ({state})")
    typer.echo(f"summary: {document['summary'] or '(none yet)'}")
    typer.echo(f"recording: {document['recording'] or '(none)'}")
    typer.echo("attendance:")
    for a in document["attendance"]:
        typer.echo(f"  {a['identity']}: {a['minutes']} min ({a['stretches']} stretch(es))")
    typer.echo("proposed changes:")
    for c in document["changes"]:
        typer.echo(f"  #{c['id']} [{c['status']}] {c['description']}  (heard: {c['heard']})")
    if not document["changes"]:
        typer.echo("  (none)")
