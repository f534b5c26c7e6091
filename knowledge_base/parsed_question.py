"""What a question asks, as read: :class:`ParsedQuestion`.

The reader that fills it is :mod:`knowledge_base.understanding`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge_base.cues import Intent
from knowledge_base.mentions import Mention
from knowledge_base.question_slots import When


@dataclass(slots=True)
class ParsedQuestion:
    """The parts of a question the answerer works from."""

    text: str
    chinese: bool
    intent: Intent
    words: list[str]
    mentions: list[Mention]
    products: list[str] = field(default_factory=list)
    """SKUs in the order heard."""
    quantities: dict[str, int] = field(default_factory=dict)
    """SKU -> units asked about (1 unless a number was heard before it)."""
    categories: list[str] = field(default_factory=list)
    promotions: list[str] = field(default_factory=list)
    member: bool = False
    non_member: bool = False
    """Asked for someone who is not a member ("for non members", "非会员")."""
    asks_start: bool = False
    asks_end: bool = False
    faq_topic: bool = False
    """Mentions something only FAQs answer (coupons, combining, mixing)."""
    asks_list: bool = False
    """Asks which promotions are on ("what offers are on today?")."""
    asks_upcoming: bool = False
    """Asks which promotions start next ("what's coming up?"); ``asks_list`` then too."""
    stores: list[str] = field(default_factory=list)
    """Stores named (by code, name, city or region), in the order heard; a city or region
    names all of its stores."""
    unknown_words: list[str] = field(default_factory=list)
    """Content words no part of the knowledge base or of the cue vocabulary uses."""
    corrected: dict[str, str] = field(default_factory=dict)
    """Heard word -> the cue word it was read as ("todal" -> "total")."""
    when: When | None = None
    """Another day than today the question is about ("tomorrow", "on Saturday")."""
    asks_stacking: bool = False
    """Asks whether offers combine ("does it stack with ...", "叠加")."""
    asks_still: bool = False
    """Asks whether something goes on ("still", "还"): an ended offer is nearer than a later one."""
    asks_which: bool = False
    """Asks which offer something is ("which offer gives ...", "哪个活动"): name it."""
    product_choices: list[str] = field(default_factory=list)
    """SKUs a lone word shared by their names may mean ("the helmet"), when none is named."""
    asks_where: bool = False
    """Asks which stores an offer runs at ("which stores have ...", "哪些店")."""
    asks_left_out: bool = False
    """Asks what is left out ("which stores are left out of ...")."""
    asks_unstated: bool = False
    """Asks a yes or no about a named offer on something no text of the chain mentions
    ("is delivery free with the X?"): the offer's file does not say."""

    @property
    def named_positions(self) -> set[int]:
        """Positions of the words that name something the knowledge base knows."""
        return {i for m in self.mentions for i in range(m.start, m.end)}

    @property
    def without_places_and_promotions(self) -> str:
        """The words that name no promotion and no store (products and categories stay)."""
        named = {
            i
            for m in self.mentions
            if m.kind in ("promotion", "store")
            for i in range(m.start, m.end)
        }
        return " ".join(w for i, w in enumerate(self.words) if i not in named)

    @property
    def residual(self) -> str:
        """The words that name no entity: what the question says *about* them."""
        named = {i for m in self.mentions for i in range(m.start, m.end)}
        return " ".join(w for i, w in enumerate(self.words) if i not in named)
