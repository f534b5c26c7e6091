"""Build the configured answerer: grounded, or an OpenAI-compatible LLM with grounded fallback."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import openai
from loguru import logger

from knowledge_base.answering import Answerer, Role
from knowledge_base.grounded import ChangeSummaries, ChangeSummary, GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import SAMPLE_DATA_DIR
from knowledge_base.models import Promotion
from knowledge_base.phrasing import rules_fact
from knowledge_base.versions import canonical_text, change_summary, read_history, spoken_names
from voice_agent.answerers.errors import AnswererConfigError
from voice_agent.answerers.events import EventListener
from voice_agent.answerers.openai_answerer import OpenAIAnswerer
from voice_agent.answerers.tools import KnowledgeBaseTools
from voice_agent.settings import OpenAISettings, Settings

LOCAL_API_KEY = "no-key-required"
"""Sent to local servers (llama.cpp, Ollama, vLLM) that ignore the key; the client needs one."""

REQUEST_TIMEOUT_SECS = 30.0
"""Upper bound of one HTTP request; the first-token deadline normally decides much earlier."""


def is_local_url(base_url: str) -> bool:
    """True for loopback and private-network endpoints (which usually need no API key)."""
    host = urlparse(base_url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def api_key_for(config: OpenAISettings) -> str:
    """The API key from settings, else ``$OPENAI_API_KEY``, else a placeholder for local URLs.

    Raises:
        AnswererConfigError: no key for a remote endpoint (the default is api.openai.com).
    """
    if config.api_key is not None and config.api_key.get_secret_value():
        return config.api_key.get_secret_value()
    if os.environ.get("OPENAI_API_KEY"):
        return os.environ["OPENAI_API_KEY"]
    if config.base_url and is_local_url(config.base_url):
        return LOCAL_API_KEY
    endpoint = config.base_url or "https://api.openai.com/v1 (the default)"
    raise AnswererConfigError(
        f"answerer.kind is 'openai' but no API key is set for {endpoint}: set "
        "VOICE_AGENT_ANSWERER__OPENAI__API_KEY (or OPENAI_API_KEY), or point "
        "VOICE_AGENT_ANSWERER__OPENAI__BASE_URL at a local server"
    )


def build_client(config: OpenAISettings) -> openai.AsyncOpenAI:
    """An async client for the configured endpoint, without retries (the fallback is faster)."""
    return openai.AsyncOpenAI(
        base_url=config.base_url,
        api_key=api_key_for(config),
        max_retries=0,
        timeout=openai.Timeout(REQUEST_TIMEOUT_SECS, connect=5.0),
    )


def build_answerer(
    settings: Settings,
    knowledge: KnowledgeBase,
    *,
    on_event: EventListener | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Answerer:
    """The answerer ``settings.answerer.kind`` asks for, over ``knowledge``.

    ``grounded`` answers offline from the knowledge base. ``openai`` asks the configured
    OpenAI-compatible endpoint, fact-guarded, with the grounded answerer as its fallback.

    Args:
        settings: All settings (``answerer`` is read).
        knowledge: The loaded knowledge base.
        on_event: Receives the LLM answerer's events (violations, fallbacks, tool calls).
        clock: Current aware time for questions without ``asked_at`` (default: now).

    Raises:
        AnswererConfigError: the LLM endpoint needs an API key and none is set.
    """
    config = settings.answerer
    root = Path(settings.knowledge_base.path) if settings.knowledge_base.path else SAMPLE_DATA_DIR
    grounded = GroundedAnswerer(
        knowledge=knowledge,
        default_contact=config.contact,
        clock=clock,
        change_summaries=history_change_summaries(knowledge, root),
    )
    if config.kind == "grounded":
        return grounded
    llm = config.openai
    return OpenAIAnswerer(
        client=build_client(llm),
        model=llm.model,
        knowledge_tools=KnowledgeBaseTools(
            knowledge=knowledge, default_contact=config.contact, clock=clock
        ),
        fallback=grounded,
        first_token_deadline=llm.first_token_deadline_secs,
        max_tokens=llm.max_tokens,
        temperature=llm.temperature,
        on_event=on_event,
    )


def history_change_summaries(knowledge: KnowledgeBase, root: Path) -> ChangeSummaries:
    """Answers to "what changed?" from the diff against the previous published version.

    Previous versions come from ``<root>/history/<id>/v<N>.yaml`` (what ``kb publish``
    keeps); a promotion without one falls back to its written change notes.
    """
    history, issues = read_history(root)
    for issue in issues:
        logger.warning("knowledge base history: {}:{} {}", issue.file, issue.line, issue.message)
    names = spoken_names(knowledge)

    def summarize(promotion: Promotion, role: Role) -> ChangeSummary | None:
        earlier = [
            entry.promotion
            for entry in history.get(promotion.id, [])
            if entry.promotion.version < promotion.version
        ]
        if not earlier:
            return None
        previous = earlier[-1]
        sentences = change_summary(previous, promotion, role=role, names=names)
        if not sentences:
            return None
        # The previous version as stored, and the names spoken: what the numbers rely on.
        said = " ".join(sentences)
        facts = [
            f"{promotion.id} version {previous.version}: {line}"
            for line in canonical_text(previous).splitlines()
        ]
        facts += [f"{key}: {name}" for key, name in names.items() if name in said]
        # Its rules as the answers speak them ("15 percent off"), in every currency.
        facts += [
            f"version {previous.version}: " + rules_fact(previous, currency, "its scope")
            for currency in knowledge.currencies.values()
        ]
        return ChangeSummary(sentences=sentences, facts=facts)

    return summarize
