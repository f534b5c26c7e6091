"""Promotion versions: what was published when, and what changed between two versions.

Content. A version stores the promotion as *canonical YAML*: the validated model dumped in
field order, defaults left out, Decimals and local times written plainly. Its content hash
is a SHA-256 over the same content *without* the ``version`` field, so only a real change
of content (any field but ``version``) makes a new version; reformatting a file, adding
comments or spelling a default out does not.

Diffs. :func:`diff_promotions` compares two promotions field by field (list items matched
by identity: a rule by its ``kind``, a FAQ by its English question, a note by its text).
:func:`change_lines` renders that for headquarters (``discount: 15 percent -> 20 percent``),
:func:`change_summary` as short spoken English sentences for the "what changed?" answer,
filtered by the asker's role, and :func:`unified_diff` as a text diff of the canonical YAML.

Publishing rules (:func:`plan_publication`); the store is the source of truth for numbers:

* Drafts are not versioned; a promotion gets its first stored version once it is published
  (or retired).
* The first time a promotion is published, the file's ``version`` is adopted as is.
  Versions before it may be shipped as history files (``history/<id>/v<N>.yaml``, see
  :func:`read_history`) and are stored first, so the sample data's history is reproducible.
  History files are read only for promotions with no stored version yet.
* Afterwards, when the content changed since the latest stored version ``L``, the file's
  ``version`` must be ``L + 1``; when the content is unchanged it must still be ``L``.
  Anything else is reported (file, line, field) and nothing at all is stored.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml

from knowledge_base.answering import Role
from knowledge_base.errors import Issue, KnowledgeError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Promotion, PromotionStatus
from knowledge_base.windows import end_text, last_day, runs_to_midnight
from knowledge_base.yaml_source import files_under, parse_yaml, read_yaml, validate_document

HISTORY_DIR = "history"
"""Subdirectory of a knowledge-base directory holding past versions."""


class VersionError(KnowledgeError):
    """A version cannot be stored or read."""

    code = "version_error"


class VersionConflictError(VersionError):
    """Another publisher stored the same promotion version first."""

    code = "version_conflict"


class VersionContentError(VersionError):
    """Stored or shipped version content is not a valid promotion."""

    code = "version_content_invalid"


# --- records and the repository interface ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromotionVersion:
    """One published version of a promotion."""

    promotion_id: str
    version: int
    content_hash: str
    """SHA-256 (hex) of the canonical content without the ``version`` field."""
    content: str
    """Canonical YAML of the promotion at this version."""
    diff: str
    """Unified diff from the previous stored version (empty for the first one)."""
    published_at: datetime
    """Time-zone-aware moment of publishing."""
    published_by: str

    def __post_init__(self) -> None:
        if self.published_at.tzinfo is None:
            raise ValueError("PromotionVersion.published_at must be time-zone aware")

    def promotion(self) -> Promotion:
        """The promotion this version stores."""
        return promotion_from_text(self.content)


class PromotionVersionRepository(Protocol):
    """Durable store of promotion versions."""

    def add(self, versions: Sequence[PromotionVersion]) -> None:
        """Store all ``versions`` atomically.

        Raises:
            VersionConflictError: One of them is already stored; none is stored.
        """
        ...

    def get(self, promotion_id: str, version: int) -> PromotionVersion | None:
        """One version, or ``None``."""
        ...

    def latest(self, promotion_id: str) -> PromotionVersion | None:
        """The newest version of a promotion, or ``None`` if it was never published."""
        ...

    def history(self, promotion_id: str) -> list[PromotionVersion]:
        """Every stored version of a promotion, oldest first."""
        ...

    def latest_versions(self) -> dict[str, PromotionVersion]:
        """The newest version of every stored promotion, by promotion id."""
        ...


# --- canonical content --------------------------------------------------------------------------


def promotion_document(promotion: Promotion) -> dict[str, Any]:
    """The promotion as plain data: field order kept, defaults left out, values normalised."""
    raw = promotion.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    document = _plain(raw)
    assert isinstance(document, dict)
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    if isinstance(value, datetime):
        if value.second == 0 and value.microsecond == 0:
            return value.isoformat(timespec="minutes")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class _CanonicalDumper(yaml.SafeDumper):
    """Writes Decimals as plain numbers (their exact text, never through float)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_CanonicalDumper.add_representer(Decimal, _represent_decimal)




def canonical_text(promotion: Promotion) -> str:
    """The promotion as canonical YAML (what a version stores)."""
    return yaml.dump(
        promotion_document(promotion),
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def content_hash(promotion: Promotion) -> str:
    """SHA-256 (hex) of the canonical content without ``version``."""
    document = promotion_document(promotion)
    document.pop("version", None)
    encoded = json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def promotion_from_text(text: str) -> Promotion:
    """Parse a promotion from YAML text (a stored version or a promotion file).

    Raises:
        VersionContentError: The text is not YAML or not a valid promotion.
    """
    doc, issues = parse_yaml(text, file="<version>")
    if doc is None:
        raise VersionContentError(f"not valid YAML: {'; '.join(i.message for i in issues)}")
    promotion, invalid = validate_document(Promotion, doc)
    if promotion is None:
        raise VersionContentError(f"not a valid promotion: {'; '.join(map(str, invalid))}")
    return promotion


def _as_promotion(value: Promotion | str) -> Promotion:
    return value if isinstance(value, Promotion) else promotion_from_text(value)


def unified_diff(
    old: Promotion | str | None,
    new: Promotion | str,
    *,
    old_label: str = "old",
    new_label: str = "new",
) -> str:
    """A unified text diff of the canonical YAML of two promotions (``old=None``: empty)."""
    old_text = "" if old is None else canonical_text(_as_promotion(old))
    new_text = canonical_text(_as_promotion(new))
    return "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )


# --- field-level diff ----------------------------------------------------------------------------


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
    before = promotion_document(_as_promotion(old))
    after = promotion_document(_as_promotion(new))
    before.pop("version", None)
    after.pop("version", None)
    changes: list[FieldChange] = []
    _diff_mapping(before, after, (), {}, changes)
    return changes


def _names(path: tuple[PathPart, ...]) -> tuple[str, ...]:
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
    if _names(path) in _ATOMIC_PATHS:
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


# --- wording -------------------------------------------------------------------------------------


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
    names = _names(change.path)
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
    names = _names(change.path)
    return bool(names) and names[-1] in {"percent", "member_percent", "percent_off"}


def _format_end(text: str) -> str:
    try:
        return end_text(datetime.fromisoformat(text))
    except ValueError:
        return text


def _format_time(text: str, *, default: str) -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.strftime("%H:%M") == default:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M")


def _format(value: Any, change: FieldChange) -> str:
    names = _names(change.path)
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
        return _rule_text(value)
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
    unit = limit.get("unit", {}).get("en", "items")
    return f"{limit.get('per_customer')} {unit} per customer"


def _rule_text(rule: Mapping[str, Any]) -> str:
    kind = rule.get("kind")
    if kind == "percent_off":
        text = f"{rule.get('percent')} percent off"
        if rule.get("member_percent") is not None:
            text += f" ({rule['member_percent']} percent for members)"
        return text
    if kind == "member_extra_percent":
        return f"an extra {rule.get('percent')} percent off for members"
    if kind == "buy_x_get_y":
        free = rule.get("percent_off", 100)
        off = "free" if free == 100 else f"{free} percent off"
        return f"buy {rule.get('buy')} get {rule.get('get')} {off}"
    if kind == "spend_threshold":
        return "spend and save tiers"
    if kind == "amount_off":
        return "an amount off"
    return str(kind)


def change_lines(old: Promotion | str, new: Promotion | str) -> list[str]:
    """Field-level changes for headquarters: ``discount: 15 percent -> 20 percent``."""
    changes = sorted(diff_promotions(old, new), key=lambda c: _spoken_rank(_names(c.path)[0]))
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
_UNSPOKEN = frozenset({"changes", "aliases"})


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
    changes.sort(key=lambda change: _spoken_rank(_names(change.path)[0]))
    sentences: list[str] = []
    for change in changes:
        sentence = _sentence(change, known)
        if sentence not in sentences:
            sentences.append(sentence)
    return sentences


def _audible(change: FieldChange, role: Role) -> bool:
    top = _names(change.path)[0]
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
    return names


def _spoken(value: Any, names: Mapping[str, str]) -> str:
    if value == "*":
        return "every other promotion"
    text = str(value)
    if text in names:
        return names[text]
    return text.replace("-", " ") if text.islower() else text


def _spoken_end(text: str) -> str:
    try:
        end = datetime.fromisoformat(text)
    except ValueError:
        return text
    if runs_to_midnight(end):
        day = last_day(end)
        return f"{day.day} {day:%B}"
    return f"{end.day} {end:%B} at {end:%H:%M}"


def _spoken_time(text: str, *, default: str = "00:00") -> str:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    day = f"{moment.day} {moment:%B}"
    clock = moment.strftime("%H:%M")
    return day if clock == default else f"{day} at {clock}"


def _sentence(change: FieldChange, names: Mapping[str, str]) -> str:  # noqa: C901
    fields = _names(change.path)
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
    if fields == ("rules",):
        if kind == "added":
            return f"There is a new rule: {_rule_text(new)}."
        return f"The rule {_rule_text(old)} no longer applies."
    if fields in {("window", "start"), ("window", "end")}:
        verb = "starts" if fields[1] == "start" else "ends"
        say = _spoken_time if fields[1] == "start" else _spoken_end
        if kind == "changed":
            return f"It now {verb} on {say(str(new))} instead of {say(str(old))}."
    if fields == ("scope", "exclude_skus"):
        if kind == "added":
            return f"The {_spoken(new, names)} is now excluded."
        return f"The {_spoken(old, names)} is no longer excluded."
    if fields == ("scope", "skus"):
        if kind == "added":
            return f"The {_spoken(new, names)} is now included."
        return f"The {_spoken(old, names)} is no longer included."
    if fields == ("scope", "categories"):
        if kind == "added":
            return f"{_spoken(new, names).capitalize()} are now included."
        return f"{_spoken(old, names).capitalize()} are no longer included."
    if fields == ("regions",):
        if kind == "added":
            return f"It now also runs in {_spoken(new, names)}."
        return f"It no longer runs in {_spoken(old, names)}."
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
            return f"It can no longer be combined with {_spoken(new, names)}."
        return f"The rule against combining it with {_spoken(old, names)} was removed."
    if fields == ("stacking", "stacks_with"):
        if kind == "added":
            return f"It can now be combined with {_spoken(new, names)}."
        return f"It no longer combines with {_spoken(old, names)}."
    if fields == ("stacking", "exclusive"):
        if new:
            return "It can no longer be combined with any other promotion."
        return "It is no longer exclusive."
    if fields == ("contact",):
        return f"The contact is now {_spoken(new, names)}." if new else "The contact was removed."
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


# --- history files -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A past version shipped as ``history/<id>/v<N>.yaml``.

    The file holds ``published_at`` (aware ISO time), ``published_by`` and ``promotion``
    (the promotion exactly as it was at that version)::

        published_at: 2026-11-20T09:00:00+08:00
        published_by: Lin Wei
        promotion:
          id: weekend-running
          version: 1
          ...
    """

    promotion: Promotion
    published_at: datetime
    published_by: str
    file: str


_HISTORY_NAME = re.compile(r"^v([1-9][0-9]*)\.ya?ml$")


def read_history(directory: Path) -> tuple[dict[str, list[HistoryEntry]], list[Issue]]:
    """Read every history file under ``directory/history``.

    Returns:
        Entries by promotion id (oldest first) and every problem found (file, line, field).
    """
    entries: dict[str, list[HistoryEntry]] = {}
    issues: list[Issue] = []
    root = directory / HISTORY_DIR
    for file in files_under(root):
        if file.parent.parent != root:
            continue  # history/<id>/v<N>.yaml only
        folder = file.parent.name
        entry = _read_history_file(file, folder, issues)
        if entry is not None:
            entries.setdefault(folder, []).append(entry)
    for items in entries.values():
        items.sort(key=lambda entry: entry.promotion.version)
    return entries, issues


def _read_history_file(file: Path, promotion_id: str, issues: list[Issue]) -> HistoryEntry | None:
    name = str(file)
    found_before = len(issues)

    def report(message: str, *, line: int | None = None, at: str | None = None) -> None:
        issues.append(Issue(file=name, line=line, field=at, message=message, code="history"))

    match = _HISTORY_NAME.match(file.name)
    if match is None:
        report("history files are named v<N>.yaml (v1.yaml, v2.yaml, ...)")
        return None
    doc, found = read_yaml(file)
    for issue in found:
        report(issue.message, line=issue.line, at=issue.field)
    if doc is None:
        return None
    data = doc.data
    lines = doc.lines
    if not isinstance(data, dict):
        report("expected a mapping with published_at, published_by and promotion", line=1)
        return None
    unknown = sorted(set(data) - {"published_at", "published_by", "promotion"})
    for key in unknown:
        report(f"unknown field {key!r}", line=lines.get((key,)), at=key)
    published_at = data.get("published_at")
    if isinstance(published_at, str):
        try:
            published_at = datetime.fromisoformat(published_at)
        except ValueError:
            published_at = None
    if not isinstance(published_at, datetime) or published_at.tzinfo is None:
        report(
            "needs a time with its UTC offset, e.g. 2026-11-20T09:00:00+08:00",
            line=lines.get(("published_at",)),
            at="published_at",
        )
    published_by = data.get("published_by")
    if not isinstance(published_by, str) or not published_by.strip():
        report(
            "needs the name of who published it",
            line=lines.get(("published_by",)),
            at="published_by",
        )
    promotion, invalid = validate_document(Promotion, doc, at=("promotion",))
    for issue in invalid:
        report(issue.message, line=issue.line, at=issue.field)
    if promotion is None:
        return None
    if promotion.id != promotion_id:
        report(
            f"promotion id {promotion.id!r} does not match its folder {promotion_id!r}",
            line=lines.get(("promotion", "id")),
            at="promotion.id",
        )
    expected = int(match.group(1))
    if promotion.version != expected:
        report(
            f"version {promotion.version} does not match the file name v{expected}",
            line=lines.get(("promotion", "version")),
            at="promotion.version",
        )
    if len(issues) > found_before:
        return None
    assert isinstance(published_at, datetime) and isinstance(published_by, str)
    return HistoryEntry(
        promotion=promotion, published_at=published_at, published_by=published_by, file=name
    )


def version_line(file: Path) -> int | None:
    """1-based line of the top-level ``version`` key in a promotion file, if found."""
    doc, _ = read_yaml(file)
    return doc.line(("version",)) if doc is not None and doc.has(("version",)) else None


# --- publishing ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublishCandidate:
    """A promotion from the knowledge-base files, with where its version is written."""

    promotion: Promotion
    file: str
    version_line: int | None = None


@dataclass(slots=True)
class PublicationPlan:
    """What publishing would store, and why it may not."""

    new_versions: list[PromotionVersion] = field(default_factory=list)
    """Versions to store, oldest first per promotion."""
    unchanged: list[PromotionVersion] = field(default_factory=list)
    """Latest stored version of each promotion whose content did not change."""
    drafts: list[str] = field(default_factory=list)
    """Promotion ids skipped because they are drafts."""
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing blocks publishing."""
        return not any(issue.severity == "error" for issue in self.issues)


def make_version(
    promotion: Promotion,
    *,
    previous: PromotionVersion | None,
    published_at: datetime,
    published_by: str,
) -> PromotionVersion:
    """Build the stored form of ``promotion``, with its diff from ``previous``."""
    content = canonical_text(promotion)
    diff = ""
    if previous is not None:
        diff = "".join(
            difflib.unified_diff(
                previous.content.splitlines(keepends=True),
                content.splitlines(keepends=True),
                fromfile=f"{promotion.id} v{previous.version}",
                tofile=f"{promotion.id} v{promotion.version}",
            )
        )
    return PromotionVersion(
        promotion_id=promotion.id,
        version=promotion.version,
        content_hash=content_hash(promotion),
        content=content,
        diff=diff,
        published_at=published_at,
        published_by=published_by,
    )


def plan_publication(
    candidates: Iterable[PublishCandidate],
    *,
    latest: Mapping[str, PromotionVersion],
    history: Mapping[str, Sequence[HistoryEntry]],
    published_at: datetime,
    published_by: str,
) -> PublicationPlan:
    """Decide which versions publishing stores (pure: reads and writes nothing).

    Args:
        candidates: The promotions of a valid knowledge base.
        latest: The newest stored version of each promotion.
        history: Shipped past versions by promotion id (see :func:`read_history`).
        published_at: Aware moment recorded on the new versions.
        published_by: Who publishes.
    """
    plan = PublicationPlan()
    for candidate in sorted(candidates, key=lambda c: c.promotion.id):
        promotion = candidate.promotion
        if promotion.status is PromotionStatus.DRAFT:
            plan.drafts.append(promotion.id)
            continue
        stored = latest.get(promotion.id)
        past = list(history.get(promotion.id, ()))
        if stored is None:
            _plan_first(candidate, past, plan, published_at, published_by)
        else:
            _plan_next(candidate, stored, plan, published_at, published_by)
    return plan


def _version_issue(candidate: PublishCandidate, message: str, code: str) -> Issue:
    return Issue(
        file=candidate.file,
        line=candidate.version_line,
        field="version",
        message=message,
        code=code,
    )


def _plan_first(
    candidate: PublishCandidate,
    past: list[HistoryEntry],
    plan: PublicationPlan,
    published_at: datetime,
    published_by: str,
) -> None:
    promotion = candidate.promotion
    previous: PromotionVersion | None = None
    for entry in past:
        if entry.promotion.version >= promotion.version:
            plan.issues.append(
                Issue(
                    file=entry.file,
                    line=None,
                    field="promotion.version",
                    message=(
                        f"history version {entry.promotion.version} is not older than the"
                        f" current version {promotion.version} in {candidate.file}"
                    ),
                    code="history_not_older",
                )
            )
            return
        previous = make_version(
            entry.promotion,
            previous=previous,
            published_at=entry.published_at,
            published_by=entry.published_by,
        )
        plan.new_versions.append(previous)
    if previous is not None and previous.content_hash == content_hash(promotion):
        plan.issues.append(
            _version_issue(
                candidate,
                f"content is the same as history version {previous.version};"
                f" set version to {previous.version} or change the content",
                "version_without_change",
            )
        )
        return
    plan.new_versions.append(
        make_version(
            promotion, previous=previous, published_at=published_at, published_by=published_by
        )
    )


def _plan_next(
    candidate: PublishCandidate,
    stored: PromotionVersion,
    plan: PublicationPlan,
    published_at: datetime,
    published_by: str,
) -> None:
    promotion = candidate.promotion
    if stored.content_hash == content_hash(promotion):
        if promotion.version == stored.version:
            plan.unchanged.append(stored)
        else:
            plan.issues.append(
                _version_issue(
                    candidate,
                    f"version is {promotion.version} but the content is unchanged since stored"
                    f" version {stored.version}; set version to {stored.version}",
                    "version_without_change",
                )
            )
        return
    expected = stored.version + 1
    if promotion.version != expected:
        plan.issues.append(
            _version_issue(
                candidate,
                f"content changed since stored version {stored.version}, so version must be"
                f" {expected} (it is {promotion.version})",
                "version_mismatch",
            )
        )
        return
    plan.new_versions.append(
        make_version(
            promotion, previous=stored, published_at=published_at, published_by=published_by
        )
    )
