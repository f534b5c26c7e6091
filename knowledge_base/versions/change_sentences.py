"""What changed, as short spoken English sentences for clerks, filtered by the asker's role.

:func:`change_summary` is the "what changed?" answer; :func:`spoken_names` gives it the
names of the ids a change may mention.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Promotion, PromotionStatus
from knowledge_base.versions.change_lines import (
    change_label,
    change_rank,
    format_value,
    limit_text,
    rule_kind,
)
from knowledge_base.versions.diff import FieldChange, diff_promotions, path_names
from knowledge_base.versions.spoken import (
    rule_set_sentence,
    rule_text,
    spoken_amount_sentence,
    spoken_end,
    spoken_name,
    spoken_time,
)

# Fields a role may hear about (the same rule the answers follow).
_RESTRICTED: dict[str, frozenset[Role]] = {
    "store_manager_notes": frozenset({Role.STORE_MANAGER, Role.REGIONAL_MANAGER, Role.HQ}),
    "regional_manager_targets": frozenset({Role.REGIONAL_MANAGER, Role.HQ}),
}
# Bookkeeping nobody needs read aloud.
_UNSPOKEN = frozenset({"changes", "aliases", "published_at"})


def change_summary(
    old: Promotion | str,
    new: Promotion | str,
    *,
    role: Role = Role.CLERK,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """Short spoken English sentences saying what changed, for the "what changed?" answer.

    Every number in them comes from one of the two versions. Notes and targets the
    ``role`` may not hear are left out; aliases and change notes are not spoken.

    Args:
        old: The earlier version (model or YAML text).
        new: The later version.
        role: Who asks.
        names: Spoken names of ids (SKUs, categories, regions, promotions, contacts), e.g.
            from :func:`spoken_names`; ids without a name are spoken with spaces for hyphens.
    """
    known = names or {}
    changes = [change for change in diff_promotions(old, new) if _audible(change, role)]
    changes.sort(key=lambda change: change_rank(path_names(change.path)[0]))
    sentences: list[str] = []
    for change in changes:
        sentence = _sentence(change, known)
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _audible(change: FieldChange, role: Role) -> bool:
    top = path_names(change.path)[0]
    return top not in _UNSPOKEN and (top not in _RESTRICTED or role in _RESTRICTED[top])


def spoken_names(knowledge: KnowledgeBase) -> dict[str, str]:
    """English names of every id a change may mention: SKUs, categories, regions, ..."""
    names: dict[str, str] = {}
    names.update({sku: product.name.en for sku, product in knowledge.products.items()})
    names.update({cid: category.name.en for cid, category in knowledge.categories.items()})
    names.update({rid: region.name.en for rid, region in knowledge.regions.items()})
    names.update({pid: promotion.title.en for pid, promotion in knowledge.promotions.items()})
    names.update({cid: contact.name for cid, contact in knowledge.contacts.items()})
    names.update({code: currency.name.en for code, currency in knowledge.currencies.items()})
    return names


def _sentence(change: FieldChange, names: Mapping[str, str]) -> str:  # noqa: C901
    fields = path_names(change.path)
    label = change_label(change)
    old, new = change.old, change.new
    kind = change.kind
    if label in {"discount", "member discount", "extra member discount"}:
        if kind == "changed":
            direction = "went up" if Decimal(str(new)) > Decimal(str(old)) else "went down"
            return f"The {label} {direction} from {old} percent to {new} percent."
        if kind == "added":
            return f"There is now a {label} of {new} percent."
        return f"The {label} of {old} percent was removed."
    amount = spoken_amount_sentence(change, rule_kind(change), names)
    if amount is not None:
        return amount
    if fields[:1] == ("rule_sets",):
        return rule_set_sentence(change, names)
    if fields == ("rules",):
        if kind == "added":
            return f"There is a new rule: {rule_text(new)}."
        return f"This rule no longer applies: {rule_text(old)}."
    if fields in {("window", "start"), ("window", "end")}:
        verb = "starts" if fields[1] == "start" else "ends"
        say = spoken_time if fields[1] == "start" else spoken_end
        if kind == "changed":
            return f"It now {verb} on {say(str(new))} instead of {say(str(old))}."
    if fields == ("scope", "exclude_skus"):
        if kind == "added":
            return f"The {spoken_name(new, names)} is now excluded."
        return f"The {spoken_name(old, names)} is no longer excluded."
    if fields == ("scope", "skus"):
        if kind == "added":
            return f"The {spoken_name(new, names)} is now included."
        return f"The {spoken_name(old, names)} is no longer included."
    if fields == ("scope", "categories"):
        if kind == "added":
            return f"{spoken_name(new, names).capitalize()} are now included."
        return f"{spoken_name(old, names).capitalize()} are no longer included."
    if fields == ("regions",):
        if kind == "added":
            return f"It now also runs in {spoken_name(new, names)}."
        return f"It no longer runs in {spoken_name(old, names)}."
    if fields == ("stores",):
        if kind == "added":
            return f"Store {new} now takes part."
        return f"Store {old} no longer takes part."
    if fields == ("status",):
        return {
            PromotionStatus.PUBLISHED.value: "It is now published.",
            PromotionStatus.RETIRED.value: "It has been withdrawn.",
            PromotionStatus.DRAFT.value: "It is back in draft.",
        }.get(str(new), f"Its status is now {new}.")
    if fields == ("limit",):
        if kind == "changed":
            return f"The limit is now {limit_text(new)} instead of {limit_text(old)}."
        if kind == "added":
            return f"There is now a limit of {limit_text(new)}."
        return "There is no longer a purchase limit."
    if fields == ("stacking", "not_with"):
        if kind == "added":
            return f"It can no longer be combined with {spoken_name(new, names)}."
        return f"The rule against combining it with {spoken_name(old, names)} was removed."
    if fields == ("stacking", "stacks_with"):
        if kind == "added":
            return f"It can now be combined with {spoken_name(new, names)}."
        return f"It no longer combines with {spoken_name(old, names)}."
    if fields == ("stacking", "exclusive"):
        if new:
            return "It can no longer be combined with any other promotion."
        return "It is no longer exclusive."
    if fields == ("contact",):
        if not new:
            return "The contact was removed."
        return f"The contact is now {spoken_name(new, names)}."
    if fields[:1] == ("title",) and kind == "changed" and fields[1:] in {(), ("en",)}:
        return f"It is now called {new}."
    if fields[:1] == ("title",):
        return "The title was updated."
    if fields[:1] == ("talk_track",):
        return "The talk track was updated."
    if fields[:1] == ("faqs",):
        question = format_value(change.context or new or old, change)
        if kind == "added" and len(fields) == 1:
            return f"There is a new FAQ: {question}"
        if kind == "removed" and len(fields) == 1:
            return f"A FAQ was removed: {question}"
        return f"The answer changed for: {question}"
    if fields[:1] in {("store_manager_notes",), ("regional_manager_targets",)}:
        what = "store manager note" if fields[0] == "store_manager_notes" else "regional target"
        if kind == "added":
            return f"New {what}: {format_value(new, change)}"
        if kind == "removed":
            return f"A {what} was removed: {format_value(old, change)}"
        return f"A {what} changed: {format_value(new, change)}"
    spoken = label.replace("_", " ").replace(".", " ").replace("[", " ").replace("]", "")
    if kind == "changed":
        return (
            f"The {spoken} changed from {format_value(old, change)} to {format_value(new, change)}."
        )
    if kind == "added":
        return f"The {spoken} is now {format_value(new, change)}."
    return f"The {spoken} {format_value(old, change)} was removed."
