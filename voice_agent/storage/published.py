"""What the service serves: the newest published version of every promotion.

:func:`load_published` reads the stored versions and builds a
:class:`~knowledge_base.knowledge.KnowledgeBase` from them, with the catalogue, regions and
contacts of the knowledge-base directory (validated together by the one loader, so a
published promotion naming a product the catalogue dropped is an error, not a wrong answer).
:func:`published_change_summaries` answers "what changed?" from the stored version before
the served one: never from files beside the promotions.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from knowledge_base.answering import Role
from knowledge_base.change_summaries import ChangeSummaries, ChangeSummary
from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import (
    CATALOGUE_FILE,
    CONTACTS_FILE,
    PROMOTIONS_DIR,
    REGIONS_FILE,
    load_knowledge_base,
)
from knowledge_base.models import Promotion
from knowledge_base.versions import PromotionVersion, change_lines, change_summary, spoken_names
from voice_agent.storage.engine import Database
from voice_agent.storage.promotion_versions import version_from_row
from voice_agent.storage.schema import promotion_versions, publications


@dataclass(frozen=True, slots=True)
class PublishedSnapshot:
    """The served knowledge base and the stored versions it came from."""

    knowledge: KnowledgeBase
    publication_id: int
    """Newest publication included (0: none)."""
    served: dict[str, PromotionVersion]
    """The version served of each promotion (its newest), by promotion id."""
    previous: dict[str, PromotionVersion]
    """The stored version before the served one, for promotions with one."""


def published_source(version: PromotionVersion) -> str:
    """How a served promotion names its origin in messages: ``published weekend-running v3``."""
    return f"published {version.promotion_id} v{version.version}"


def load_published(database: Database, root: Path) -> PublishedSnapshot:
    """Build the served knowledge base from the stored versions and ``root``'s catalogue.

    Blocking: call it through ``asyncio.to_thread`` in async code.

    Raises:
        KnowledgeBaseError: Nothing is published yet (``code`` ``nothing_published``), or the
            catalogue, regions or contacts are invalid, or a published promotion no longer
            fits them (issues name the file or the published version).
        StorageError: The database failed.
    """
    # One statement, so one snapshot on every engine: PostgreSQL (read committed) gives each
    # statement of a transaction its own, and a publication committed between two reads would
    # be served under the previous publication's id (and its observers told a poll late).
    newest = select(func.max(publications.c.id)).scalar_subquery().label("newest_publication")
    query = select(promotion_versions, newest).order_by(
        promotion_versions.c.promotion_id, promotion_versions.c.version
    )
    publication_id = 0
    by_promotion: dict[str, list[PromotionVersion]] = {}
    with database.read() as connection:
        for row in connection.execute(query).mappings():
            publication_id = int(row["newest_publication"] or 0)
            version = version_from_row(row)
            by_promotion.setdefault(version.promotion_id, []).append(version)
    if not by_promotion:
        raise KnowledgeBaseError(
            [
                Issue(
                    file=str(database.url),
                    line=None,
                    field=None,
                    message="no promotion versions are published yet: run voice-agent kb publish",
                    code="nothing_published",
                )
            ]
        )
    served = {pid: versions[-1] for pid, versions in by_promotion.items()}
    previous = {pid: versions[-2] for pid, versions in by_promotion.items() if len(versions) > 1}
    knowledge = _knowledge(root, served)
    return PublishedSnapshot(
        knowledge=knowledge, publication_id=publication_id, served=served, previous=previous
    )


def _knowledge(root: Path, served: dict[str, PromotionVersion]) -> KnowledgeBase:
    with tempfile.TemporaryDirectory(prefix="published-") as scratch:
        base = Path(scratch)
        (base / PROMOTIONS_DIR).mkdir()
        for name in (REGIONS_FILE, CATALOGUE_FILE, CONTACTS_FILE):
            if (root / name).is_file():
                shutil.copy2(root / name, base / name)
        files: dict[str, PromotionVersion] = {}
        for promotion_id, version in served.items():
            file = base / PROMOTIONS_DIR / f"{promotion_id}.yaml"
            file.write_text(version.content, encoding="utf-8")
            files[str(file)] = version
        try:
            knowledge = load_knowledge_base(base)
        except KnowledgeBaseError as e:
            raise KnowledgeBaseError(
                [_renamed(issue, base, root, files) for issue in e.issues]
            ) from e
    knowledge.sources = {pid: published_source(version) for pid, version in served.items()}
    return knowledge


def _renamed(issue: Issue, base: Path, root: Path, files: dict[str, PromotionVersion]) -> Issue:
    version = files.get(issue.file)
    file = (
        published_source(version)
        if version is not None
        else issue.file.replace(str(base), str(root))
    )
    return Issue(
        file=file,
        line=issue.line,
        field=issue.field,
        message=issue.message.replace(str(base), str(root)),
        severity=issue.severity,
        code=issue.code,
    )


def published_change_summaries(snapshot: PublishedSnapshot) -> ChangeSummaries:
    """Answers to "what changed?": the diff against the stored version before the served one.

    The facts carry the previous version's stored text (its rules and window) and the
    field-level change lines, so every number a change answer speaks ("up from 15 percent")
    is traceable to stored knowledge-base text; and the spoken names used.
    """
    names = spoken_names(snapshot.knowledge)

    def summarize(promotion: Promotion, role: Role) -> ChangeSummary | None:
        served = snapshot.served.get(promotion.id)
        before = snapshot.previous.get(promotion.id)
        if served is None or before is None or served.version != promotion.version:
            return None
        sentences = change_summary(before.content, served.content, role=role, names=names)
        if not sentences:
            return None
        facts = [
            f"{promotion.id} version {before.version} as published"
            f" {before.published_at:%Y-%m-%d %H:%M} UTC by {before.published_by}:\n"
            f"{before.content}",
            *(
                f"{promotion.id} v{before.version} -> v{served.version}: {line}"
                for line in change_lines(before.content, served.content)
            ),
            *(f"{key}: {name}" for key, name in names.items() if _mentioned(name, sentences)),
        ]
        return ChangeSummary(sentences=sentences, facts=facts)

    return summarize


def _mentioned(name: str, sentences: list[str]) -> bool:
    return bool(name) and any(name in sentence for sentence in sentences)
