"""Publishing: the knowledge-base files (or uploaded promotion files) become a publication.

One path for every way of publishing: ``voice-agent kb publish``, ``POST /v1/publications``
and the file watcher of ``voice-agent serve`` all call :class:`Publisher`. The files are
validated in full first (every problem with file, line and field); then
:func:`knowledge_base.versions.plan_publication` decides the new versions against the
stored ones; then the versions and their :class:`~knowledge_base.versions.Publication` are
stored in one transaction. Any problem stores nothing.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from knowledge_base.errors import Issue
from knowledge_base.loader import (
    CATALOGUE_FILE,
    CONTACTS_FILE,
    PROMOTIONS_DIR,
    REGIONS_FILE,
    load_knowledge_base,
    validate_knowledge_base,
)
from knowledge_base.versions import (
    HISTORY_DIR,
    STALE_VERSION,
    PromotionVersion,
    Publication,
    PublicationPlan,
    PublishCandidate,
    VersionConflictError,
    plan_publication,
    read_history,
    version_line,
)
from voice_agent.storage.engine import Database
from voice_agent.storage.promotion_versions import SqlPromotionVersionRepository
from voice_agent.storage.publications import SqlPublicationRepository

FILE_WATCH_PUBLISHER = "file-watch"
"""``published_by`` of publications made by the service when a promotion file is edited."""
MAX_UPLOAD_FILES = 200
MAX_UPLOAD_BYTES = 1_000_000
"""Per file: a promotion is a few kilobytes; anything this big is a mistake or an attack."""
_UPLOAD_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.ya?ml$")


@dataclass(slots=True)
class PublishOutcome:
    """What one publish attempt did."""

    issues: list[Issue] = field(default_factory=list)
    """Every problem found (file, line, field); with an error nothing was stored."""
    plan: PublicationPlan | None = None
    """What publishing stores (or would, on a dry run); ``None`` when the files are invalid."""
    publication: Publication | None = None
    """The stored publication; ``None`` on a dry run, on errors, or when nothing changed."""
    previous: dict[str, PromotionVersion] = field(default_factory=dict)
    """The newest stored version of each promotion before this publish (for diffs)."""

    @property
    def errors(self) -> list[Issue]:
        """The issues that blocked publishing (warnings left out)."""
        return [issue for issue in self.issues if issue.severity == "error"]

    @property
    def ok(self) -> bool:
        """True when nothing blocked publishing."""
        return not self.errors


class Publisher:
    """Validates knowledge-base files and stores what changed as one publication."""

    def __init__(self, *, database: Database) -> None:
        """Publish into ``database`` (upgraded)."""
        self._versions = SqlPromotionVersionRepository(database=database)
        self._publications = SqlPublicationRepository(database=database)

    def publish_directory(
        self,
        root: Path,
        *,
        published_by: str,
        notes: str = "",
        urgent: bool = False,
        dry_run: bool = False,
        now: datetime | None = None,
        skip_stale: bool = False,
    ) -> PublishOutcome:
        """Publish every promotion of ``root`` whose content changed since its stored version.

        Blocking (reads files and the database): call it through ``asyncio.to_thread``.

        Args:
            skip_stale: A file older than its published version (published over HTTP or from
                another node) is a warning and skipped instead of blocking the publish (the
                file watcher uses this, so one stale file does not block every other edit).

        Raises:
            StorageError: The database failed (nothing stored).
        """
        history, history_issues = read_history(root)
        issues = validate_knowledge_base(root) + history_issues
        if any(issue.severity == "error" for issue in issues):
            return PublishOutcome(issues=issues)
        knowledge = load_knowledge_base(root)
        candidates = [
            PublishCandidate(
                promotion=promotion,
                file=knowledge.sources.get(promotion.id, promotion.id),
                version_line=version_line(Path(knowledge.sources[promotion.id]))
                if promotion.id in knowledge.sources
                else None,
            )
            for promotion in knowledge.promotions.values()
        ]
        latest = self._versions.latest_versions()
        published_at = now or datetime.now(UTC)
        plan = plan_publication(
            candidates,
            latest=latest,
            history=history,
            published_at=published_at,
            published_by=published_by,
        )
        if skip_stale:
            plan.issues = [_as_warning(i) if i.code == STALE_VERSION else i for i in plan.issues]
        outcome = PublishOutcome(issues=issues + plan.issues, plan=plan, previous=dict(latest))
        if not plan.ok or dry_run or not plan.new_versions:
            return outcome
        try:
            outcome.publication = self._publications.publish(
                plan.new_versions,
                published_at=published_at,
                published_by=published_by,
                notes=notes,
                urgent=urgent,
            )
        except VersionConflictError as e:
            outcome.issues.append(
                Issue(file=str(root), line=None, field=None, message=f"{e}", code=e.code)
            )
        return outcome

    def publish_files(
        self,
        root: Path,
        files: Mapping[str, str],
        *,
        published_by: str,
        notes: str = "",
        urgent: bool = False,
        now: datetime | None = None,
    ) -> PublishOutcome:
        """Publish ``root`` with ``files`` (promotion file name -> YAML text) put in place.

        The knowledge-base directory itself is not changed: the files are laid over a copy,
        validated together with the catalogue, and what changed is stored. Issues name the
        uploaded file (``promotions/<name>``) or the knowledge-base file they are about.
        """
        problems = _check_upload(files)
        if problems:
            return PublishOutcome(issues=problems)
        with tempfile.TemporaryDirectory(prefix="publish-") as scratch:
            overlay = Path(scratch) / "kb"
            _copy_knowledge_base(root, overlay)
            for name, text in files.items():
                (overlay / PROMOTIONS_DIR / name).write_text(text, encoding="utf-8")
            outcome = self.publish_directory(
                overlay,
                published_by=published_by,
                notes=notes,
                urgent=urgent,
                now=now,
            )
            outcome.issues = [_relative(issue, overlay, root) for issue in outcome.issues]
        return outcome


def _as_warning(issue: Issue) -> Issue:
    return Issue(
        file=issue.file,
        line=issue.line,
        field=issue.field,
        message=f"{issue.message}; not published",
        severity="warning",
        code=issue.code,
    )


def _check_upload(files: Mapping[str, str]) -> list[Issue]:
    issues: list[Issue] = []
    if len(files) > MAX_UPLOAD_FILES:
        issues.append(
            Issue(
                file="(request)",
                line=None,
                field="files",
                message=f"at most {MAX_UPLOAD_FILES} files per publish",
                code="too_many_files",
            )
        )
    for name, text in files.items():
        place = f"{PROMOTIONS_DIR}/{name}"
        if not _UPLOAD_NAME.match(name):
            issues.append(
                Issue(
                    file=place,
                    line=None,
                    field=None,
                    message="a promotion file name is like weekend-running.yaml"
                    " (lowercase letters, digits, hyphens)",
                    code="bad_file_name",
                )
            )
        elif len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
            issues.append(
                Issue(
                    file=place,
                    line=None,
                    field=None,
                    message=f"larger than {MAX_UPLOAD_BYTES} bytes",
                    code="file_too_large",
                )
            )
    return issues


def _copy_knowledge_base(root: Path, target: Path) -> None:
    (target / PROMOTIONS_DIR).mkdir(parents=True)
    for name in (REGIONS_FILE, CATALOGUE_FILE, CONTACTS_FILE):
        if (root / name).is_file():
            shutil.copy2(root / name, target / name)
    for pattern in ("*.yaml", "*.yml"):
        for file in (root / PROMOTIONS_DIR).glob(pattern):
            shutil.copy2(file, target / PROMOTIONS_DIR / file.name)
    if (root / HISTORY_DIR).is_dir():
        shutil.copytree(root / HISTORY_DIR, target / HISTORY_DIR)


def _relative(issue: Issue, overlay: Path, root: Path) -> Issue:
    """Name files relative to the knowledge base (``promotions/x.yaml``), not the scratch copy."""
    file = issue.file
    for base in (str(overlay), str(overlay.resolve())):
        if file.startswith(base + "/"):
            file = file[len(base) + 1 :]
            break
    else:
        file = file.replace(str(overlay), str(root))
    return Issue(
        file=file,
        line=issue.line,
        field=issue.field,
        message=issue.message.replace(str(overlay), str(root)),
        severity=issue.severity,
        code=issue.code,
    )
