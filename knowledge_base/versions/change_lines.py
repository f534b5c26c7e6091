"""What changed, as field-level lines for headquarters (``discount: 15 percent -> 20 percent``).

Also the labels and value formatting the spoken summary in
:mod:`knowledge_base.versions.change_sentences` shares, and the order both list changes in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from knowledge_base.models import Limit, Promotion
from knowledge_base.phrasing import per_customer
from knowledge_base.versions.diff import FieldChange, Item, diff_promotions, path_names
from knowledge_base.versions.spoken import rule_text
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


def rule_kind(change: FieldChange) -> str | None:
    """The kind of the rule a change is inside (``percent_off``), if it is in one."""
    if len(change.path) >= 2 and change.path[0] == "rules" and isinstance(change.path[1], Item):
        rule = change.context or change.new or change.old
        if isinstance(rule, Mapping):
            return str(rule.get("kind"))
    return None


def change_label(change: FieldChange) -> str:
    """What a change is called in a line (``discount``, ``exclusions``)."""
    names = path_names(change.path)
    kind = rule_kind(change)
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


def format_value(value: Any, change: FieldChange) -> str:
    """A changed value as text (``15 percent``, ``2024-06-01``, ``nothing``)."""
    names = path_names(change.path)
    if value is None:
        return "nothing"
    if names == ("window", "start"):
        return _format_time(str(value), default="00:00")
    if names == ("window", "end"):
        return _format_end(str(value))
    if names == ("limit",) and isinstance(value, Mapping):
        return limit_text(value)
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
            return format_value(value["question"], change)
        return ", ".join(f"{key} {format_value(item, change)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(format_value(item, change) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def limit_text(limit: Mapping[str, Any]) -> str:
    """A purchase limit as words (``2 units per customer``)."""
    try:
        return per_customer(Limit.model_validate(limit), zh=False)
    except ValidationError:  # not a stored limit: say what it holds
        unit = limit.get("unit", {}).get("en", "items")
        return f"{limit.get('per_customer')} {unit} per customer"


def change_lines(old: Promotion | str, new: Promotion | str) -> list[str]:
    """Field-level changes for headquarters: ``discount: 15 percent -> 20 percent``."""
    changes = sorted(diff_promotions(old, new), key=lambda c: change_rank(path_names(c.path)[0]))
    return [_line(change) for change in changes]


def _line(change: FieldChange) -> str:
    label = change_label(change)
    if change.kind == "changed":
        return f"{label}: {format_value(change.old, change)} -> {format_value(change.new, change)}"
    if change.kind == "added":
        return f"{label}: added {format_value(change.new, change)}"
    return f"{label}: removed {format_value(change.old, change)}"


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


def change_rank(top: str) -> int:
    """Where changes to the top-level field ``top`` come in a list of changes."""
    return _SPOKEN_ORDER.index(top) if top in _SPOKEN_ORDER else len(_SPOKEN_ORDER)
