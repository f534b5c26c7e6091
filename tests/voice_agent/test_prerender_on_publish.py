"""On each publication the runtime renders the likely answers into the speech cache."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.piper_tts import cache_voice
from pipelines.speech_prerender import likely_questions
from tests.storage.knowledge_helpers import copy_sample, eventually, weekend_text, write_weekend
from voice_agent.runtime import build_runtime
from voice_agent.settings import Settings
from voice_agent.storage import open_database
from voice_agent.storage.publisher import Publisher

pytestmark = pytest.mark.slow


async def test_after_a_publish_the_cache_holds_the_answers_about_the_active_offers(
    settings: Settings, tmp_path: Path
) -> None:
    kb_dir = copy_sample(tmp_path / "kb")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb_dir), "poll_interval_secs": 0.05, "publish_edits": False}
            )
        }
    )
    with open_database(f"sqlite:///{tmp_path / 'db.sqlite3'}") as database:
        Publisher(database=database).publish_directory(kb_dir, published_by="Lin Wei")
        runtime = build_runtime(configured, database=database)
        prerenderer = runtime.prerenderer
        assert prerenderer is not None and prerenderer.task is None
        async with runtime.knowledge_holder:
            write_weekend(kb_dir, weekend_text(kb_dir, percent=35, version=3))
            await asyncio.to_thread(
                Publisher(database=database).publish_directory, kb_dir, published_by="Lin Wei"
            )

            async def rendered() -> bool:
                return prerenderer.task is not None and prerenderer.task.done()

            await eventually(rendered, deadline_secs=120)
            assert prerenderer.task is not None
            report = prerenderer.task.result()
            await prerenderer.stop()

    cache = runtime.models.tts_cache
    assert cache is not None
    # Keyed as the English sessions' speech is: by the English voice's file.
    voice = cache_voice(runtime.models.default_voice().voice_id, configured.tts.length_scale)
    questions = likely_questions(runtime.knowledge, languages=["en"], now=lambda: datetime.now(UTC))
    assert report.questions == len(questions) > 0
    spoken = [s for q in questions for s in await prerenderer.spoken_sentences(q)]
    assert spoken and all(cache.contains(voice, sentence) for sentence in spoken)


async def test_serving_files_a_valid_edit_renders_the_likely_answers_ahead(
    settings: Settings, tmp_path: Path
) -> None:
    kb_dir = copy_sample(tmp_path / "kb")
    configured = settings.model_copy(
        update={
            "knowledge_base": settings.knowledge_base.model_copy(
                update={"path": str(kb_dir), "poll_interval_secs": 0.05}
            )
        }
    )
    runtime = build_runtime(configured)
    prerenderer = runtime.prerenderer
    assert prerenderer is not None and prerenderer.task is None
    async with runtime.knowledge_holder:
        write_weekend(kb_dir, weekend_text(kb_dir, percent=40, version=3))

        async def rendered() -> bool:
            return prerenderer.task is not None and prerenderer.task.done()

        await eventually(rendered, deadline_secs=120)
    assert prerenderer.task is not None
    assert prerenderer.task.result().questions > 0
