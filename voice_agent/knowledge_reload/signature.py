"""What the watchers compare: every file's modification time and size."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.errors import Issue

Signature = tuple[tuple[str, int, int], ...]
"""Each watched file as (relative path, modification time in nanoseconds, size in bytes)."""


@dataclass(frozen=True, slots=True)
class ReloadResult:
    """Outcome of one reload attempt."""

    reloaded: bool
    """True when the new content is now served."""
    generation: int
    """How many times a valid knowledge base has been loaded (1 after startup)."""
    issues: list[Issue] = field(default_factory=list)
    """Every problem found when the reload was refused."""


def directory_signature(root: Path) -> Signature:
    """Modification time and size of every file under ``root`` (hidden and backup files skipped).

    Blocking (walks the directory): call it through ``asyncio.to_thread`` in async code.
    """
    if not root.is_dir():
        return ()
    entries: list[tuple[str, int, int]] = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or path.name.endswith("~"):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # deleted while we walked; the next poll sees the settled state
        if path.is_file():
            entries.append((relative.as_posix(), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
