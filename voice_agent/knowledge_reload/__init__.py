"""The knowledge base a process answers from, kept current while it runs.

Two holders with one interface (:class:`KnowledgeSource`):

* :class:`~.published.PublishedKnowledgeHolder` (``voice-agent serve``): the newest
  published versions in storage; follows every publication (and publishes valid edits).
* :class:`~.files.KnowledgeBaseHolder` (no database: ``ask``, ``replay``, benchmarks): the
  directory as it is, reloading valid edits.

Either way an invalid edit is logged with file, line and field and the last good knowledge
base keeps being served.
"""

from typing import Protocol

from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.knowledge_reload.files import KnowledgeBaseHolder
from voice_agent.knowledge_reload.published import PublicationObserver, PublishedKnowledgeHolder
from voice_agent.knowledge_reload.signature import ReloadResult, Signature, directory_signature


class KnowledgeSource(Protocol):
    """What answerers read: the current knowledge base and how often it changed."""

    @property
    def current(self) -> KnowledgeBase:
        """The knowledge base to answer from."""
        ...

    @property
    def generation(self) -> int:
        """Grows each time :attr:`current` is replaced."""
        ...

    @property
    def change_summaries(self) -> ChangeSummaries | None:
        """Answers to "what changed?" for :attr:`current` (``None``: the written change notes)."""
        ...

    async def start(self) -> None:
        """Load if needed and follow changes in the background."""
        ...

    async def stop(self) -> None:
        """Stop following changes."""
        ...


__all__ = [
    "KnowledgeBaseHolder",
    "KnowledgeSource",
    "PublicationObserver",
    "PublishedKnowledgeHolder",
    "ReloadResult",
    "Signature",
    "directory_signature",
]
