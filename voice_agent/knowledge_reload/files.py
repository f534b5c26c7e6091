"""Files mode: serve the knowledge-base directory as it is, reloading valid edits.

Used where no database is configured (``ask``, ``replay``, benchmarks); ``serve`` answers
from the published versions instead (:mod:`.published`).

:class:`KnowledgeBaseHolder` loads the knowledge-base directory once at startup (an
invalid directory then is an error: there is nothing to serve). Afterwards it reloads on
demand (:meth:`~KnowledgeBaseHolder.reload`) or when a file changes (a polling task
compares every file's modification time and size). A reload that finds errors logs every
issue with file, line and field and keeps serving the previous valid knowledge base, so a
half-saved or mistyped edit never takes answers away from the shop floor.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from loguru import logger

from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from voice_agent.knowledge_reload.polling import Poller
from voice_agent.knowledge_reload.signature import ReloadResult, Signature, directory_signature


class KnowledgeBaseHolder:
    """Holds the current valid knowledge base and swaps in valid edits.

    Readers take :attr:`current` once per question and keep using that object: a
    :class:`KnowledgeBase` is read-only, so a swap never changes one under their feet.
    """

    def __init__(
        self,
        *,
        path: Path | None,
        loader: Callable[[Path | None], KnowledgeBase] = load_knowledge_base,
        poll_interval_secs: float = 2.0,
        on_reload: Callable[[KnowledgeBase], None] | None = None,
    ) -> None:
        """Create a holder; nothing is loaded until :meth:`load`.

        Args:
            path: Knowledge-base directory; ``None`` means the packaged sample content.
            loader: Loads and validates a directory, raising ``KnowledgeBaseError``.
            poll_interval_secs: Seconds between checks for changed files.
            on_reload: Called with each newly loaded knowledge base (after startup).
        """
        self._path = path
        self._root = path or SAMPLE_DATA_DIR
        self._loader = loader
        self._on_reload = on_reload
        self._current: KnowledgeBase | None = None
        self._generation = 0
        self._signature: Signature = ()
        self._last_issues: list[Issue] = []
        self._lock = asyncio.Lock()
        self._poller = Poller(
            poll=self._poll_files, interval_secs=poll_interval_secs, name="knowledge-base-watch"
        )

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base to answer from.

        Raises:
            RuntimeError: :meth:`load` has not succeeded yet.
        """
        if self._current is None:
            raise RuntimeError("knowledge base not loaded yet: call load() first")
        return self._current

    @property
    def generation(self) -> int:
        """How many valid loads happened (1 after startup, +1 per accepted edit)."""
        return self._generation

    @property
    def change_summaries(self) -> ChangeSummaries | None:
        """Nothing: without stored versions "what changed?" uses the written change notes."""
        return None

    @property
    def last_issues(self) -> list[Issue]:
        """Problems of the latest refused reload; empty after a successful one."""
        return list(self._last_issues)

    def load(self) -> KnowledgeBase:
        """Load at startup (blocking).

        Raises:
            KnowledgeBaseError: The directory is not valid; there is nothing to serve.
        """
        signature = directory_signature(self._root)
        knowledge = self._loader(self._path)
        self._accept(knowledge, signature)
        logger.info(
            "knowledge base: loaded {} ({} promotions)", self._root, len(knowledge.promotions)
        )
        return knowledge

    def changed(self) -> bool:
        """True when a file under the directory changed since the last (attempted) load."""
        return directory_signature(self._root) != self._signature

    async def reload(self) -> ReloadResult:
        """Load the directory again; keep the current knowledge base if the new one is invalid."""
        async with self._lock:
            signature = await asyncio.to_thread(directory_signature, self._root)
            try:
                knowledge = await asyncio.to_thread(self._loader, self._path)
            except KnowledgeBaseError as e:
                # Remember the broken state, so polling does not retry it until it changes.
                self._signature = signature
                self._last_issues = list(e.issues)
                for issue in e.issues:
                    if issue.severity == "error":
                        logger.error("knowledge base: {}", issue)
                    else:
                        logger.warning("knowledge base: {}", issue)
                logger.error(
                    "knowledge base: edit refused ({} error(s)); still serving generation {}",
                    len(e.errors),
                    self._generation,
                )
                return ReloadResult(reloaded=False, generation=self._generation, issues=e.issues)
            self._accept(knowledge, signature)
            logger.info(
                "knowledge base: reloaded {} (generation {}, {} promotions)",
                self._root,
                self._generation,
                len(knowledge.promotions),
            )
        if self._on_reload is not None:
            self._on_reload(knowledge)
        return ReloadResult(reloaded=True, generation=self._generation)

    def _accept(self, knowledge: KnowledgeBase, signature: Signature) -> None:
        self._current = knowledge
        self._signature = signature
        self._generation += 1
        self._last_issues = []

    async def start(self) -> None:
        """Load if not loaded yet, then poll for changed files in a background task."""
        if self._current is None:
            await asyncio.to_thread(self.load)
        self._poller.start()

    async def stop(self) -> None:
        """Stop polling (waits for the task to end)."""
        await self._poller.stop()

    async def _poll_files(self) -> None:
        if await asyncio.to_thread(self.changed):
            await self.reload()

    async def __aenter__(self) -> KnowledgeBaseHolder:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
