"""What the ``voice-agent kb`` commands share: arguments, directories, issues, times."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base, validate_knowledge_base
from knowledge_base.versions import (
    read_history,
    spoken_names,
)
from voice_agent.cli.common import fail
from voice_agent.session_language import configured_languages
from voice_agent.settings import Settings

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


def kb_directory(settings: Settings, directory: Path | None) -> Path:
    """The knowledge-base directory: given, configured, else the packaged sample."""
    if directory is None:
        directory = Path(settings.knowledge_base.path) if settings.knowledge_base.path else None
    root = directory or SAMPLE_DATA_DIR
    if not root.is_dir():
        raise fail(f"knowledge-base directory not found: {root}", 2)
    return root


def all_issues(root: Path) -> list[Issue]:
    """Knowledge-base issues, then history-file issues."""
    return validate_knowledge_base(root) + read_history(root)[1]


def language_issues(root: Path, settings: Settings) -> list[Issue]:
    """Warnings for stores whose language the configured voices or recogniser cannot serve.

    Such stores still work, in English (``voice_agent/session_language.py``); nothing is
    reported when the files do not load (their errors are reported already).
    """
    try:
        knowledge = load_knowledge_base(root)
    except KnowledgeBaseError:
        return []
    node = configured_languages(
        voices=settings.tts.voices, stt_model=settings.stt.model, stt_language=settings.stt.language
    )
    return [
        Issue(
            file=str(root / "regions.yaml"),
            line=None,
            field=None,
            message=gap.message(),
            severity="warning",
            code="language_not_served",
        )
        for gap in node.gaps(knowledge)
    ]


def print_issues(issues: list[Issue]) -> None:
    """Each issue on its own line (errors to stderr)."""
    for issue in issues:
        typer.echo(str(issue), err=issue.severity == "error")


def names_for(settings: Settings) -> dict[str, str]:
    """Spoken names from the configured knowledge base, if it loads (only wording uses them)."""
    path = settings.knowledge_base.path
    root = Path(path) if path else SAMPLE_DATA_DIR
    try:
        return spoken_names(load_knowledge_base(root))
    except KnowledgeBaseError:
        return {}


def utc_text(moment: datetime) -> str:
    """``2026-11-27 08:00 UTC``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def parse_when(value: str | None, option: str) -> datetime | None:
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
