"""Choosing and building the answerer from settings."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.answerers.errors import AnswererConfigError
from voice_agent.answerers.factory import (
    LOCAL_API_KEY,
    api_key_for,
    build_answerer,
    build_client,
    is_local_url,
)
from voice_agent.answerers.openai_answerer import OpenAIAnswerer
from voice_agent.settings import AnswererSettings, OpenAISettings, Settings


def settings_with(kind: str, **openai: object) -> Settings:
    return Settings(
        answerer=AnswererSettings(kind=kind, openai=OpenAISettings(**openai))  # type: ignore[arg-type]
    )


@pytest.fixture(autouse=True)
def no_key_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    for name in ("BASE_URL", "MODEL", "API_KEY"):
        monkeypatch.delenv(f"VOICE_AGENT_ANSWERER__OPENAI__{name}", raising=False)
    monkeypatch.delenv("VOICE_AGENT_ANSWERER__KIND", raising=False)


def test_grounded_is_the_default(knowledge: KnowledgeBase) -> None:
    assert isinstance(build_answerer(Settings(), knowledge), GroundedAnswerer)


def test_openai_kind_builds_the_llm_answerer_for_a_local_server(knowledge: KnowledgeBase) -> None:
    settings = settings_with("openai", base_url="http://127.0.0.1:8080/v1", model="smollm2")
    answerer = build_answerer(settings, knowledge)
    assert isinstance(answerer, OpenAIAnswerer)


def test_a_remote_endpoint_without_a_key_is_a_clear_error(knowledge: KnowledgeBase) -> None:
    settings = settings_with(
        "openai", base_url="https://api.deepseek.com/v1", model="deepseek-chat"
    )
    with pytest.raises(AnswererConfigError, match="VOICE_AGENT_ANSWERER__OPENAI__API_KEY") as info:
        build_answerer(settings, knowledge)
    assert info.value.code == "answerer_config_invalid"


def test_the_default_openai_endpoint_needs_a_key_too() -> None:
    with pytest.raises(AnswererConfigError, match="api.openai.com"):
        api_key_for(OpenAISettings())


def test_the_key_comes_from_settings_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    remote = "https://dashscope.aliyuncs.com/compatible-mode/v1"
    assert api_key_for(OpenAISettings(base_url=remote, api_key=SecretStr("sk-set"))) == "sk-set"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert api_key_for(OpenAISettings(base_url=remote)) == "sk-env"
    assert api_key_for(OpenAISettings(base_url=remote, api_key=SecretStr("sk-set"))) == "sk-set"


def test_a_local_server_needs_no_key() -> None:
    config = OpenAISettings(base_url="http://localhost:11434/v1")
    assert api_key_for(config) == LOCAL_API_KEY
    client = build_client(config)
    assert client.max_retries == 0
    assert str(client.base_url) == "http://localhost:11434/v1/"


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8080/v1", True),
        ("http://localhost:11434/v1", True),
        ("http://[::1]:8000/v1", True),
        ("http://192.168.1.20:8000/v1", True),
        ("https://api.openai.com/v1", False),
        ("https://api.deepseek.com", False),
        ("http://vllm.internal:8000/v1", False),
    ],
)
def test_which_urls_count_as_local(url: str, local: bool) -> None:
    assert is_local_url(url) is local


def test_settings_from_the_environment_choose_the_llm(
    monkeypatch: pytest.MonkeyPatch, knowledge: KnowledgeBase
) -> None:
    monkeypatch.setenv("VOICE_AGENT_ANSWERER__KIND", "openai")
    monkeypatch.setenv("VOICE_AGENT_ANSWERER__OPENAI__BASE_URL", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("VOICE_AGENT_ANSWERER__OPENAI__MODEL", "SmolLM2-135M-Instruct")
    assert isinstance(build_answerer(Settings(), knowledge), OpenAIAnswerer)
