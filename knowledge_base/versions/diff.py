"""Field-level differences between two promotions (list items matched by identity).

A rule is matched by its ``kind``, a FAQ by its English question, a note by its text; other
lists of mappings by position.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from knowledge_base.models import Promotion
from knowledge_base.versions.canonical import as_promotion, promotion_document


@dataclass(frozen=True, slots=True)
class Item:
    """A list entry in a change path: its identity (``percent_off``) or its position."""

    key: str | int


PathPart = str | Item
ChangeKind = Literal["changed", "added", "removed"]


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One difference between two promotions."""

    path: tuple[PathPart, ...]
    """Field path; list entries appear as :class:`Item` (``rules``, ``Item("percent_off")``)."""
    kind: ChangeKind
    old: Any = None
    """Value before (``None`` when added)."""
    new: Any = None
    """Value after (``None`` when removed)."""
    context: Mapping[str, Any] = field(default_factory=dict)
    """The enclosing list entry, when the change is inside one (a rule, a FAQ)."""

    @property
    def dotted_path(self) -> str:
        """Dotted path: ``rules[percent_off].percent``."""
        out = ""
        for part in self.path:
            out += f"[{part.key}]" if isinstance(part, Item) else (f".{part}" if out else part)
        return out


# Lists whose entries are matched by one of these keys (first key present in every entry
# with unique values); other lists of mappings are matched by position.
_IDENTITY_KEYS = ("id", "kind", "version", "sku", "question", "en")
# Values compared whole rather than field by field.
_ATOMIC_PATHS: frozenset[tuple[str, ...]] = frozenset({("limit",)})


def diff_promotions(old: Promotion | str, new: Promotion | str) -> list[FieldChange]:
    """Every field-level difference between two promotions, ``version`` excluded."""
    before = promotion_document(as_promotion(old))
    after = promotion_document(as_promotion(new))
    before.pop("version", None)
    after.pop("version", None)
    changes: list[FieldChange] = []
    _diff_mapping(before, after, (), {}, changes)
    return changes


def path_names(path: tuple[PathPart, ...]) -> tuple[str, ...]:
    """The field names of a change path, list entries left out."""
    return tuple(part for part in path if isinstance(part, str))


def _diff_value(
    old: Any,
    new: Any,
    path: tuple[PathPart, ...],
    context: Mapping[str, Any],
    out: list[FieldChange],
) -> None:
    if old == new:
        return
    if path_names(path) in _ATOMIC_PATHS:
        out.append(FieldChange(path, _kind(old, new), old, new, context))
    elif isinstance(old, dict | None) and isinstance(new, dict | None) and not _is_text(old, new):
        _diff_mapping(old or {}, new or {}, path, context, out)
    elif isinstance(old, list | None) and isinstance(new, list | None):
        _diff_list(old or [], new or [], path, context, out)
    else:
        out.append(FieldChange(path, _kind(old, new), old, new, context))


def _is_text(old: Any, new: Any) -> bool:
    """A localized text added or removed whole reads better as one change."""
    whole = new if old is None else old if new is None else None
    return isinstance(whole, Mapping) and "en" in whole


def _kind(old: Any, new: Any) -> ChangeKind:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed"


def _diff_mapping(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    path: tuple[PathPart, ...],
    context: Mapping[str, Any],
    out: list[FieldChange],
) -> None:
    keys = list(old) + [key for key in new if key not in old]
    for key in keys:
        _diff_value(old.get(key), new.get(key), (*path, key), context, out)


def _identity(item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return None
    for key in _IDENTITY_KEYS:
        value = item.get(key)
        if isinstance(value, Mapping):
            value = value.get("en")
        if value is not None:
            return f"{key}={value}"
    return None


def _diff_list(
    old: list[Any],
    new: list[Any],
    path: tuple[PathPart, ...],
    context: Mapping[str, Any],
    out: list[FieldChange],
) -> None:
    if all(not isinstance(item, Mapping | list) for item in (*old, *new)):
        for item in old:
            if item not in new:
                out.append(FieldChange(path, "removed", item, None, context))
        for item in new:
            if item not in old:
                out.append(FieldChange(path, "added", None, item, context))
        return
    old_ids = [_identity(item) for item in old]
    new_ids = [_identity(item) for item in new]
    keyed = (
        None not in old_ids
        and None not in new_ids
        and len(set(old_ids)) == len(old_ids)
        and len(set(new_ids)) == len(new_ids)
        and len({i.split("=", 1)[0] for i in (*old_ids, *new_ids) if i}) <= 1
    )
    if keyed:
        old_by = dict(zip(old_ids, old, strict=True))
        new_by = dict(zip(new_ids, new, strict=True))
        for identity in old_ids + [i for i in new_ids if i not in old_by]:
            assert identity is not None
            key = identity.split("=", 1)[1]
            before, after = old_by.get(identity), new_by.get(identity)
            if before is None or after is None:
                out.append(FieldChange((*path, Item(key)), _kind(before, after), before, after))
            else:
                _diff_mapping(before, after, (*path, Item(key)), after, out)
        return
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        item_path = (*path, Item(index))
        if before is None or after is None:
            out.append(FieldChange(item_path, _kind(before, after), before, after, context))
        else:
            _diff_value(before, after, item_path, after, out)
