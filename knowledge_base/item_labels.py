"""The words an answer names a product by: its code where clerks say codes, else its name.

A chain whose codes are mostly model codes of letters and a number ("AX-200", "SK-VC30")
is one whose clerks say codes, even its few without a number ("SK-WOOL"). Elsewhere a code
of letters only ("RC-SKYLARK", "PL-HOPSY", "MB-RDG") is a stock key: spoken, it is letters
run together, so the answer says the product's name instead ("the Skylark Mini Drone").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from knowledge_base.models import Product


def speakable_code(sku: str) -> bool:
    """Whether clerks say this code as it is: it holds a number ("AX-200", not "PL-HOPSY")."""
    return any(c.isdigit() for c in sku)


def codes_said(products: Iterable[Product]) -> bool:
    """Whether the chain's clerks say its codes: most of them hold a number."""
    codes = [p.sku for p in products]
    return sum(map(speakable_code, codes)) * 2 > len(codes)


def spoken_items(text: str, products: Iterable[Product]) -> tuple[str, list[Product]]:
    """``text`` with each unspeakable code after "the" or a count said as the product's name.

    Only the answer's own wording is changed ("the PL-HOPSY", "4 PL-HOPSY"); a code quoted
    inside the chain's own text ("the puzzle PZ-DANUBE") stays. Returns the products so named.
    """
    named: list[Product] = []
    catalogue = list(products)
    if codes_said(catalogue):
        return text, named
    for product in catalogue:
        if product.sku not in text or speakable_code(product.sku):
            continue
        code = re.compile(rf"\b((?:the|The|\d+) ){re.escape(product.sku)}(?![\w-])")
        text, count = code.subn(_said_as(product.name.en), text)
        if count:
            named.append(product)
    return text, named


def _said_as(name: str) -> Callable[[re.Match[str]], str]:
    """A replacement that keeps the article or count before a code and says ``name``."""

    def replace(match: re.Match[str]) -> str:
        return match.group(1) + name

    return replace
