"""Checks of the money in promotion rules: every currency given, no discount past the spend."""

from __future__ import annotations

from collections.abc import Callable

from knowledge_base.issues import Issues
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import AmountOff, Prices, Promotion, Rule, SpendThreshold
from knowledge_base.yaml_source import Path_, YamlDocument


def check_money(
    knowledge: KnowledgeBase, issues: Issues, doc: YamlDocument, promotion: Promotion
) -> None:
    """Every amount of every rule is given in each currency the promotion's regions sell in."""
    currencies = sorted(
        {knowledge.regions[r].currency for r in promotion.regions if r in knowledge.regions}
    )

    def need(prices: Prices, path: Path_) -> None:
        missing = [c for c in currencies if c not in prices]
        if missing:
            issues.add(
                doc,
                path,
                f"no amount in {', '.join(missing)} (the promotion's regions sell in it)",
                code="missing_currency",
            )

    for index, rule_set in enumerate(promotion.all_rule_sets):
        base: Path_ = () if index == 0 else ("rule_sets", index - 1)
        for i, rule in enumerate(rule_set.rules):
            _check_rule_money(issues, doc, (*base, "rules", i), rule, need)


def _check_rule_money(
    issues: Issues, doc: YamlDocument, at: Path_, rule: Rule, need: Callable[[Prices, Path_], None]
) -> None:
    if isinstance(rule, AmountOff):
        need(rule.amount, (*at, "amount"))
    elif isinstance(rule, SpendThreshold):
        for j, tier in enumerate(rule.tiers):
            need(tier.spend, (*at, "tiers", j, "spend"))
            need(tier.off, (*at, "tiers", j, "off"))
            for code, off in tier.off.items():
                spend = tier.spend.get(code)
                if spend is not None and off > spend:
                    issues.add(
                        doc,
                        (*at, "tiers", j, "off"),
                        f"takes off more ({off} {code}) than the spend ({spend} {code})",
                        code="threshold_off_exceeds_spend",
                    )
