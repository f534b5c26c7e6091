"""The LLM answerer over the OpenAI streaming protocol, driven by ScriptedOpenAIServer.

These are the protocol cases the tiny real model cannot produce on demand (a tool call with
a chosen argument, a wrong discount, a late first token, an HTTP error). The server is real
HTTP on loopback and the real ``openai`` client parses its stream; see
``scripted_openai_server.py`` for why it exists. What the real model says freely is tested
in ``test_openai_answerer_llama.py``.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import openai
import pytest
from answerer_support import DEFAULT_CONTACT, REFERENCE_TIME, free_port
from scripted_openai_server import ScriptedOpenAIServer, ScriptedReply, ScriptedToolCall

from knowledge_base.answering import Answer, AnswerSource, Question, Role
from knowledge_base.grounded import GroundedAnswerer
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.answerers.events import AnswererEvent
from voice_agent.answerers.kb_tools import KnowledgeBaseTools
from voice_agent.answerers.llm_conversation import MAX_TOOL_ROUNDS
from voice_agent.answerers.openai_answerer import OpenAIAnswerer

WEEKEND_QUESTION = Question(
    text="Is the Aero X 200 in the weekend offer?",
    store_id="SH-01",
    asked_at=REFERENCE_TIME,
)
QUOTE_QUESTION = Question(
    text="What do two pairs of Aero X 200 cost for a member?",
    store_id="SH-01",
    asked_at=REFERENCE_TIME,
)


@dataclass
class Timed:
    """What the answerer yielded, with the seconds since the question at each item."""

    sentences: list[tuple[float, str]]
    answer: Answer
    answer_secs: float


async def ask(answerer: OpenAIAnswerer, question: Question) -> Timed:
    started = time.perf_counter()
    sentences: list[tuple[float, str]] = []
    async for item in answerer.stream(question):
        elapsed = time.perf_counter() - started
        if isinstance(item, Answer):
            return Timed(sentences, item, elapsed)
        sentences.append((elapsed, item))
    raise AssertionError("stream ended without an Answer")


@pytest.fixture
def grounded(knowledge: KnowledgeBase) -> GroundedAnswerer:
    return GroundedAnswerer(knowledge=knowledge, default_contact=DEFAULT_CONTACT)


@pytest.fixture
def events() -> list[AnswererEvent]:
    return []


@pytest.fixture
def make_answerer(knowledge: KnowledgeBase, grounded: GroundedAnswerer, events: list):
    def make(base_url: str, **options: Any) -> OpenAIAnswerer:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="test", max_retries=0)
        return OpenAIAnswerer(
            client=client,
            model="scripted",
            knowledge_tools=KnowledgeBaseTools(
                knowledge=knowledge, default_contact=DEFAULT_CONTACT
            ),
            fallback=grounded,
            on_event=events.append,
            **options,
        )

    return make


# --- streaming and the guard -------------------------------------------------------------------


async def test_sentences_stream_out_before_the_model_has_finished(make_answerer) -> None:
    script = [
        ScriptedReply(
            text=["Yes, the Aero X 200 ", "is 20 percent off this weekend. ", "Members ", "save "]
            + ["another 5 percent."],
            chunk_delay=0.3,
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert [s for _, s in timed.sentences] == [
        "Yes, the Aero X 200 is 20 percent off this weekend.",
        "Members save another 5 percent.",
    ]
    first_at, second_at = timed.sentences[0][0], timed.sentences[1][0]
    assert second_at - first_at > 0.6  # the first was spoken while the model still wrote
    assert timed.answer.source is AnswerSource.LLM
    assert timed.answer.text == " ".join(s for _, s in timed.sentences)
    assert timed.answer.detail["first_token_secs"] < first_at
    assert timed.answer.detail["first_sentence_secs"] < timed.answer.detail["answer_secs"] - 0.6


async def test_a_wrong_discount_is_never_spoken_and_the_grounded_answer_is(
    make_answerer, grounded: GroundedAnswerer, events: list[AnswererEvent]
) -> None:
    script = [ScriptedReply(text=["Yes, running shoes are 25 percent off this weekend."])]
    async with ScriptedOpenAIServer(script) as server:
        answerer = make_answerer(server.base_url)
        timed = await ask(answerer, WEEKEND_QUESTION)

    expected = await grounded.answer(WEEKEND_QUESTION)
    assert "25" not in timed.answer.text
    assert timed.answer.text == expected.text
    assert [s for _, s in timed.sentences] == expected.sentences()
    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["fallback_reason"] == "fact_guard_violation"
    assert timed.answer.detail["violations"] == ["'25 percent' (25%): percentage not in the facts"]
    assert [e.kind for e in events] == ["fact_guard_violation"]
    assert answerer.counters["fact_guard_violation"] == 1


async def test_a_rate_from_the_facts_said_of_an_item_that_does_not_get_it_is_never_spoken(
    make_answerer, knowledge: KnowledgeBase
) -> None:
    # The weekend offer's 20 percent is in the facts, but it is for running shoes: trail
    # shoes never get it. The fact guard alone lets it through; the rate check does not.
    question = Question(
        text="Are trail shoes in the weekend offer?", store_id="SH-01", asked_at=REFERENCE_TIME
    )
    wrong = "Trail shoes are 20 percent off in the Weekend Running Offer."  # no yes or no
    async with ScriptedOpenAIServer([ScriptedReply(text=[wrong])]) as server:
        unchecked = await ask(make_answerer(server.base_url), question)
    assert unchecked.answer.text == wrong
    async with ScriptedOpenAIServer([ScriptedReply(text=[wrong])]) as server:
        checked = await ask(make_answerer(server.base_url, knowledge=knowledge), question)
    assert checked.answer.source is AnswerSource.FALLBACK
    assert checked.answer.detail["fallback_reason"] == "fact_guard_violation"
    assert checked.answer.detail["violations"] == [
        f"not the rate the pricing engine gives: 20 percent in {wrong!r}"
    ]
    assert "20 percent" not in checked.answer.text


async def test_a_violation_after_a_spoken_sentence_completes_with_the_grounded_answer(
    make_answerer, grounded: GroundedAnswerer
) -> None:
    script = [
        ScriptedReply(
            text=[
                "Yes, the Aero X 200 is in the Weekend Running Offer. ",
                "It ends on 30 November.",
            ]
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    expected = await grounded.answer(WEEKEND_QUESTION)
    spoken = [s for _, s in timed.sentences]
    assert spoken == ["Yes, the Aero X 200 is in the Weekend Running Offer.", *expected.sentences()]
    assert "30 November" not in timed.answer.text
    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["llm_sentences_spoken"] == 1
    assert timed.answer.text == " ".join(spoken)


async def test_a_yes_where_the_knowledge_base_says_no_is_never_spoken(
    make_answerer, grounded: GroundedAnswerer
) -> None:
    question = Question(
        "Is the AX-200 limited edition included?", store_id="SH-01", asked_at=REFERENCE_TIME
    )
    script = [ScriptedReply(text=["Yes, the limited edition is included."])]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), question)

    expected = await grounded.answer(question)
    assert expected.text.startswith("No")
    assert timed.answer.text == expected.text
    assert timed.answer.detail["fallback_reason"] == "fact_guard_violation"


async def test_a_rambling_model_is_cut_after_three_sentences_and_never_repeats(
    make_answerer,
) -> None:
    script = [
        ScriptedReply(
            text=[
                "Running shoes are 20 percent off. ",
                "Running shoes are 20 percent off. ",
                "Members save another 5 percent. ",
                "The limit is 2 pairs. ",
                "Ask Lin Wei on extension 2204. ",
            ]
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert [s for _, s in timed.sentences] == [
        "Running shoes are 20 percent off.",
        "Members save another 5 percent.",
        "The limit is 2 pairs.",
    ]
    assert timed.answer.source is AnswerSource.LLM


async def test_an_english_prompt_carries_no_chinese_only_facts(make_answerer) -> None:
    script = [ScriptedReply(text=["Running shoes are 20 percent off."])]
    async with ScriptedOpenAIServer(script) as server:
        await ask(make_answerer(server.base_url), WEEKEND_QUESTION)
        prompt = server.requests[0]["messages"][1]["content"]

    assert "周末跑鞋优惠" not in prompt
    assert prompt.endswith("Question: Is the Aero X 200 in the weekend offer?")


async def test_markdown_is_not_spoken(make_answerer) -> None:
    script = [
        ScriptedReply(
            text=["1. ", "**Running shoes** are 20 percent off.\n", "2. Members save ", "more."]
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert [s for _, s in timed.sentences] == [
        "Running shoes are 20 percent off.",
        "Members save more.",
    ]


async def test_a_reply_cut_by_max_tokens_drops_the_unfinished_sentence(make_answerer) -> None:
    script = [
        ScriptedReply(
            text=["Running shoes are 20 percent off. ", "Members save another 2"],
            finish_reason="length",
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert timed.answer.text == "Running shoes are 20 percent off."
    assert timed.answer.source is AnswerSource.LLM


# --- tools -----------------------------------------------------------------------------------


async def test_a_tool_result_becomes_a_fact_the_answer_may_use(
    make_answerer, events: list[AnswererEvent]
) -> None:
    script = [
        ScriptedReply(
            tool_calls=[
                ScriptedToolCall(
                    "quote_price",
                    {"items": [{"item": "Aero X 200", "quantity": 2}], "member": True},
                )
            ]
        ),
        ScriptedReply(text=["Two pairs come to 1,366.48 yuan for a member."]),
    ]
    async with ScriptedOpenAIServer(script) as server:
        # The grounded answer to this question quotes no basket: only the tool knows the total.
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)
        requests = server.requests

    assert timed.answer.source is AnswerSource.LLM
    assert timed.answer.text == "Two pairs come to 1,366.48 yuan for a member."
    # The tool ran against the knowledge base and its result went back to the model ...
    tool_message = requests[1]["messages"][-1]
    assert tool_message["role"] == "tool"
    assert tool_message["tool_call_id"] == "call_scripted_1"
    assert "Total 1366.48 yuan" in tool_message["content"]
    assert requests[1]["messages"][-2]["tool_calls"][0]["function"]["name"] == "quote_price"
    # ... and into the facts the guard checked the answer against.
    assert any("Total 1366.48 yuan" in fact for fact in timed.answer.facts)
    assert timed.answer.detail["tool_calls"] == [
        {
            "name": "quote_price",
            "arguments": '{"items": [{"item": "Aero X 200", "quantity": 2}], "member": true}',
            "ok": True,
        }
    ]
    assert [e.kind for e in events] == ["tool_call"]
    assert "tools" in requests[0]


async def test_the_same_price_without_the_tool_call_is_caught(make_answerer) -> None:
    script = [ScriptedReply(text=["Two pairs come to 1,366.48 yuan for a member."])]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert "1,366.48" not in timed.answer.text
    assert timed.answer.detail["fallback_reason"] == "fact_guard_violation"


async def test_a_tool_call_with_bad_arguments_gets_an_error_the_model_can_read(
    make_answerer,
) -> None:
    script = [
        ScriptedReply(tool_calls=[ScriptedToolCall("quote_price", {"items": []})]),
        ScriptedReply(text=["I don't know that price, please ask Lin Wei on extension 2204."]),
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), QUOTE_QUESTION)
        tool_message = server.requests[1]["messages"][-1]

    assert tool_message["content"].startswith("Error: items must be a non-empty list")
    assert timed.answer.detail["tool_calls"][0]["ok"] is False
    assert timed.answer.source is AnswerSource.LLM


async def test_tools_are_offered_for_at_most_two_rounds(make_answerer) -> None:
    lookup = ScriptedToolCall("lookup_promotions", {"item": "Aero X 200"})
    script = [
        ScriptedReply(tool_calls=[lookup]),
        ScriptedReply(tool_calls=[lookup]),
        ScriptedReply(text=["Yes, it is 20 percent off."]),
    ]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)
        requests = server.requests

    assert MAX_TOOL_ROUNDS == 2
    assert ["tools" in request for request in requests] == [True, True, False]
    assert timed.answer.detail["rounds"] == 3
    assert timed.answer.text == "Yes, it is 20 percent off."


# --- fallbacks -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "late",
    [
        ScriptedReply(text=["Too late."], first_token_delay=3.0),
        ScriptedReply(text=["Too late."], headers_delay=3.0),
    ],
    ids=["first-token-late", "headers-late"],
)
async def test_a_late_first_token_gives_the_grounded_answer_within_the_deadline(
    make_answerer, grounded: GroundedAnswerer, events: list[AnswererEvent], late: ScriptedReply
) -> None:
    async with ScriptedOpenAIServer([late]) as server:
        timed = await ask(
            make_answerer(server.base_url, first_token_deadline=0.5), WEEKEND_QUESTION
        )

    expected = await grounded.answer(WEEKEND_QUESTION)
    assert timed.answer_secs < 0.7
    assert timed.sentences[0][0] < 0.7
    assert timed.answer.text == expected.text
    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["fallback_reason"] == "timeout"
    assert [e.kind for e in events] == ["fallback_timeout"]


async def test_a_server_that_is_down_gives_the_grounded_answer_at_once(
    make_answerer, grounded: GroundedAnswerer, events: list[AnswererEvent]
) -> None:
    answerer = make_answerer(f"http://127.0.0.1:{free_port()}/v1", first_token_deadline=0.5)
    timed = await ask(answerer, WEEKEND_QUESTION)

    assert timed.answer_secs < 0.5
    assert timed.answer.text == (await grounded.answer(WEEKEND_QUESTION)).text
    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["fallback_reason"] == "error"
    assert timed.answer.detail["error_code"] == "llm_unavailable"
    assert timed.answer.detail["retryable"] is True
    assert [e.kind for e in events] == ["fallback_error"]
    assert answerer.counters.as_dict() == {
        "fact_guard_violation": 0,
        "fallback_timeout": 0,
        "fallback_error": 1,
        "tool_call": 0,
    }


@pytest.mark.parametrize(
    ("status", "code", "retryable"),
    [
        (500, "llm_server_error", True),
        (429, "llm_rate_limited", True),
        (401, "llm_auth_failed", False),
        (404, "llm_bad_request", False),
    ],
)
async def test_an_http_error_is_translated_and_the_grounded_answer_given(
    make_answerer, status: int, code: str, retryable: bool
) -> None:
    async with ScriptedOpenAIServer([ScriptedReply(status=status)]) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["error_code"] == code
    assert timed.answer.detail["retryable"] is retryable


async def test_a_stream_that_stalls_is_abandoned_for_the_grounded_answer(
    make_answerer, grounded: GroundedAnswerer
) -> None:
    script = [ScriptedReply(text=["Yes. ", "It is"], hang_after_chunks=2)]
    async with ScriptedOpenAIServer(script) as server:
        timed = await ask(make_answerer(server.base_url, stall_timeout=0.3), WEEKEND_QUESTION)

    expected = await grounded.answer(WEEKEND_QUESTION)
    assert [s for _, s in timed.sentences] == ["Yes.", *expected.sentences()]
    assert timed.answer.detail["fallback_reason"] == "stalled"
    assert timed.answer_secs < 2.0


async def test_an_empty_reply_gives_the_grounded_answer(make_answerer) -> None:
    async with ScriptedOpenAIServer([ScriptedReply(text=[])]) as server:
        timed = await ask(make_answerer(server.base_url), WEEKEND_QUESTION)

    assert timed.answer.source is AnswerSource.FALLBACK
    assert timed.answer.detail["fallback_reason"] == "empty"


async def test_a_refused_question_never_reaches_the_model(make_answerer) -> None:
    question = Question(
        text="What is the sell-through target for the weekend offer?",
        role=Role.CLERK,
        store_id="SH-01",
        asked_at=REFERENCE_TIME,
    )
    async with ScriptedOpenAIServer([ScriptedReply(text=["The target is 1,200 pairs."])]) as server:
        timed = await ask(make_answerer(server.base_url), question)
        requests = server.requests

    assert requests == []
    assert timed.answer.source is AnswerSource.REFUSED
    assert "1,200" not in timed.answer.text


async def test_a_question_asked_back_never_reaches_the_model(make_answerer, grounded) -> None:
    question = Question(
        text="Who do I call about the offer?",
        store_id="SH-01",
        asked_at=REFERENCE_TIME,
    )
    async with ScriptedOpenAIServer([ScriptedReply(text=["It ends on Sunday."])]) as server:
        timed = await ask(make_answerer(server.base_url), question)
        requests = server.requests

    expected = await grounded.answer(question)
    assert expected.source is AnswerSource.CLARIFY
    assert requests == []
    assert timed.answer.source is AnswerSource.CLARIFY
    assert timed.answer.text == expected.text
    assert [s for _, s in timed.sentences] == expected.sentences()


async def test_stopping_the_stream_early_closes_the_model_request(make_answerer) -> None:
    script = [
        ScriptedReply(
            text=["Yes, it is 20 percent off. ", "Members save another 5 percent."],
            chunk_delay=5.0,
        )
    ]
    async with ScriptedOpenAIServer(script) as server:
        stream = make_answerer(server.base_url).stream(WEEKEND_QUESTION)
        first = await anext(stream)
        started = time.perf_counter()
        await stream.aclose()  # a barge-in: the pipeline stops listening
        closed_secs = time.perf_counter() - started
        await asyncio.sleep(0.05)
        open_tasks = [
            t for t in asyncio.all_tasks() if "ModelConversation.run" in repr(t.get_coro())
        ]

    assert first == "Yes, it is 20 percent off."
    assert closed_secs < 0.5
    assert open_tasks == []
