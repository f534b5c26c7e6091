"""A name given as another name of one thing must name only that thing.

A rule set's ``name:`` and ``aliases:`` ("Grand Sunday") are names of its promotion to the
question reader; one that is also another promotion's title, alias or rule-set name would
make a question about one offer an answer about the other, so it is an error
(``name_clash``) at the rule set's line.

A store's or region's ``aliases:`` ("Athens" for Athína Kolonáki) are names of that place;
one that names a product, category or promotion, another store (its code, name or an alias
of a store in another city) or another region is an error (``name_clash``) at the alias.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base.promotion_names import names_of, promotion_names
from knowledge_base.words import compact

if TYPE_CHECKING:
    from knowledge_base.issues import Issues
    from knowledge_base.knowledge import KnowledgeBase
    from knowledge_base.models import Promotion, RegionsFile
    from knowledge_base.yaml_source import YamlDocument


def check_rule_set_names(issues: Issues, docs: list[tuple[YamlDocument, Promotion]]) -> None:
    """Record every rule-set name another promotion also answers to."""
    owners: dict[str, set[str]] = {}
    for _, promotion in docs:
        for name in [promotion.id, *promotion_names(promotion)]:
            owners.setdefault(compact(name), set()).add(promotion.id)
    for doc, promotion in docs:
        for index, rule_set in enumerate(promotion.rule_sets):
            for name in names_of(rule_set):
                others = sorted(owners.get(compact(name), set()) - {promotion.id})
                if others:
                    issues.add(
                        doc,
                        ("rule_sets", index, "name"),
                        f"rule set name {name!r} also names {', '.join(others)}",
                        code="name_clash",
                    )


def _entity_names(knowledge: KnowledgeBase) -> dict[str, str]:
    """Compact name -> what it names ("product ST-01"), for products, categories, promotions."""
    owners: dict[str, str] = {}
    for product in knowledge.products.values():
        for name in [product.sku, product.name.en, product.name.zh_cn or "", *product.aliases]:
            owners.setdefault(compact(name), f"product {product.sku}")
    for category in knowledge.categories.values():
        for name in [category.id, category.name.en, category.name.zh_cn or "", *category.aliases]:
            owners.setdefault(compact(name), f"category {category.id}")
    for promotion in knowledge.promotions.values():
        for name in [promotion.id, *promotion_names(promotion)]:
            owners.setdefault(compact(name), f"promotion {promotion.id}")
    owners.pop("", None)
    return owners


def check_place_aliases(
    issues: Issues, doc: YamlDocument, regions: RegionsFile, knowledge: KnowledgeBase
) -> None:
    """Record every store or region alias that also names something else."""
    owners = _entity_names(knowledge)
    cities: dict[str, str] = {}  # store id -> its city, the first word of its name
    for region in regions.regions:
        for name in [region.id, region.name.en, region.name.zh_cn or ""]:
            owners.setdefault(compact(name), f"region {region.id}")
        for store in region.stores:
            cities[store.id] = compact(store.name.en.split()[0]) if store.name.en.split() else ""
            for name in [store.id, store.name.en, store.name.zh_cn or ""]:
                owners.setdefault(compact(name), f"store {store.id}")
    owners.pop("", None)
    aliased: dict[str, list[str]] = {}  # alias -> "store X" / "region Y" that carry it
    for region in regions.regions:
        for alias in region.aliases:
            aliased.setdefault(compact(alias), []).append(f"region {region.id}")
        for store in region.stores:
            for alias in store.aliases:
                aliased.setdefault(compact(alias), []).append(f"store {store.id}")

    def clash(path: tuple[str | int, ...], alias: str, own: str, city: str | None) -> None:
        form = compact(alias)
        others = [owners[form]] if form in owners and owners[form] != own else []
        for other in aliased.get(form, []):
            kind, key = other.split(" ", 1)
            same_city = kind == "store" and city is not None and cities.get(key) == city
            if other != own and not same_city:
                others.append(other)
        if others:
            names = ", ".join(dict.fromkeys(others))
            issues.add(doc, path, f"alias {alias!r} also names {names}", code="name_clash")

    for i, region in enumerate(regions.regions):
        for k, alias in enumerate(region.aliases):
            clash(("regions", i, "aliases", k), alias, f"region {region.id}", None)
        for j, store in enumerate(region.stores):
            for k, alias in enumerate(store.aliases):
                path = ("regions", i, "stores", j, "aliases", k)
                clash(path, alias, f"store {store.id}", cities[store.id])
