"""Values computed once per loaded knowledge base, and dropped with it.

``functools.lru_cache`` would keep old knowledge bases alive after a reload; this cache holds
them weakly, so a reloaded chain's vocabulary goes when nothing uses the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeVar
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from knowledge_base.knowledge import KnowledgeBase

T = TypeVar("T")


def per_knowledge(build: Callable[[KnowledgeBase], T]) -> Callable[[KnowledgeBase], T]:
    """Decorate ``build(knowledge)`` to run once per knowledge base object."""
    cache: WeakKeyDictionary[KnowledgeBase, T] = WeakKeyDictionary()

    @wraps(build)
    def cached(knowledge: KnowledgeBase) -> T:
        found = cache.get(knowledge)
        if found is None:
            found = cache[knowledge] = build(knowledge)
        return found

    return cached
