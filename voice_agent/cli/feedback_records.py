"""``voice-agent feedback list|stats|alerts|export``: stored feedback, over the database.

These commands read the configured database (``storage.database_url``, or ``--database``)
with headquarters' view: everything, narrowed by the filters. Exit codes: 0 ok; 1 the
database failed (unreachable, schema newer than this program); 2 usage or settings error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from knowledge_base.answering import Role
from knowledge_base.feedback.queries import MAX_PAGE, FeedbackFilter, Viewer
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency
from voice_agent.cli.common import (
    ConfigOption,
    DatabaseOption,
    JsonOption,
    database_or_exit,
    print_json,
    settings_or_exit,
)

OPERATOR = Viewer(role=Role.HQ, identity="cli")
"""Whoever can read the database file or URL sees everything."""

StoreFilter = Annotated[str | None, typer.Option("--store", help="Only this store (SH-01).")]
RegionFilter = Annotated[str | None, typer.Option("--region", help="Only this region.")]
CategoryFilter = Annotated[FeedbackCategory | None, typer.Option("--category")]
UrgencyFilter = Annotated[Urgency | None, typer.Option("--urgency")]
SentimentFilter = Annotated[Sentiment | None, typer.Option("--sentiment")]
ProductFilter = Annotated[str | None, typer.Option("--product", help="A SKU mentioned.")]
PromotionFilter = Annotated[
    str | None, typer.Option("--promotion", help="A promotion named or in force.")
]
SinceFilter = Annotated[
    str | None, typer.Option("--since", help="Said at or after, ISO 8601 (UTC if no offset).")
]
UntilFilter = Annotated[
    str | None, typer.Option("--until", help="Said before, ISO 8601 (UTC if no offset).")
]


def _moment(option: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as e:
        typer.echo(f"error: {option} {value!r} is not an ISO 8601 time", err=True)
        raise typer.Exit(2) from e
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filter(
    store: str | None, region: str | None, category: FeedbackCategory | None,
    urgency: Urgency | None, sentiment: Sentiment | None, product: str | None,
    promotion: str | None, since: str | None, until: str | None,
) -> FeedbackFilter:  # fmt: skip
    return FeedbackFilter(
        category=category, urgency=urgency, sentiment=sentiment, store_id=store,
        region_id=region, product=product, promotion=promotion,
        since=_moment("--since", since), until=_moment("--until", until),
    )  # fmt: skip


@contextmanager
def _desk(config: Path | None, url: str | None) -> Iterator[Any]:
    """The feedback desk over the configured database; storage errors exit 1."""
    from voice_agent.feedback.desk import FeedbackDesk
    from voice_agent.storage import StorageError

    settings = settings_or_exit(config)
    database = database_or_exit(settings, url)
    try:
        yield FeedbackDesk.build(settings=settings, database=database)
    except StorageError as e:
        typer.echo(f"error: {e} ({e.code})", err=True)
        raise typer.Exit(1) from e
    except ValueError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e
    finally:
        database.close()


def register(app: typer.Typer) -> None:
    """Add the storage-backed commands to ``voice-agent feedback``."""

    @app.command("list")
    def list_records(
        store: StoreFilter = None, region: RegionFilter = None, category: CategoryFilter = None,
        urgency: UrgencyFilter = None, sentiment: SentimentFilter = None,
        product: ProductFilter = None, promotion: PromotionFilter = None,
        since: SinceFilter = None, until: UntilFilter = None,
        offset: Annotated[int, typer.Option(min=0, help="Skip this many.")] = 0,
        limit: Annotated[int, typer.Option(min=1, max=MAX_PAGE, help="Page size.")] = 20,
        corrected: Annotated[
            bool, typer.Option("--corrected", help="Also show records a later one corrected.")
        ] = False,
        database: DatabaseOption = None, config: ConfigOption = None, as_json: JsonOption = False,
    ) -> None:  # fmt: skip
        """List stored feedback, newest first, one page.

        Examples:
          voice-agent feedback list --store SH-01 --since 2026-11-28

          voice-agent feedback list --category stock_availability --product AX-200 --json
        """
        where = _filter(store, region, category, urgency, sentiment, product, promotion,
                        since, until)  # fmt: skip
        with _desk(config, database) as desk:
            page = desk.records.page(
                viewer=OPERATOR, where=where, offset=offset, limit=limit,
                include_superseded=corrected,
            )  # fmt: skip
        if as_json:
            print_json({
                "total": page.total, "offset": page.offset, "limit": page.limit,
                "records": [r.model_dump(mode="json") for r in page.records],
            })  # fmt: skip
            return
        for r in page.records:
            products = ",".join(r.products) or "-"
            typer.echo(
                f"{r.utc_time:%Y-%m-%d %H:%MZ}  {r.store_id:7} {r.clerk_id:10}"
                f" {r.category.value:22} {r.urgency.value:6} {products:14}"
                f" {r.transcript[:70]!r}  [{r.id}]"
            )
        shown = f"{offset + 1}-{offset + len(page.records)}" if page.records else "none"
        typer.echo(f"{shown} of {page.total} record(s)")

    @app.command("stats")
    def stats(
        store: StoreFilter = None, region: RegionFilter = None, category: CategoryFilter = None,
        urgency: UrgencyFilter = None, sentiment: SentimentFilter = None,
        product: ProductFilter = None, promotion: PromotionFilter = None,
        since: SinceFilter = None, until: UntilFilter = None,
        database: DatabaseOption = None, config: ConfigOption = None, as_json: JsonOption = False,
    ) -> None:  # fmt: skip
        """Count stored feedback by category, urgency, store, region, product, promotion, day.

        Examples:
          voice-agent feedback stats --since 2026-11-28T00:00+08:00

          voice-agent feedback stats --region east-china --json
        """
        where = _filter(store, region, category, urgency, sentiment, product, promotion,
                        since, until)  # fmt: skip
        with _desk(config, database) as desk:
            figures = desk.records.stats(viewer=OPERATOR, where=where)
        if as_json:
            print_json(figures)
            return
        typer.echo(f"total: {figures['total']}")
        for dimension, counted in figures.items():
            if dimension != "total" and counted:
                top = ", ".join(f"{k} {v}" for k, v in list(counted.items())[:10])
                typer.echo(f"{dimension}: {top}")

    @app.command("alerts")
    def alerts(
        limit: Annotated[int, typer.Option(min=1, max=500, help="How many, newest first.")] = 20,
        database: DatabaseOption = None, config: ConfigOption = None, as_json: JsonOption = False,
    ) -> None:  # fmt: skip
        """List stored alerts (newest first) and whether the webhook accepted them.

        Examples:
          voice-agent feedback alerts --json
        """
        with _desk(config, database) as desk:
            found = desk.alerts.list(viewer=OPERATOR, limit=limit)
        if as_json:
            print_json({"alerts": [a.public() for a in found]})
            return
        for stored in found:
            state = (
                f"delivered {stored.delivered_at:%Y-%m-%d %H:%MZ}" if stored.delivered_at
                else f"not delivered ({stored.delivery_error or 'no webhook'})"
            )  # fmt: skip
            typer.echo(f"#{stored.id} {stored.alert.rule.value}: {stored.alert.message} [{state}]")
        typer.echo(f"{len(found)} alert(s)")

    @app.command("export")
    def export(
        store: StoreFilter = None, region: RegionFilter = None, category: CategoryFilter = None,
        urgency: UrgencyFilter = None, sentiment: SentimentFilter = None,
        product: ProductFilter = None, promotion: PromotionFilter = None,
        since: SinceFilter = None, until: UntilFilter = None,
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
        ] = None,
        fmt: Annotated[
            Literal["csv", "json"], typer.Option("--format", help="csv or json.")
        ] = "csv",
        database: DatabaseOption = None, config: ConfigOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="Same as --format json.")] = False,
    ) -> None:  # fmt: skip
        """Export stored feedback, oldest first, as CSV (spreadsheet-safe) or JSON.

        Examples:
          voice-agent feedback export --since 2026-11-28 -o feedback.csv

          voice-agent feedback export --store SH-01 --json
        """
        from knowledge_base.feedback.export import csv_text

        where = _filter(store, region, category, urgency, sentiment, product, promotion,
                        since, until)  # fmt: skip
        with _desk(config, database) as desk:
            records = desk.records.matching(viewer=OPERATOR, where=where)
        if as_json or fmt == "json":
            text = json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False)
        else:
            text = csv_text(records)
        if output is None:
            typer.echo(text, nl=False)
            return
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {len(records)} record(s) to {output}", err=True)
