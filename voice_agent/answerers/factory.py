"""Build the configured answerer: grounded, or an OpenAI-compatible LLM with grounded fallback."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlparse

import openai

from knowledge_base.answering import Answerer
from knowledge_base.change_summaries import ChangeSummaries
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.answerers.errors import AnswererConfigError
from voice_agent.answerers.events import EventListener
from voice_agent.answerers.kb_tools import KnowledgeBaseTools
from voice_agent.answerers.openai_answerer import OpenAIAnswerer
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
    change_summaries: ChangeSummaries | None = None,
) -> Answerer:
    """The answerer ``settings.answerer.kind`` asks for, over ``knowledge``.

    ``grounded`` answers offline from the knowledge base. ``openai`` asks the configured
    OpenAI-compatible endpoint, fact-guarded, with the grounded answerer as its fallback.

    Args:
        settings: All settings (``answerer`` is read).
        knowledge: The loaded knowledge base.
        on_event: Receives the LLM answerer's events (violations, fallbacks, tool calls).
        clock: Current aware time for questions without ``asked_at`` (default: now).
        change_summaries: Answers to "what changed?" from the stored previous versions
            (see ``voice_agent.storage.published``); ``None``: the written change notes.

    Raises:
        AnswererConfigError: the LLM endpoint needs an API key and none is set.
    """
    config = settings.answerer
    grounded = GroundedAnswerer(
        knowledge=knowledge,
        default_contact=config.contact,
        clock=clock,
        change_summaries=change_summaries,
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
        knowledge=knowledge,
    )
