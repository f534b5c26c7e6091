"""What the file watch's publish of a knowledge-base directory did, in the log."""

from __future__ import annotations

from pathlib import Path

from loguru import logger

from knowledge_base.errors import Issue
from knowledge_base.versions import STALE_VERSION
from voice_agent.storage.publisher import PublishOutcome


def log_publish(outcome: PublishOutcome, root: Path) -> None:
    """Log what publishing the files under ``root`` did: stale files, refusal, publication."""
    for issue in outcome.issues:
        if issue.code == STALE_VERSION:
            logger.warning("knowledge base: {}", _plain(issue))
    if not outcome.ok:
        for issue in outcome.errors:
            logger.error("knowledge base: {}", _plain(issue))
        logger.error("knowledge base: edit of {} refused; nothing published", root)
    elif outcome.publication is not None:
        publication = outcome.publication
        logger.info(
            "knowledge base: published {} as publication {} ({})",
            root,
            publication.id,
            ", ".join(f"{v.promotion_id} v{v.version}" for v in publication.versions),
        )


def _plain(issue: Issue) -> str:
    """``file:line: field: message``."""
    place = issue.file if issue.line is None else f"{issue.file}:{issue.line}"
    return (
        f"{place}: {issue.field}: {issue.message}" if issue.field else f"{place}: {issue.message}"
    )
