"""Published mode: serve the newest published versions and follow every new publication.

What ``voice-agent serve`` runs. Every ``poll_interval_secs`` the holder asks the database
for its newest publication id (one cheap ``max(id)`` query, so nodes sharing PostgreSQL all
see a publish made on any of them) and, when it grew, rebuilds the served knowledge base
from the stored versions and tells every observer about each new
:class:`~knowledge_base.versions.Publication`. It also checks the knowledge-base directory:
with ``publish_edits`` a valid edit of a promotion file is published (``published_by``
``file-watch``, not urgent) and then served like any publication; a broken edit is logged
as ``file:line: field: message`` and the last published versions keep being served. Valid
edits of the catalogue, regions or contacts are served as soon as they are seen.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import deque
from collections.abc import Awaitable, Callable
from pathlib import Path

from loguru import logger

from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR
from knowledge_base.versions import Publication
from voice_agent.knowledge_reload.polling import Poller
from voice_agent.knowledge_reload.publish_log import log_publish
from voice_agent.knowledge_reload.signature import ReloadResult, Signature, directory_signature
from voice_agent.storage.engine import Database
from voice_agent.storage.publications import SqlPublicationRepository
from voice_agent.storage.published import (
    PublishedSnapshot,
    load_published,
    published_change_summaries,
)
from voice_agent.storage.publisher import FILE_WATCH_PUBLISHER, Publisher

PublicationObserver = Callable[[Publication], Awaitable[None] | None]
"""Called with each new publication, oldest first (sync or async; errors are logged)."""


class PublishedKnowledgeHolder:
    """Holds the served (published) knowledge base; follows publications and file edits.

    Readers take :attr:`current` once per question and keep that object: a swap never
    changes a knowledge base under their feet.
    """

    def __init__(
        self,
        *,
        database: Database,
        path: Path | None,
        poll_interval_secs: float = 2.0,
        publish_edits: bool = True,
        on_reload: Callable[[KnowledgeBase], None] | None = None,
    ) -> None:
        """Create a holder; nothing is loaded until :meth:`load` (or :meth:`start`).

        Args:
            database: Where publications are stored (upgraded).
            path: Knowledge-base directory; ``None`` means the packaged sample content.
            poll_interval_secs: Seconds between checks for publications and edited files.
            publish_edits: Publish valid edits of the promotion files (single node).
            on_reload: Called with each newly served knowledge base (after startup).
        """
        self._database = database
        self._root = path or SAMPLE_DATA_DIR
        self._publish_edits = publish_edits
        self._on_reload = on_reload
        self._publisher = Publisher(database=database)
        self._publications = SqlPublicationRepository(database=database)
        self._snapshot: PublishedSnapshot | None = None
        self._summaries: ChangeSummaries | None = None
        self._generation = 0
        self._signature: Signature = ()
        self._last_issues: list[Issue] = []
        self._refused: tuple[int, Signature] | None = None
        self._observers: list[PublicationObserver] = []
        self._lock = asyncio.Lock()
        self._pending: deque[Publication] = deque()
        self._notifying = asyncio.Lock()
        self._telling: set[asyncio.Task[None]] = set()
        self._poller = Poller(
            poll=self.refresh, interval_secs=poll_interval_secs, name="publication-watch"
        )

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base to answer from.

        Raises:
            RuntimeError: :meth:`load` has not succeeded yet.
        """
        if self._snapshot is None:
            raise RuntimeError("knowledge base not loaded yet: call load() first")
        return self._snapshot.knowledge

    @property
    def snapshot(self) -> PublishedSnapshot:
        """The served knowledge base with the stored versions behind it."""
        if self._snapshot is None:
            raise RuntimeError("knowledge base not loaded yet: call load() first")
        return self._snapshot

    @property
    def change_summaries(self) -> ChangeSummaries | None:
        """Answers to "what changed?" for the served versions (from the stored previous ones)."""
        return self._summaries

    @property
    def generation(self) -> int:
        """How many knowledge bases were served (1 after startup, +1 per change picked up)."""
        return self._generation

    @property
    def last_issues(self) -> list[Issue]:
        """Problems of the latest refused edit or rebuild; empty after a good one."""
        return list(self._last_issues)

    @property
    def root(self) -> Path:
        """The knowledge-base directory (catalogue, regions, contacts, promotion files)."""
        return self._root

    def subscribe(self, observer: PublicationObserver) -> Callable[[], None]:
        """Call ``observer`` with every publication picked up from now on.

        Returns:
            A function that unsubscribes it.
        """
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    def load(self) -> KnowledgeBase:
        """Start-up (blocking): publish valid edits if enabled, then serve what is published.

        Broken files with something published: the published versions are served and the
        problems logged as a warning. Nothing published and broken files: an error.

        Raises:
            KnowledgeBaseError: Nothing can be served (issues with file, line and field).
            StorageError: The database failed.
        """
        self._signature = directory_signature(self._root)
        problems: list[Issue] = []
        if self._publish_edits:
            outcome = self._publisher.publish_directory(
                self._root, published_by=FILE_WATCH_PUBLISHER, skip_stale=True
            )
            problems = outcome.errors
            log_publish(outcome, self._root)
        try:
            snapshot = load_published(self._database, self._root)
        except KnowledgeBaseError as e:
            nothing = any(issue.code == "nothing_published" for issue in e.issues)
            if nothing and problems:
                raise KnowledgeBaseError(problems) from e
            raise
        if problems:
            logger.warning(
                "knowledge base: {} has {} error(s) (listed above); serving the last published"
                " versions (publication {})",
                self._root,
                len(problems),
                snapshot.publication_id,
            )
        self._accept(snapshot)
        self._last_issues = problems
        logger.info(
            "knowledge base: serving publication {} ({} promotions) with {}",
            snapshot.publication_id,
            len(snapshot.served),
            self._root,
        )
        return snapshot.knowledge

    async def refresh(self, *, tell_in_background: bool = False) -> ReloadResult:
        """One poll: publish a valid edit, pick up new publications, serve the result.

        Observers hear of the new publications before this returns; with
        ``tell_in_background`` in a task of their own, so the caller (a publish over HTTP)
        is done once the publication is served, not once every urgent notice is rendered.
        :meth:`stop` waits for that task.
        """
        async with self._lock:
            signature = await asyncio.to_thread(directory_signature, self._root)
            handled = self._signature
            self._signature = signature
            try:
                result = await self._pick_up(signature, files_changed=signature != handled)
            except BaseException:
                # Nothing was handled (the database failed, or we were stopped): the next
                # poll must see this edit as new again, not as already published.
                self._signature = handled
                raise
        if result.reloaded and self._on_reload is not None:
            self._on_reload(self.snapshot.knowledge)
        if not tell_in_background:
            await self._notify_pending()
        elif self._pending:
            telling = asyncio.create_task(self._notify_pending(), name="publication observers")
            self._telling.add(telling)
            telling.add_done_callback(self._telling.discard)
        return result

    async def _pick_up(self, signature: Signature, *, files_changed: bool) -> ReloadResult:
        """Under the lock: publish a valid edit, then serve what is newly published."""
        refused = False
        if files_changed and self._publish_edits:
            outcome = await asyncio.to_thread(
                self._publisher.publish_directory,
                self._root,
                published_by=FILE_WATCH_PUBLISHER,
                skip_stale=True,
            )
            log_publish(outcome, self._root)
            refused = not outcome.ok
            self._last_issues = outcome.errors
        latest = await asyncio.to_thread(self._publications.latest_id)
        seen = self.snapshot.publication_id
        rebuild = latest != seen or (files_changed and not refused)
        if not rebuild or self._refused == (latest, signature):
            return ReloadResult(
                reloaded=False, generation=self._generation, issues=self._last_issues
            )
        try:
            snapshot = await asyncio.to_thread(load_published, self._database, self._root)
        except KnowledgeBaseError as e:
            self._refused = (latest, signature)
            self._last_issues = list(e.issues)
            for issue in e.errors:
                logger.error("knowledge base: {}", issue)
            logger.error(
                "knowledge base: cannot serve publication {}; still serving publication {}",
                latest,
                seen,
            )
            return ReloadResult(reloaded=False, generation=self._generation, issues=e.issues)
        new = await asyncio.to_thread(self._publications.list, after_id=seen)
        self._accept(snapshot)
        # Queued before the lock is released, so a later refresh queues newer ones after these.
        self._pending.extend(p for p in new if p.id <= snapshot.publication_id)
        if not refused:
            self._last_issues = []
        logger.info(
            "knowledge base: now serving publication {} (generation {})",
            snapshot.publication_id,
            self._generation,
        )
        return ReloadResult(reloaded=True, generation=self._generation)

    async def _notify_pending(self) -> None:
        """Tell observers about queued publications, oldest first, one at a time.

        Concurrent refreshes (the poll and a publish over HTTP) share the queue: whoever
        holds the turn tells every queued publication in order, so a slow async observer
        still hears publication 2 before publication 3.
        """
        async with self._notifying:
            while self._pending:
                publication = self._pending.popleft()
                for observer in list(self._observers):
                    try:
                        result = observer(publication)
                        if inspect.isawaitable(result):
                            await result
                    except Exception:  # noqa: BLE001 - one observer must not stop the others
                        logger.exception(
                            "publication observer failed on publication {}", publication.id
                        )

    def _accept(self, snapshot: PublishedSnapshot) -> None:
        self._snapshot = snapshot
        self._summaries = published_change_summaries(snapshot)
        self._generation += 1
        self._refused = None

    async def start(self) -> None:
        """Load if not loaded yet, then poll in a background task."""
        if self._snapshot is None:
            await asyncio.to_thread(self.load)
        self._poller.start()

    async def stop(self) -> None:
        """Stop polling (waits for the task to end) and wait for observers still being told."""
        await self._poller.stop()
        await asyncio.gather(*self._telling)

    async def __aenter__(self) -> PublishedKnowledgeHolder:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()
