"""What changed, in words: lines for headquarters, short spoken sentences for clerks.

:func:`change_lines` renders a diff for headquarters (``discount: 15 percent -> 20 percent``),
:func:`change_summary` as short spoken English sentences for the "what changed?" answer,
filtered by the asker's role.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Limit, Promotion, PromotionStatus
from knowledge_base.phrasing import per_customer
from knowledge_base.versions.diff import FieldChange, Item, diff_promotions, path_names
from knowledge_base.versions.records import PromotionVersion, PromotionVersionRepository
from knowledge_base.versions.spoken import (
    rule_set_sentence,
    rule_text,
    spoken_amount_sentence,
    spoken_end,
    spoken_name,
    spoken_time,
)
from knowledge_base.windows import end_text

_LINE_LABELS: dict[tuple[str, ...], str] = {
    ("window", "start"): "start",
    ("window", "end"): "end",
    ("scope", "exclude_skus"): "exclusions",
    ("scope", "skus"): "products",
    ("scope", "categories"): "categories",
    ("stacking", "not_with"): "not combinable with",
    ("stacking", "stacks_with"): "combines with",
    ("stacking", "exclusive"): "exclusive",
    ("faqs",): "FAQ",
    ("store_manager_notes",): "store manager notes",
    ("regional_manager_targets",): "regional manager targets",
    ("talk_track",): "talk track",
    ("title",): "title",
    ("changes",): "change notes",
}


def _rule_kind(change: FieldChange) -> str | None:
    if len(change.path) >= 2 and change.path[0] == "rules" and isinstance(change.path[1], Item):
        rule = change.context or change.new or change.old
        if isinstance(rule, Mapping):
            return str(rule.get("kind"))
    return None


def _label(change: FieldChange) -> str:
    names = path_names(change.path)
    kind = _rule_kind(change)
    if kind is not None and len(names) == 2:
        field_name = names[1]
        if kind == "percent_off" and field_name == "percent":
            return "discount"
        if kind == "percent_off" and field_name == "member_percent":
            return "member discount"
        if kind == "member_extra_percent" and field_name == "percent":
            return "extra member discount"
    if names[:1] == ("title",) or names[:1] == ("talk_track",):
        language = f" ({names[1]})" if len(names) > 1 and names[1] != "en" else ""
        return f"{_LINE_LABELS[names[:1]]}{language}"
    if names in _LINE_LABELS:
        return _LINE_LABELS[names]
    if names[:1] in _LINE_LABELS and len(change.path) >= 2 and isinstance(change.path[1], Item):
        return _LINE_LABELS[names[:1]]
    return change.dotted_path


def _is_percent(change: FieldChange) -> bool:
    names = path_names(change.path)
    return bool(names) and names[-1] in {"percent", "member_percent", "percent_off"}


def _format_time(text: str, *, default: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.strftime("%H:%M") == default:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def _format_end(text: str) -> str:
    try:
        return end_text(datetime.fromisoformat(text))
    except ValueError:
        return text


def _format(value: Any, change: FieldChange) -> str:
    names = path_names(change.path)
    if value is None:
        return "nothing"
    if names == ("window", "start"):
        return _format_time(str(value), default="00:00")
    if names == ("window", "end"):
        return _format_end(str(value))
    if names == ("limit",) and isinstance(value, Mapping):
        return _limit_text(value)
    if names == ("changes",) and isinstance(value, Mapping):
        notes = " ".join(str(note.get("en", "")) for note in value.get("notes", []))
        return f"version {value.get('version')}: {notes}"
    if _is_percent(change):
        return f"{value} percent"
    if names[:1] == ("rules",) and isinstance(value, Mapping) and len(names) == 1:
        return rule_text(value)
    if isinstance(value, Mapping):
        if "en" in value:
            return str(value["en"])
        if "question" in value:
            return _format(value["question"], change)
        return ", ".join(f"{key} {_format(item, change)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(_format(item, change) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _limit_text(limit: Mapping[str, Any]) -> str:
    try:
        return per_customer(Limit.model_validate(limit), zh=False)
    except ValidationError:  # not a stored limit: say what it holds
        unit = limit.get("unit", {}).get("en", "items")
        return f"{limit.get('per_customer')} {unit} per customer"


def change_lines(old: Promotion | str, new: Promotion | str) -> list[str]:
    """Field-level changes for headquarters: ``discount: 15 percent -> 20 percent``."""
    changes = sorted(diff_promotions(old, new), key=lambda c: _spoken_rank(path_names(c.path)[0]))
    return [_line(change) for change in changes]


def _line(change: FieldChange) -> str:
    label = _label(change)
    if change.kind == "changed":
        return f"{label}: {_format(change.old, change)} -> {_format(change.new, change)}"
    if change.kind == "added":
        return f"{label}: added {_format(change.new, change)}"
    return f"{label}: removed {_format(change.old, change)}"


# Fields a role may hear about (the same rule the answers follow).
_RESTRICTED: dict[str, frozenset[Role]] = {
    "store_manager_notes": frozenset({Role.STORE_MANAGER, Role.REGIONAL_MANAGER, Role.HQ}),
    "regional_manager_targets": frozenset({Role.REGIONAL_MANAGER, Role.HQ}),
}
# Bookkeeping nobody needs read aloud.
_UNSPOKEN = frozenset({"changes", "aliases", "published_at"})


# Order of changes in summaries: what changes the price first, bookkeeping last.
_SPOKEN_ORDER = (
    "rules",
    "scope",
    "window",
    "status",
    "regions",
    "stores",
    "limit",
    "stacking",
    "title",
    "contact",
    "talk_track",
    "faqs",
    "store_manager_notes",
    "regional_manager_targets",
)


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
    changes.sort(key=lambda change: _spoken_rank(path_names(change.path)[0]))
    sentences: list[str] = []
    for change in changes:
        sentence = _sentence(change, known)
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _audible(change: FieldChange, role: Role) -> bool:
    top = path_names(change.path)[0]
    return top not in _UNSPOKEN and (top not in _RESTRICTED or role in _RESTRICTED[top])


def _spoken_rank(top: str) -> int:
    return _SPOKEN_ORDER.index(top) if top in _SPOKEN_ORDER else len(_SPOKEN_ORDER)


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
    label = _label(change)
    old, new = change.old, change.new
    kind = change.kind
    if label in {"discount", "member discount", "extra member discount"}:
        if kind == "changed":
            direction = "went up" if Decimal(str(new)) > Decimal(str(old)) else "went down"
            return f"The {label} {direction} from {old} percent to {new} percent."
        if kind == "added":
            return f"There is now a {label} of {new} percent."
        return f"The {label} of {old} percent was removed."
    amount = spoken_amount_sentence(change, _rule_kind(change), names)
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
            return f"The limit is now {_limit_text(new)} instead of {_limit_text(old)}."
        if kind == "added":
            return f"There is now a limit of {_limit_text(new)}."
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
        question = _format(change.context or new or old, change)
        if kind == "added" and len(fields) == 1:
            return f"There is a new FAQ: {question}"
        if kind == "removed" and len(fields) == 1:
            return f"A FAQ was removed: {question}"
        return f"The answer changed for: {question}"
    if fields[:1] in {("store_manager_notes",), ("regional_manager_targets",)}:
        what = "store manager note" if fields[0] == "store_manager_notes" else "regional target"
        if kind == "added":
            return f"New {what}: {_format(new, change)}"
        if kind == "removed":
            return f"A {what} was removed: {_format(old, change)}"
        return f"A {what} changed: {_format(new, change)}"
    spoken = label.replace("_", " ").replace(".", " ").replace("[", " ").replace("]", "")
    if kind == "changed":
        return f"The {spoken} changed from {_format(old, change)} to {_format(new, change)}."
    if kind == "added":
        return f"The {spoken} is now {_format(new, change)}."
    return f"The {spoken} {_format(old, change)} was removed."


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """What one stored version changed compared with the stored version before it."""

    promotion_id: str
    from_version: int
    to_version: int
    published_at: datetime
    published_by: str
    sentences: list[str]
    """Spoken summary (role-filtered)."""
    lines: list[str]
    """Field-level lines for headquarters."""


def compare_versions(
    older: PromotionVersion,
    newer: PromotionVersion,
    *,
    role: Role = Role.HQ,
    names: Mapping[str, str] | None = None,
) -> VersionChanges:
    """Describe what ``newer`` changed compared with ``older`` (see :func:`change_summary`)."""
    return VersionChanges(
        promotion_id=newer.promotion_id,
        from_version=older.version,
        to_version=newer.version,
        published_at=newer.published_at,
        published_by=newer.published_by,
        sentences=change_summary(older.content, newer.content, role=role, names=names),
        lines=change_lines(older.content, newer.content),
    )


def latest_changes(
    repository: PromotionVersionRepository,
    promotion_id: str,
    *,
    role: Role = Role.CLERK,
    names: Mapping[str, str] | None = None,
) -> VersionChanges | None:
    """What the newest stored version changed, or ``None`` with fewer than two versions.

    Blocking (reads the repository): call it through ``asyncio.to_thread`` in async code.
    """
    history = repository.history(promotion_id)
    if len(history) < 2:
        return None
    return compare_versions(history[-2], history[-1], role=role, names=names)
