"""Live reload: valid edits are served, invalid edits are logged and the last valid KB stays."""

import asyncio
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from knowledge_base.errors import KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import PercentOff
from voice_agent.knowledge_reload import KnowledgeBaseHolder, directory_signature

WEEKEND = Path("promotions") / "weekend-running.yaml"


def _edit(kb_dir: Path, old: str, new: str) -> None:
    """Rewrite the weekend promotion and move its mtime on (same-size edits must show)."""
    file = kb_dir / WEEKEND
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def _weekend_percent(knowledge: KnowledgeBase) -> Decimal:
    rule = knowledge.promotion("weekend-running").rules[0]
    assert isinstance(rule, PercentOff)
    return rule.percent


async def test_invalid_edit_keeps_serving_the_last_valid_knowledge_base_until_fixed(
    kb_dir: Path, log_lines: list[str]
) -> None:
    holder = KnowledgeBaseHolder(path=kb_dir)
    first = holder.load()
    assert _weekend_percent(holder.current) == 20 and holder.generation == 1

    _edit(kb_dir, "percent: 20", "percent: 200")
    assert holder.changed()
    result = await holder.reload()

    assert not result.reloaded
    assert holder.current is first  # still answering from the old one
    assert _weekend_percent(holder.current) == 20
    assert holder.generation == 1
    issue = next(i for i in result.issues if i.file.endswith("weekend-running.yaml"))
    assert (issue.severity, issue.line, issue.field) == ("error", 15, "rules[0].percent")
    assert holder.last_issues == result.issues
    errors_logged = [line for line in log_lines if "ERROR" in line and "yaml:" in line]
    assert len(errors_logged) == len(result.issues) - sum(
        1 for i in result.issues if i.severity == "warning"
    )
    assert any("weekend-running.yaml:15: error: rules[0].percent" in line for line in log_lines)
    assert not holder.changed()  # the broken state is remembered, not retried every poll

    _edit(kb_dir, "percent: 200", "percent: 25")
    result = await holder.reload()

    assert result.reloaded and result.generation == 2
    assert holder.current is not first
    assert _weekend_percent(holder.current) == 25
    assert holder.last_issues == []


async def test_broken_yaml_is_refused_with_its_line(kb_dir: Path) -> None:
    holder = KnowledgeBaseHolder(path=kb_dir)
    holder.load()
    _edit(kb_dir, "regions: [east-china, singapore]", "regions: [east-china, singapore")
    result = await holder.reload()
    assert not result.reloaded
    assert any(i.code == "yaml_syntax" and i.line is not None for i in result.issues)
    assert _weekend_percent(holder.current) == 20


async def test_polling_picks_up_a_valid_edit_and_skips_an_invalid_one(kb_dir: Path) -> None:
    reloaded: list[KnowledgeBase] = []
    holder = KnowledgeBaseHolder(path=kb_dir, poll_interval_secs=0.05, on_reload=reloaded.append)
    async with holder:
        assert holder.generation == 1
        _edit(kb_dir, "percent: 20", "percent: 30")
        await _wait_for(lambda: holder.generation == 2)
        assert _weekend_percent(holder.current) == 30
        assert reloaded == [holder.current]

        _edit(kb_dir, "percent: 30", "percent: -1")
        await _wait_for(lambda: bool(holder.last_issues))
        assert _weekend_percent(holder.current) == 30

        _edit(kb_dir, "percent: -1", "percent: 10")
        await _wait_for(lambda: holder.generation == 3)
        assert _weekend_percent(holder.current) == 10


async def _wait_for(condition: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while not condition():  # noqa: ASYNC110 - polls state the holder exposes, no hook
            await asyncio.sleep(0.02)


def test_an_invalid_directory_at_startup_is_an_error(kb_dir: Path) -> None:
    (kb_dir / "regions.yaml").unlink()
    holder = KnowledgeBaseHolder(path=kb_dir)
    with pytest.raises(KnowledgeBaseError):
        holder.load()
    with pytest.raises(RuntimeError, match="not loaded"):
        _ = holder.current


def test_signature_ignores_hidden_and_backup_files(kb_dir: Path) -> None:
    before = directory_signature(kb_dir)
    (kb_dir / "promotions" / ".weekend-running.yaml.swp").write_text("x")
    (kb_dir / "promotions" / "weekend-running.yaml~").write_text("x")
    assert directory_signature(kb_dir) == before
    (kb_dir / "promotions" / "new.yaml").write_text("x")
    assert directory_signature(kb_dir) != before
