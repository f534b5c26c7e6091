"""How a change's ids, times, rules, amounts and rule sets are said in a spoken summary.

The parts :mod:`knowledge_base.versions.change_sentences` builds its "what changed?" sentences
from.
Every number said comes from the changed values themselves.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import TypeAdapter, ValidationError

from knowledge_base.models import Rule
from knowledge_base.phrasing import rule_phrase
from knowledge_base.versions.diff import FieldChange, path_names
from knowledge_base.windows import last_day, runs_to_midnight

_RULE: TypeAdapter[Rule] = TypeAdapter(Rule)
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
_AMOUNT_WORDS = {("amount_off", "amount"): "amount off", ("fixed_price", "price"): "price"}


def spoken_name(value: Any, names: Mapping[str, str]) -> str:
    """An id as said: its name when known, else the id with spaces for hyphens."""
    if value == "*":
        return "every other promotion"
    text = str(value)
    if text in names:
        return names[text]
    return text.replace("-", " ") if text.islower() else text


def spoken_end(text: str) -> str:
    """An exclusive end as said: its last day, or the day and the time it stops."""
    try:
        end = datetime.fromisoformat(text)
    except ValueError:
        return text
    if runs_to_midnight(end):
        day = last_day(end)
        return f"{day.day} {day:%B}"
    return f"{end.day} {end:%B} at {end:%H:%M}"


def spoken_time(text: str, *, default: str = "00:00") -> str:
    """A start as said: the day, and the time unless it is ``default``."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{moment.day} {moment:%B}"
    clock = moment.strftime("%H:%M")
    return day if clock == default else f"{day} at {clock}"


def rule_text(rule: Mapping[str, Any]) -> str:
    """The rule in words without amounts (they show as their own changed fields)."""
    try:
        parsed = _RULE.validate_python(rule)
    except ValidationError:
        return str(rule.get("kind"))
    return ", ".join(rule_phrase(parsed, None, zh=False))


def spoken_amount_sentence(
    change: FieldChange, rule_kind: str | None, names: Mapping[str, str]
) -> str | None:
    """A rule's amount in one currency that changed, or ``None`` for any other change.

    ``"The amount off went up from 50 to 100 Norwegian kroner."``
    """
    fields = path_names(change.path)
    if (
        rule_kind is None
        or len(fields) < 3
        or fields[0] != "rules"
        or not _CURRENCY_CODE.fullmatch(fields[-1])
    ):
        return None
    what = _AMOUNT_WORDS.get((rule_kind, fields[-2]), fields[-2].replace("_", " "))
    unit = names.get(fields[-1], fields[-1])
    old, new = change.old, change.new
    if change.kind == "added":
        return f"The {what} is now {new} {unit}."
    if change.kind == "removed":
        return f"The {what} of {old} {unit} was removed."
    try:
        direction = "went up" if Decimal(str(new)) > Decimal(str(old)) else "went down"
    except InvalidOperation:
        direction = "changed"
    return f"The {what} {direction} from {old} to {new} {unit}."


def rule_set_sentence(change: FieldChange, names: Mapping[str, str]) -> str:
    """A rule set that was added, removed or changed inside a promotion, in one sentence."""
    whole = len(path_names(change.path)) == 1
    if whole and change.kind == "added" and isinstance(change.new, Mapping):
        return f"New: {rule_set_text(change.new, names)}."
    if whole and change.kind == "removed" and isinstance(change.old, Mapping):
        return f"No longer: {rule_set_text(change.old, names)}."
    context = change.context
    if isinstance(context, Mapping) and isinstance(context.get("scope"), Mapping):
        return f"The rules for {_scope_items(context['scope'], names)} changed."
    return "Some of its rules changed."


def rule_set_text(rule_set: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """``30 percent off on the Steady tree stand from 12 December``."""
    rules = [rule for rule in rule_set.get("rules", []) if isinstance(rule, Mapping)]
    text = "; ".join(rule_text(rule) for rule in rules) or "other rules"
    scope = rule_set.get("scope")
    if isinstance(scope, Mapping):
        text += f" on {_scope_items(scope, names)}"
    if rule_set.get("start"):
        text += f" from {spoken_time(str(rule_set['start']))}"
    if rule_set.get("end"):
        text += f" until {spoken_end(str(rule_set['end']))}"
    return text


def _scope_items(scope: Mapping[str, Any], names: Mapping[str, str]) -> str:
    skus = [f"the {spoken_name(sku, names)}" for sku in scope.get("skus") or []]
    categories = [spoken_name(category, names) for category in scope.get("categories") or []]
    items = skus + categories
    if not items:
        return "the other products"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
