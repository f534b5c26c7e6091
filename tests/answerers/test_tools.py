"""Knowledge-base tools: the facts the LLM may use, read from the real sample chain."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from answerer_support import DEFAULT_CONTACT, REFERENCE_TIME

from knowledge_base.answering import FollowUpContext, Question
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from voice_agent.answerers.kb_tools import KnowledgeBaseTools
from voice_agent.answerers.tools import TOOL_DEFINITIONS, run_tool

AT_SH01 = Question("", store_id="SH-01", asked_at=REFERENCE_TIME)


@pytest.fixture(scope="module")
def tools(knowledge: KnowledgeBase) -> KnowledgeBaseTools:
    return KnowledgeBaseTools(knowledge=knowledge, default_contact=DEFAULT_CONTACT)


def test_facts_for_a_follow_up_are_those_of_the_previous_question_s_subject(
    tools: KnowledgeBaseTools,
) -> None:
    context = FollowUpContext(products=("AX-200",), promotions=("weekend-running",))
    follow_up = Question(
        "And for members?", store_id="SH-01", asked_at=REFERENCE_TIME, context=context
    )
    alone = Question("And for members?", store_id="SH-01", asked_at=REFERENCE_TIME)
    text = " ".join(tools.facts_for(follow_up))
    assert "Aero X 200 (AX-200) is running shoes, list price 899 yuan at SH-01." in text
    assert "AX-200) is running shoes" not in " ".join(tools.facts_for(alone))


def test_facts_for_a_question_name_the_moment_and_the_promotions_it_asks_about(
    tools: KnowledgeBaseTools,
) -> None:
    question = Question(
        "Is the Aero X 200 in the weekend offer?", store_id="SH-01", asked_at=REFERENCE_TIME
    )
    facts = tools.facts_for(question)

    assert facts[0] == (
        "Asked at store SH-01 (Shanghai Nanjing Road, region East China); prices there are in yuan."
    )
    text = " ".join(facts)
    assert "Aero X 200 (AX-200) is running shoes, list price 899 yuan at SH-01." in text
    assert "Weekend Running Offer (weekend-running): running now at SH-01" in text
    assert (
        "On running shoes, except Aero X 200 Limited Edition (AX-200-LE): 20 percent off." in text
    )
    assert (
        "On running shoes, except Aero X 200 Limited Edition (AX-200-LE): members save another"
        " 5 percent off the discounted price." in text
    )
    assert "Limit 2 pairs per customer." in text
    assert (
        "Contact for Weekend Running Offer: Lin Wei, east region promotions, extension 2204."
        in text
    )
    # What is running comes before what is coming.
    assert text.index("Weekend Running Offer (") < text.index("Double 12 (")


def test_facts_do_not_state_the_current_date(tools: KnowledgeBaseTools) -> None:
    # Today's date as a fact would let "it ends on 28 November" (today) pass the guard.
    question = Question(
        "When does the weekend offer end?", store_id="SH-01", asked_at=REFERENCE_TIME
    )
    assert "28 November" not in " ".join(tools.facts_for(question))


def test_facts_never_carry_manager_notes_or_targets(tools: KnowledgeBaseTools) -> None:
    question = Question(
        "What is the sell-through target of the weekend offer?",
        store_id="SH-01",
        asked_at=REFERENCE_TIME,
    )
    text = " ".join(tools.facts_for(question))
    assert "1,200" not in text
    assert "extra staff" not in text


def test_a_quote_states_every_step_and_the_total(tools: KnowledgeBaseTools) -> None:
    text = tools.quote(AT_SH01, items=[("Aero X 200", 2)], member=True)
    assert text == (
        "Price at SH-01 for a member on Saturday 28 November 2026: 2 x Aero X 200 (AX-200) at "
        "899 yuan; list total 1798 yuan. Weekend Running Offer: 20 percent off, 2 x AX-200 899 "
        "to 719.20 yuan. Weekend Running Offer: members save another 5 percent, 2 x AX-200 "
        "719.20 to 683.24 yuan. Total 1366.48 yuan, the customer saves 431.52 yuan."
    )


def test_a_quote_in_singapore_is_in_singapore_dollars(tools: KnowledgeBaseTools) -> None:
    question = Question("", store_id="SG-01", asked_at=REFERENCE_TIME)
    text = tools.quote(question, items=[("SK-3P", 3)])
    assert "3 x Sport Socks three-pack (SK-3P) at 15 Singapore dollars" in text
    assert "Total 30 Singapore dollars" in text


def test_a_lookup_for_an_ended_promotion_says_when_it_ended(tools: KnowledgeBaseTools) -> None:
    text = tools.lookup_promotions(AT_SH01, item="autumn clearance")
    assert "over: it ended on Saturday 31 October 2026" in text


def test_a_lookup_on_a_future_day_sees_that_day(tools: KnowledgeBaseTools) -> None:
    text = tools.lookup_promotions(AT_SH01, item="Trail Runner 900", day=date(2026, 12, 12))
    assert "Double 12 (double-12): running now at SH-01" in text
    assert "12 percent off" in text


def test_a_lookup_at_another_store_uses_that_store(tools: KnowledgeBaseTools) -> None:
    text = tools.lookup_promotions(AT_SH01, item="Storm Jacket 700", store_id="BER-01")
    assert "list price 199 euros at BER-01" in text
    assert "On outerwear: 25 percent off" in text
    assert "Jonas Weber, Germany promotions, extension 4410" in text


def test_an_excluded_product_is_said_to_be_excluded(tools: KnowledgeBaseTools) -> None:
    text = tools.lookup_promotions(AT_SH01, item="AX-200-LE")
    assert "Weekend Running Offer excludes Aero X 200 Limited Edition (AX-200-LE)." in text


def test_drafts_are_never_found(tools: KnowledgeBaseTools) -> None:
    assert "No promotion matches" in tools.contact(AT_SH01, promotion="new-year-preview")
    assert "New Year" not in tools.lookup_promotions(AT_SH01)


def test_contact_for_a_promotion(tools: KnowledgeBaseTools) -> None:
    assert tools.contact(AT_SH01, promotion="socks-3for2") == (
        "Contact for Socks 3 for 2: Maria Keller, merchandising, extension 3100."
    )


async def test_run_tool_executes_a_model_call(tools: KnowledgeBaseTools) -> None:
    result = await run_tool(
        tools,
        name="quote_price",
        arguments=json.dumps({"items": [{"item": "AX-200", "quantity": 2}], "member": True}),
        question=AT_SH01,
    )
    assert result.ok
    assert "Total 1366.48 yuan" in result.text


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("quote_price", "{not json", "Error: arguments are not valid JSON"),
        ("quote_price", '{"items": [{"item": "AX-200", "quantity": 0}]}', "Error: quantity"),
        ("lookup_promotions", '{"store_id": "XX-99"}', "Error: no store 'XX-99'"),
        ("lookup_promotions", '{"date": "next friday"}', "Error: date must be YYYY-MM-DD"),
        ("delete_everything", "{}", "Error: unknown tool 'delete_everything'"),
    ],
)
async def test_run_tool_turns_model_mistakes_into_readable_errors(
    tools: KnowledgeBaseTools, name: str, arguments: str, error: str
) -> None:
    result = await run_tool(tools, name=name, arguments=arguments, question=AT_SH01)
    assert not result.ok
    assert result.text.startswith(error)


def test_every_tool_definition_has_an_implementation() -> None:
    names = {tool["function"]["name"] for tool in TOOL_DEFINITIONS}
    assert names == {"lookup_promotions", "quote_price", "promotion_contact"}


def test_the_contact_is_the_one_for_the_asking_store() -> None:
    lumiere = load_knowledge_base(
        Path(__file__).resolve().parents[2] / "knowledge_base/samples/lumiere-beauty"
    )
    tools = KnowledgeBaseTools(knowledge=lumiere, default_contact=DEFAULT_CONTACT)
    in_paris = Question("", store_id="PAR-01", asked_at=REFERENCE_TIME)
    in_london = Question("", store_id="LON-01", asked_at=REFERENCE_TIME)
    assert "Claire Dubois" in tools.contact(in_paris, promotion="black-friday")
    assert "Priya Shah" in tools.contact(in_london, promotion="black-friday")
