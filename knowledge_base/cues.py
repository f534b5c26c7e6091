"""The English words that tell a question's intent, and the intents in the order they are tried.

The Chinese ones are in :mod:`knowledge_base.cues_zh`; the cue words for what a question asks
besides its intent (start, end, stacking, where, ...) in :mod:`knowledge_base.role_cues`.

Keyword lists cover the words clerks use and the ways speech recognition writes them; the
reader (:mod:`knowledge_base.understanding`) also accepts a single word one letter off a cue
word ("todal" for "total"), through :class:`~knowledge_base.cue_speller.CueSpeller`.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from knowledge_base.role_cues import END_EN, FAQ_TOPICS_EN, START_EN


class Intent(StrEnum):
    """The kind of question."""

    TARGETS = "targets"
    STAFFING = "staffing"
    CONTACT = "contact"
    CHANGES = "changes"
    LIMIT = "limit"
    """How many units one customer gets at the offer price."""
    FAQ = "faq"
    """What to say to a customer (FAQ answer or talk track)."""
    DATES = "dates"
    PRICE = "price"
    DISCOUNT = "discount"
    IN_OFFER = "in_offer"
    OVERVIEW = "overview"
    UNKNOWN = "unknown"


# English keys are matched against " word word ... " (normalised tokens, spaces around).
EN: dict[Intent, tuple[str, ...]] = {
    # "target" without a leading space: Whisper writes "sell-through target" as "self-retarget".
    Intent.LIMIT: (
        " limit ",
        " cap ",
        " how many pairs ",
        " how many items ",
        " how many units ",
        " customer can buy ",
        " limits ",
        " limited to ",
        " per customer ",
        " per person ",
        " each customer ",
        " per shopper ",
        " each shopper ",
        " 1 shopper ",
        " 1 customer ",
        " 1 person ",
        " a customer buy ",
        " how many can ",
        " how many discounted ",
        " maximum ",
        " at most ",
        " max ",
    ),
    Intent.TARGETS: ("target", " kpi", " quota", " goal", " sell through", " sellthrough"),
    Intent.STAFFING: (
        " staffing",
        " staff plan",
        " extra staff",
        " staff on ",
        " how many staff",
        " rota ",
        " shift",
        " execution ",
        " execute ",
        " manpower ",
        " manager notes ",
        " notes for store manager",
        " notes for the store manager",
        " notes for managers ",
        " store manager notes ",
        " people on the floor ",
        " how many people ",
    ),
    Intent.CONTACT: (
        " contact",
        " how do i reach ",
        " how can i reach ",
        " extension ",
        " phone number ",
        " responsible ",
        " in charge ",
        " who do i call ",
        " who should i call ",
        " who can i call ",
        " who to call ",
        " who do i ring ",
        " who should i ring ",
        " who can i ring ",
        " who to ring ",
        " ring about ",
        " who do i phone ",
        " who should i phone ",
        " phone about ",
        " who do i ask ",
        " who should i ask ",
        " who can i ask ",
        " who to ask ",
        " who do i talk to ",
        " talk to about ",
        " talk to for ",
        " who should i talk to ",
        " who can i talk to ",
        " who to talk to ",
        " who should i speak to ",
        " who do i speak to ",
        " who handles ",
        " who runs ",
        " call about ",
        " who looks after ",
        " who is looking after ",
        " who owns ",
        " who manages ",
        " who organises ",
        " who organizes ",
        " who knows about ",
        " who s the owner ",
        " whos the owner ",
        " point person ",
        " go to person ",
    ),
    Intent.CHANGES: (
        " changed ",
        " change ",
        " changes ",
        " whats new ",
        " what s new ",
        " what is new ",
        " whats different ",
        " what is different ",
        " updated ",
        " update ",
        " version ",
        " revised ",
        " used to be ",
        " use to be ",
        " the old offer ",
        " the previous offer ",
        " the original offer ",
        " the earlier offer ",
        " published ",
        " publish ",
        " announced ",
    ),
    Intent.FAQ: (
        " what do i say ",
        " what should i say ",
        " what do i tell ",
        " what should i tell ",
        " how do i explain ",
        " how should i explain ",
        " how do i answer ",
        " how do i respond ",
        " customer asks ",
        " customer wants to know ",
        " customer asked ",
        " pitch ",
        " talk track ",
        " script ",
        " wording ",
        " what to say ",
        " what to tell ",
        " give me the line ",
        " the line for ",
        " my line for ",
        " a line for ",
    ),
    Intent.DATES: (
        *END_EN,
        " start",
        " begin",
        " launch",
        " when is ",
        " when does ",
        " when do ",
        " what date ",
        " which day ",
        " what day ",
    ),
    Intent.PRICE: (
        " price",
        " cost",
        " pay ",
        " pays ",
        " total ",
        " quote ",
        " how much is ",
        " how much are ",
        " how much does ",
        " how much do ",
        " how much for ",
        " how much would ",
        " how much will ",
        " how much ",
        " charge ",
        " come to ",
        " comes to ",
        " add up to ",
        " adds up to ",
        " ring up ",
    ),
    Intent.DISCOUNT: (
        " discount",
        " how much off ",
        " percent",
        " off ",
        " saving",
        " save ",
        " deal ",
        " reduced ",
        " reduction ",
        " cheaper ",
    ),
    Intent.IN_OFFER: (
        " included ",
        " include ",
        " includes ",
        " part of ",
        " count ",
        " counts ",
        " on sale ",
        " eligible ",
        " on offer ",
        " on promotion ",
        " covered ",
        " qualif",
        " any offer",
        " any deal",
        " any promotion",
        " excluded ",
        " exclude",
        " in the ",
    ),
    Intent.OVERVIEW: (
        " tell me about ",
        " what is the ",
        " whats the ",
        " what s the ",
        " explain ",
        " what offers ",
        " what promotions ",
        " which offers ",
        " which promotions ",
        " whats on ",
        " what s on ",
        " what is on ",
        " any offers ",
        " what deals ",
        " how does ",
        " how do ",
    ),
}
ORDER = (
    Intent.TARGETS,
    Intent.STAFFING,
    Intent.CONTACT,
    Intent.CHANGES,
    Intent.LIMIT,
    Intent.FAQ,
    Intent.DATES,
    Intent.PRICE,
    Intent.DISCOUNT,
    Intent.IN_OFFER,
    Intent.OVERVIEW,
)


@cache
def cue_words() -> frozenset[str]:
    """Single English cue words of five letters or more ("total", "discount", "member")."""
    words = {"member", "members", "limit"}
    for keys in (*EN.values(), FAQ_TOPICS_EN, START_EN, END_EN):
        for key in keys:
            word = key.strip()
            if word.isalpha() and " " not in word and len(word) >= 5:
                words.add(word)
    return frozenset(words)
