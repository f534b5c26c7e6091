"""A rule set's name must name only its own promotion.

A rule set's ``name:`` and ``aliases:`` ("Grand Sunday") are names of its promotion to the
question reader; one that is also another promotion's title, alias or rule-set name would
make a question about one offer an answer about the other, so it is an error
(``name_clash``) at the rule set's line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from knowledge_base.promotion_names import names_of, promotion_names
from knowledge_base.words import compact

if TYPE_CHECKING:
    from knowledge_base.issues import Issues
    from knowledge_base.models import Promotion
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
