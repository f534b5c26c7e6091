"""Which language a store's sessions speak on this node, and what its recogniser is told.

The knowledge base says what a store speaks (:meth:`KnowledgeBase.language`). A node speaks
it when it has a voice for it (``[tts] voice`` speaks ``en``, ``[tts] voices`` the others) and
its recogniser hears it (a multilingual Whisper; ``*.en`` models hear English only). When
either is missing, the store's sessions are English from end to end (answers, notices,
quizzes, confirmations, the English voice, the recogniser told English): never Chinese text
read by an English voice. The node says so at start (:meth:`SessionLanguages.gaps`, logged
by ``serve`` and ``worker``, warned by ``voice-agent kb validate``).

The recogniser is told the session's language when the knowledge base names one for the store
(its own or its region's); when it names none, ``[stt] language`` (``auto``: Whisper detects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.text import DEFAULT_LANGUAGE

if TYPE_CHECKING:  # imported when used: ``kb validate`` needs neither Pipecat nor ONNX
    from pipelines.answer_processor import CallerProfile

CallerFor = Callable[[Role, str], "CallerProfile"]
"""The profile of a session for a person in a role at a store (``Runtime.caller``)."""


@dataclass(frozen=True, slots=True)
class LanguageGap:
    """Stores whose language this node cannot speak, and why (their sessions are English)."""

    language: str
    stores: tuple[str, ...]
    reasons: tuple[str, ...]
    """``no_voice`` (no Piper voice configured), ``not_heard`` (English-only recogniser)."""

    def message(self) -> str:
        """One line for logs and ``kb validate``."""
        stores = ", ".join(self.stores)
        said = {
            "no_voice": f"[tts] voices names no voice for {self.language}",
            "not_heard": "the recogniser ([stt] model) hears English only",
        }
        why = " and ".join(said[reason] for reason in self.reasons)
        return (
            f"stores {stores} speak {self.language}, but {why}: their sessions speak English"
            f" ({DEFAULT_LANGUAGE}) with the English voice"
        )


@dataclass(frozen=True, slots=True)
class SessionLanguages:
    """What this node can speak and hear.

    Args:
        voiced: Languages a configured Piper voice speaks.
        hears_all: The recogniser is multilingual (it can be told any language).
        stt_language: ``[stt] language``: what the recogniser is told for a store the
            knowledge base names no language for.
    """

    voiced: frozenset[str]
    hears_all: bool
    stt_language: str = DEFAULT_LANGUAGE

    def gaps_in(self, language: str) -> tuple[str, ...]:
        """Why this node cannot speak ``language`` (``no_voice``, ``not_heard``); empty: it can."""
        reasons: tuple[str, ...] = () if language in self.voiced else ("no_voice",)
        if language != DEFAULT_LANGUAGE and not self.hears_all:
            reasons += ("not_heard",)
        return reasons

    def spoken(self, knowledge: KnowledgeBase, store_id: str) -> str:
        """The language a session for ``store_id`` speaks here (the store's, else English)."""
        language = knowledge.language(store_id)
        return DEFAULT_LANGUAGE if self.gaps_in(language) else language

    def caller(self, knowledge: KnowledgeBase, *, role: Role, store_id: str) -> CallerProfile:
        """The profile of a session for a person of ``store_id`` in ``role``."""
        from pipelines.answer_processor import CallerProfile

        language = self.spoken(knowledge, store_id)
        stated = knowledge.stated_language(store_id) is not None
        return CallerProfile(
            role=role,
            store_id=store_id,
            language=language,
            stt_language=language if stated else None,
        )

    def gaps(self, knowledge: KnowledgeBase) -> list[LanguageGap]:
        """Each language some stores speak that this node cannot, with those stores."""
        by_language: dict[str, list[str]] = {}
        for store_id in knowledge.stores:
            by_language.setdefault(knowledge.language(store_id), []).append(store_id)
        found: list[LanguageGap] = []
        for language, stores in sorted(by_language.items()):
            reasons = self.gaps_in(language)
            if reasons:
                found.append(LanguageGap(language, tuple(stores), reasons))
        return found


def configured_languages(
    *, voices: Iterable[str], stt_model: str, stt_language: str
) -> SessionLanguages:
    """What settings promise, before any model is loaded (for ``kb validate``)."""
    from pipelines.speech_models import english_only_whisper

    return SessionLanguages(
        voiced=frozenset([DEFAULT_LANGUAGE, *voices]),
        hears_all=not english_only_whisper(stt_model),
        stt_language=stt_language,
    )
