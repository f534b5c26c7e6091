"""History files: past versions shipped as ``history/<id>/v<N>.yaml``.

They seed the first import of a promotion (see :mod:`.publishing`) and nothing else: what a
promotion changed is always read from the stored versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from knowledge_base.errors import Issue
from knowledge_base.models import Promotion
from knowledge_base.yaml_source import files_under, read_yaml, validate_document

HISTORY_DIR = "history"
"""Subdirectory of a knowledge-base directory holding past versions."""


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A past version shipped as ``history/<id>/v<N>.yaml``.

    The file holds ``published_at`` (aware ISO time), ``published_by`` and ``promotion``
    (the promotion exactly as it was at that version)::

        published_at: 2026-11-20T09:00:00+08:00
        published_by: Lin Wei
        promotion:
          id: weekend-running
          version: 1
          ...
    """

    promotion: Promotion
    published_at: datetime
    published_by: str
    file: str


_HISTORY_NAME = re.compile(r"^v([1-9][0-9]*)\.ya?ml$")


def read_history(directory: Path) -> tuple[dict[str, list[HistoryEntry]], list[Issue]]:
    """Read every history file under ``directory/history``.

    Returns:
        Entries by promotion id (oldest first) and every problem found (file, line, field).
    """
    entries: dict[str, list[HistoryEntry]] = {}
    issues: list[Issue] = []
    root = directory / HISTORY_DIR
    for file in files_under(root):
        if file.parent.parent != root:
            continue  # history/<id>/v<N>.yaml only
        entry = _read_history_file(file, file.parent.name, issues)
        if entry is not None:
            entries.setdefault(file.parent.name, []).append(entry)
    for items in entries.values():
        items.sort(key=lambda entry: entry.promotion.version)
    return entries, issues


def _read_history_file(file: Path, promotion_id: str, issues: list[Issue]) -> HistoryEntry | None:
    name = str(file)
    found_before = len(issues)

    def report(message: str, *, line: int | None = None, at: str | None = None) -> None:
        issues.append(Issue(file=name, line=line, field=at, message=message, code="history"))

    match = _HISTORY_NAME.match(file.name)
    if match is None:
        report("history files are named v<N>.yaml (v1.yaml, v2.yaml, ...)")
        return None
    doc, found = read_yaml(file)
    for issue in found:
        report(issue.message, line=issue.line, at=issue.field)
    if doc is None:
        return None
    data = doc.data
    lines = doc.lines
    if not isinstance(data, dict):
        report("expected a mapping with published_at, published_by and promotion", line=1)
        return None
    unknown = sorted(set(data) - {"published_at", "published_by", "promotion"})
    for key in unknown:
        report(f"unknown field {key!r}", line=lines.get((key,)), at=key)
    published_at = data.get("published_at")
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at)
        except ValueError:
            published_at = None
    if not isinstance(published_at, datetime) or published_at.tzinfo is None:
        report(
            "needs a time with its UTC offset, e.g. 2026-11-20T09:00:00+08:00",
            line=lines.get(("published_at",)),
            at="published_at",
        )
    published_by = data.get("published_by")
    if not isinstance(published_by, str) or not published_by.strip():
        report(
            "needs the name of who published it",
            line=lines.get(("published_by",)),
            at="published_by",
        )
    promotion, invalid = validate_document(Promotion, doc, at=("promotion",))
    for issue in invalid:
        report(issue.message, line=issue.line, at=issue.field)
    if promotion is None:
        return None
    if promotion.id != promotion_id:
        report(
            f"promotion id {promotion.id!r} does not match its folder {promotion_id!r}",
            line=lines.get(("promotion", "id")),
            at="promotion.id",
        )
    expected = int(match.group(1))
    if promotion.version != expected:
        report(
            f"version {promotion.version} does not match the file name v{expected}",
            line=lines.get(("promotion", "version")),
            at="promotion.version",
        )
    if len(issues) > found_before:
        return None
    assert isinstance(published_at, datetime) and isinstance(published_by, str)
    return HistoryEntry(
        promotion=promotion, published_at=published_at, published_by=published_by, file=name
    )


def version_line(file: Path) -> int | None:
    """1-based line of the top-level ``version`` key in a promotion file, if found."""
    doc, _issues = read_yaml(file)
    return None if doc is None else doc.line(("version",))
