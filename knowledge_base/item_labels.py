"""The words an answer names a product by: its code where clerks say codes, else its name.

A chain whose codes are mostly model codes of letters and a number ("AX-200", "SK-VC30")
is one whose clerks say codes, even its few without a number ("SK-WOOL"). Elsewhere a code
of letters only ("RC-SKYLARK", "PL-HOPSY", "MB-RDG") is a stock key: spoken, it is letters
run together, so the answer says the product's name instead ("the Skylark Mini Drone"). In
such a chain a Chinese answer says each product's Chinese name where the catalogue gives
one ("疾风3", not "QF-FENG3"): that is what its Chinese-speaking clerks call it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from knowledge_base.models import Product


def speakable_code(sku: str) -> bool:
    """Whether clerks say this code as it is: it holds a number ("AX-200", not "PL-HOPSY")."""
    return any(c.isdigit() for c in sku)


def codes_said(products: Iterable[Product]) -> bool:
    """Whether the chain's clerks say its codes: most of them hold a number."""
    codes = [p.sku for p in products]
    return sum(map(speakable_code, codes)) * 2 > len(codes)


@dataclass(frozen=True, slots=True)
class ItemLabels:
    """How a chain's answers name each product, decided once per knowledge base."""

    names: Mapping[str, str]
    """The English name said for each code nobody says; codes not here are said as they are."""
    zh_names: Mapping[str, str]
    """The Chinese name said in Chinese answers, where codes are not said and it has one."""

    @classmethod
    def of(cls, products: Iterable[Product]) -> ItemLabels:
        """The labels for a catalogue: names for its unspeakable codes, unless codes are said."""
        catalogue = list(products)
        if codes_said(catalogue):
            return cls(names={}, zh_names={})
        return cls(
            names={p.sku: p.name.en for p in catalogue if not speakable_code(p.sku)},
            zh_names={p.sku: p.name.zh_cn for p in catalogue if p.name.zh_cn},
        )

    def label(self, sku: str, zh: bool = False) -> str:
        """What an answer calls the product ``sku`` ("the {label} is ...")."""
        if zh:
            return self.zh_names.get(sku, sku)
        return self.names.get(sku, sku)

    def said_by_name(self, sku: str, zh: bool = False) -> bool:
        """Whether :meth:`label` says the product's name instead of its code."""
        return sku in (self.zh_names if zh else self.names)
