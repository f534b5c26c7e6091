"""Helpers of the publication tests: a copy of the sample knowledge base, edits, polling."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from knowledge_base.answering import Question
from knowledge_base.loader import SAMPLE_DATA_DIR

WEEKEND = Path("promotions") / "weekend-running.yaml"
SATURDAY = datetime(2026, 11, 28, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
AX200_QUESTION = Question(
    text="Is the AX-200 in the weekend offer?", store_id="SH-01", asked_at=SATURDAY
)


def copy_sample(target: Path) -> Path:
    """A writable copy of the packaged sample knowledge base."""
    shutil.copytree(SAMPLE_DATA_DIR, target)
    return target


def weekend_text(kb_dir: Path, *, percent: int, version: int) -> str:
    """The weekend promotion file with its discount and version changed."""
    text = (kb_dir / WEEKEND).read_text(encoding="utf-8")
    text = re.sub(r"^version: \d+$", f"version: {version}", text, count=1, flags=re.M)
    return re.sub(r"^    percent: -?\d+$", f"    percent: {percent}", text, count=1, flags=re.M)


def write_weekend(kb_dir: Path, text: str) -> None:
    """Replace the weekend promotion file at once and move its mtime on.

    Atomic (like an editor's save), so a poll never reads a half-written file; the mtime
    moves a second on so a same-size edit shows even within one timestamp tick.
    """
    file = kb_dir / WEEKEND
    before = file.stat()
    draft = file.with_name(f".{file.stem}.tmp")  # hidden: the watchers skip it
    draft.write_text(text, encoding="utf-8")
    os.utime(
        draft,
        ns=(before.st_atime_ns, max(before.st_mtime_ns, draft.stat().st_mtime_ns) + 1_000_000_000),
    )
    draft.replace(file)


async def eventually(check: Callable[[], Awaitable[bool]], *, deadline_secs: float = 15) -> None:
    """Wait until ``check()`` is true, polling briefly; fail after ``deadline_secs``."""
    async with asyncio.timeout(deadline_secs):
        while not await check():  # noqa: ASYNC110 - polls what the service exposes
            await asyncio.sleep(0.05)
