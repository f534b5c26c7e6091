"""English cue words for what a question asks besides its intent.

A topic only FAQs answer, whether two offers stack, a start or an end, which offer, where an
offer runs or is left out, a list of offers, members. The Chinese ones are in
:mod:`knowledge_base.cues_zh`; the intents' own cue words in :mod:`knowledge_base.cues`.
"""

from __future__ import annotations

# Topics that only FAQs answer: they send a question to the FAQs even without "what do I say".
FAQ_TOPICS_EN = (" coupon", " voucher", " combine", " combined", " combination", " mix ")
# Whether two offers combine on one item ("does Double 12 stack with the boots offer?").
STACK_EN = (
    " combin",
    " stack",
    " together",
    " on top of ",
    " use both ",
    " get both ",
    " on the same ",
    " at the same time ",
)
START_EN = (" start", " begin", " launch", " from when ", " when is ")
END_EN = (
    " end ",
    " ends ",
    " ending ",
    " until ",
    " till ",
    " last day ",
    " finish",
    " expire",
    " expiry ",
    " how long ",
    " still on ",
    " still running ",
    " still run ",
    " still runs ",
    " still valid ",
    " still going ",
    " still active ",
    " is it over ",
)
# Asks which offer something belongs to: the answer names it.
WHICH_EN = (
    " which offer ",
    " what offer ",
    " which promotion ",
    " what promotion ",
    " which deal ",
    " what deal ",
    " which sale ",
    " which one ",
)
# Asks where an offer runs ("which stores have ...", "which shops are left out of ...").
WHERE_EN = (
    " which store",
    " what store",
    " which shop",
    " what shop",
    " which branch",
    " where does ",
    " where is ",
    " wheres ",
    " where are ",
    " in every store ",
    " in all stores ",
    " in all our stores ",
    " at every store ",
    " at all stores ",
)
LEFT_OUT_EN = (" left out", " exclude", " not in ", " not part of ", " doesn t run ", " isn t ")
LIST_EN = (
    " what offers ",
    " what promotions ",
    " which offers ",
    " which promotions ",
    " whats on ",
    " what is on ",
    " any offers ",
    " what deals ",
    " all offers ",
    " all promotions ",
    " offers today ",
    " promotions today ",
    " offers are on ",
    " promotions are on ",
)
UPCOMING_EN = (
    " coming up ",
    " coming next ",
    " coming soon ",
    " whats next ",
    " what s next ",
    " what is next ",
    " upcoming ",
    " next offer ",
    " next promotion ",
    " next sale ",
    " whats coming ",
    " what s coming ",
    " what is coming ",
    " anything coming ",
    " offers are coming ",
    " anything starting ",
    " anything new starting ",
    " whats starting ",
    " what s starting ",
    " what is starting ",
    " starting soon ",
    " starting this week ",
    " starting next week ",
    " go on offer ",
    " go on sale ",
    " goes on offer ",
    " goes on sale ",
    " going on offer ",
    " going on sale ",
    " discounted yet ",
    " on offer yet ",
    " on sale yet ",
    " reduced yet ",
)
"""Asks which offers start next ("what's coming up?", "anything new starting this week?")."""
MEMBER_EN = (" member", " loyalty ")
NON_MEMBER_EN = (
    " non member",
    " nonmember",
    " not a member",
    " not members",
    " no member",
    " without a card",
    " without the card",
    " without membership",
    " without a membership",
)
"""Asked for someone who is not a member ("3 kaze tablets for a non member"): the price for
everyone, never the member price. Checked before :data:`MEMBER_EN`, which they contain."""
