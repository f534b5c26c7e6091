"""Words ordinary in any question, which no knowledge base needs to contain.

The question reader passes over them when it looks for names and for words it does not know.
"""

from __future__ import annotations

GENERIC_WORDS = frozenset(
    """today now right still currently moment this week weekend tomorrow yesterday store shop
    here there offer offers promotion promotions sale sales deal deals discounted discount cheap
    cheaper buy buying bought get item items one pair pairs piece pieces unit units much many
    price prices cost costs pay total thing things know want wants need needs like also
    stores shops
    currently running run runs work works available on off go going see look looking
    please okay ok hey promo hi hello thanks thank mate monday tuesday wednesday thursday
    friday saturday sunday next coming soon day days morning afternoon evening tonight use using
    used happen happens happening well too either anything something everything""".split()
)

MONEY_WORDS = frozenset(
    """euro euros dollar dollars pound pounds yen yuan renminbi peso pesos krona kronor krone
    kroner franc francs zloty zlotys sol soles real reais forint koruna cash card cards
    currency currencies amount amounts full credit points""".split()
)
"""What and how a customer pays: "pay in euros", "in full", "the trade in amount" name a
currency or a sum, never a place not heard."""
