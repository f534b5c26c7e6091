"""Where an offer runs: which stores take part, which are left out.

:class:`StoreAnswers` answers "which stores have the running offer?" and "which stores
are left out of it?" from the promotion's scope (regions, the stores listed, the stores
excluded), and says which stores of a city or region named take part when only some do
("Is it on in Shanghai?": "The X runs at A and B, not at C").
"""

from __future__ import annotations

from knowledge_base.answer_core import Turn
from knowledge_base.answer_focus import AnswerFocus
from knowledge_base.answering import Answer
from knowledge_base.models import Promotion
from knowledge_base.phrasing import join, title

FEW_STORES = 4
"""At most this many stores, and fewer than half, are named when an offer runs only there."""


class StoreAnswers(AnswerFocus):
    """Answers about the stores an offer runs at."""

    def _store_names(self, turn: Turn, store_ids: list[str]) -> list[str]:
        lang = "zh-CN" if turn.zh else "en"
        names = [self._kb.store(s).name.best(lang) for s in store_ids]
        for store_id, name in zip(store_ids, names, strict=True):
            turn.fact(f"store {store_id} {name}")
        return names

    def _stores_split(self, turn: Turn, promotion: Promotion) -> tuple[list[str], list[str]] | None:
        """Names of the stores named (a city, a region) in and out of ``promotion``.

        ``None`` unless several stores are named and some of them are in it.
        """
        if len(turn.parsed.stores) < 2:
            return None
        scope = self._kb.scope_stores(promotion)
        inside = [s for s in turn.parsed.stores if s in scope]
        outside = [s for s in turn.parsed.stores if s not in scope]
        if not inside:
            return None
        return self._store_names(turn, inside), self._store_names(turn, outside)

    def _only_at(self, turn: Turn, promotion: Promotion) -> list[str]:
        """Where an offer runs, when only a few stores have it: said after "not at <store>".

        "Does Bologna have the office offer?": it does not, and the clerk can send the
        customer to the few stores that do.
        """
        scope = self._kb.scope_stores(promotion)
        inside = [s for s in self._kb.stores if s in scope]
        regions = [] if turn.zh else self._whole_regions(inside)
        if regions and len(inside) > FEW_STORES:
            return [f"It runs only in {join(regions, turn.zh)}"]  # "only in Croatia"
        if not inside or len(inside) > FEW_STORES or 2 * len(inside) > len(self._kb.stores):
            return []
        names = join(self._store_names(turn, inside), turn.zh)
        if regions:
            return [f"It runs only in {join(regions, turn.zh)}, at {names}"]
        return [f"只有{names}参加" if turn.zh else f"It runs only at {names}"]

    def _whole_regions(self, store_ids: list[str]) -> list[str]:
        """The regions ``store_ids`` are every store of, when they are just those (or none).

        "Is Pinca Days on in Belgrade?": it runs only in Croatia, which says why, not only at
        four stores the clerk must recognise as Croatia's.
        """
        held = set(store_ids)
        whole = [r for r in self._kb.regions.values() if {s.id for s in r.stores} <= held]
        if not whole or len(whole) == len(self._kb.regions):
            return []
        if {s.id for r in whole for s in r.stores} != held:
            return []
        return [r.name.best("en") for r in whole]

    def _where(self, turn: Turn) -> Answer | None:
        """Which stores have the X, or are left out of it ("which stores ... ?")."""
        focus = self._focus(turn) if turn.parsed.promotions else []
        if not focus:
            return None
        promotion = focus[0][0]
        self._promotion_facts(turn, promotion)
        zh = turn.zh
        name = title(promotion, zh)
        scope = self._kb.scope_stores(promotion)
        if turn.parsed.stores:  # "which Tokyo stores ...": those of the place named
            return self._where_among(turn, promotion, turn.parsed.stores)
        every = list(self._kb.stores)
        inside = self._store_names(turn, [s for s in every if s in scope])
        outside = self._store_names(turn, [s for s in every if s not in scope])
        if not outside:
            said = f"所有门店都参加{name}" if zh else f"The {name} runs at every store"
            return self._done(turn, [said])
        if turn.parsed.asks_left_out:
            left_out = [s for s in every if s not in scope]
            if len(left_out) == 1:
                # The answer is about the one store left out, not the clerk's own: a follow-up
                # ("why is it not in it?") is about that store too.
                turn.store_id, turn.named_store = left_out[0], True
            if zh:
                return self._done(turn, [f"{join(outside, zh)}不参加{name}", "其他门店都参加"])
            return self._done(
                turn,
                [f"The {name} does not run at {join(outside, zh)}", "It runs at every other store"],
            )
        if len(outside) < len(inside):
            said = (
                f"除{join(outside, zh)}外，所有门店都参加{name}"
                if zh
                else f"The {name} runs at every store but {join(outside, zh)}"
            )
        else:
            said = (
                f"只有{join(inside, zh)}参加{name}"
                if zh
                else f"The {name} runs only at {join(inside, zh)}"
            )
            # A store its own regions hold but it leaves out is the one a clerk may expect.
            left_out = [s for s in promotion.exclude_stores if s in self._kb.stores]
            if left_out and not zh:
                said += f", not at {join(self._store_names(turn, left_out), zh)}"
        return self._done(turn, [said])

    def _where_among(self, turn: Turn, promotion: Promotion, store_ids: list[str]) -> Answer:
        """Which of the stores named (a city's, a region's) have ``promotion``."""
        zh = turn.zh
        name = title(promotion, zh)
        scope = self._kb.scope_stores(promotion)
        inside = self._store_names(turn, [s for s in store_ids if s in scope])
        outside = self._store_names(turn, [s for s in store_ids if s not in scope])
        if not inside:
            said = (
                f"{join(outside, zh)}都不参加{name}"
                if zh
                else f"The {name} does not run at {join(outside, zh)}"
            )
        elif not outside:
            said = (
                f"{join(inside, zh)}都参加{name}"
                if zh
                else f"The {name} runs at {join(inside, zh)}"
            )
        elif zh:
            said = f"{join(inside, zh)}参加{name}，{join(outside, zh)}不参加"
        else:
            said = f"The {name} runs at {join(inside, zh)}, not at {join(outside, zh)}"
        return self._done(turn, [said])
