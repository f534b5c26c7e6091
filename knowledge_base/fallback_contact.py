"""Who to ask when the assistant does not know: the chain's default contact, else the built-in.

One rule for every answerer (the grounded one's "I don't know" and the facts an LLM answerer
is given): the ``default:`` of the chain's ``contacts.yaml``, spoken with the ways written
there; only a chain that sets none falls back to the ``answerer.contact`` setting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base.phrasing import contact_fact, contact_phrase

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase


def fallback_contact(knowledge: KnowledgeBase, built_in: str, zh: bool) -> tuple[str, list[str]]:
    """The contact as spoken, and the fact lines that back it."""
    chain_contact = knowledge.default_contact
    if chain_contact is None:
        return built_in, [f"default contact: {built_in}"]
    facts = [contact_fact(chain_contact)]
    if chain_contact.team.zh_cn:
        facts.append(chain_contact.team.zh_cn)
    return contact_phrase(chain_contact, zh), facts
