"""Load and validate the knowledge-base files, reporting every problem with file and line.

Layout of a knowledge-base directory::

    regions.yaml        currencies, regions (time zone, currency) and their stores
    catalogue.yaml      categories and products (SKU, names, aliases, list prices)
    contacts.yaml       people to call (optional)
    promotions/*.yaml   one promotion per file

YAML is composed into nodes first, so each value keeps the line it was written on; schema
errors from pydantic are mapped back to that line. Nothing stops at the first problem:
:class:`~knowledge_base.errors.KnowledgeBaseError` lists them all.
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge_base.errors import Issue, KnowledgeBaseError, Severity
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import (
    ALL,
    AmountOff,
    CatalogueFile,
    ContactsFile,
    Prices,
    Promotion,
    PromotionStatus,
    RegionsFile,
    SpendThreshold,
)

SAMPLE_DATA_DIR = Path(__file__).resolve().parent / "data"
"""The sample chain's content, shipped inside the package."""

REGIONS_FILE = "regions.yaml"
CATALOGUE_FILE = "catalogue.yaml"
CONTACTS_FILE = "contacts.yaml"
PROMOTIONS_DIR = "promotions"

_constructor = yaml.constructor.SafeConstructor()
_Model = TypeVar("_Model", bound=BaseModel)
Path_ = tuple[str | int, ...]


def load_knowledge_base(path: Path | None = None) -> KnowledgeBase:
    """Load the knowledge base in directory ``path`` (``None``: the packaged sample content).

    Raises:
        KnowledgeBaseError: with every error (and warning) found; warnings alone do not raise.
    """
    knowledge, issues = _load(path or SAMPLE_DATA_DIR)
    if knowledge is None or any(issue.severity == "error" for issue in issues):
        raise KnowledgeBaseError(issues)
    return knowledge


def validate_knowledge_base(path: Path | None = None) -> list[Issue]:
    """Every error and warning in the knowledge base at ``path``, in file order."""
    return _load(path or SAMPLE_DATA_DIR)[1]


# --- YAML with line numbers ---------------------------------------------------------------------


@dataclass(slots=True)
class _Document:
    """One YAML file as plain data; the line of every value is worked out when first asked."""

    file: str
    text: str
    data: Any = None
    _lines: dict[Path_, int] | None = None

    def line(self, path: Path_) -> int | None:
        """Line of the deepest known value on ``path``."""
        lines = self.lines
        for end in range(len(path), -1, -1):
            line = lines.get(path[:end])
            if line is not None:
                return line
        return None

    def has(self, path: Path_) -> bool:
        """True when ``path`` names a value written in the file."""
        return path in self.lines

    @property
    def lines(self) -> dict[Path_, int]:
        """Path -> 1-based line, built on demand (valid files never need it)."""
        if self._lines is None:
            self._lines = {}
            root = yaml.compose(self.text, Loader=_FastLoader)
            if root is not None:
                self._lines[()] = root.start_mark.line + 1
                _convert(root, (), self._lines, None)
        return self._lines


class _Issues:
    """Collects issues as loading goes on."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(
        self,
        doc: _Document | str,
        path: Path_ | None,
        message: str,
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        if isinstance(doc, _Document):
            file, line = doc.file, (doc.line(path) if path is not None else None)
        else:
            file, line = doc, None
        self.items.append(
            Issue(
                file=file,
                line=line,
                field=format_field(path) if path else None,
                message=message,
                severity=severity,
                code=code,
            )
        )


def format_field(path: Path_) -> str:
    """``("rules", 0, "percent")`` -> ``rules[0].percent``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: correct, only slower.
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]


class _FastLoader(_Parser, yaml.resolver.Resolver):  # type: ignore[misc]
    """libyaml's parser with a resolver that settles plain words without regular expressions.

    Resolving every scalar through PyYAML's regex table is most of the cost of loading
    thousands of promotion files; a plain word is text unless it is a YAML 1.1 boolean or null.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        yaml.resolver.Resolver.__init__(self)

    # No path-dependent resolvers here: skip PyYAML's per-node bookkeeping.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            first = value[:1]
            if first.isalpha() and value not in _WORDS_WITH_MEANING:
                return _STR
            return yaml.resolver.Resolver.resolve(self, kind, value, implicit)
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_WORDS_WITH_MEANING = {
    spelled
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for spelled in (word, word.capitalize(), word.upper())
}


def _read_yaml(file: Path, issues: _Issues) -> _Document | None:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as e:
        issues.add(name, None, f"cannot read file: {e.strerror or e}", code="unreadable")
        return None
    except UnicodeDecodeError as e:
        issues.add(name, None, f"not UTF-8 text: {e.reason}", code="encoding")
        return None
    try:
        root = yaml.compose(text, Loader=_FastLoader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        issues.items.append(
            Issue(
                file=name,
                line=mark.line + 1 if mark else None,
                field=None,
                message=f"invalid YAML: {e.problem or e.context}",
                code="yaml_syntax",
            )
        )
        return None
    except yaml.YAMLError as e:
        issues.add(name, None, f"invalid YAML: {e}", code="yaml_syntax")
        return None
    if root is None:
        issues.add(name, None, "file is empty", code="empty_file")
        return None
    doc = _Document(file=name, text=text)
    doc.data = _convert(root, (), None, (doc, issues))
    return doc


def _convert(
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int] | None,
    report: tuple[_Document, _Issues] | None,
) -> Any:
    """Plain data from a node; records lines into ``lines`` and problems into ``report``."""
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                key_path = (*path, f"<key@{key_node.start_mark.line + 1}>")
                if lines is not None:
                    lines[key_path] = key_node.start_mark.line + 1
                if report is not None:
                    report[1].add(report[0], key_path, "keys must be plain text", code="key")
                continue
            # Keys are field names: always text (YAML 1.1 would read `off:` as false).
            key = key_node.value
            key_path = (*path, key)
            if lines is not None and key_path not in lines:
                lines[key_path] = key_node.start_mark.line + 1
            if key in out:
                if report is not None:
                    report[1].items.append(
                        Issue(
                            file=report[0].file,
                            line=key_node.start_mark.line + 1,
                            field=format_field(key_path),
                            message=f"duplicate key {key!r}",
                            code="duplicate_key",
                        )
                    )
                continue
            out[key] = _convert(value_node, key_path, lines, report)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            if lines is not None:
                lines[(*path, index)] = item.start_mark.line + 1
            items.append(_convert(item, (*path, index), lines, report))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _INT and node.value.isdigit():
        return int(node.value)
    if tag.endswith(":float"):
        # Money must not pass through float: read the decimal from its text.
        try:
            value = Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            value = None
        if value is not None and value.is_finite():
            return value
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2026-13-01 looks like a date but is none: keep the text, the schema says why.
        return node.value


def _validate(model: type[_Model], doc: _Document, issues: _Issues) -> _Model | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as e:
        for error in e.errors(include_url=False):
            path = _known_path(error["loc"], doc)
            issues.add(doc, path, _message(error), code=f"schema_{error['type']}")
        return None


def _known_path(loc: tuple[Any, ...], doc: _Document) -> Path_:
    """Map a pydantic error location onto the document, skipping union tags and the like."""
    path: Path_ = ()
    for part in loc:
        if doc.has((*path, part)):
            path = (*path, part)
        elif isinstance(part, str) and not part.startswith("function-") and part not in _TAGS:
            # A missing field: name it, although it has no line of its own.
            path = (*path, part)
    return path


_TAGS = {"percent_off", "amount_off", "member_extra_percent", "spend_threshold", "buy_x_get_y"}


def _message(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return f"unknown field {name!r}"
    if kind == "missing":
        return f"missing required field {name!r}"
    if kind == "union_tag_invalid":
        context = error.get("ctx") or {}
        return (
            f"unknown {context.get('discriminator', 'kind')} {context.get('tag')!r};"
            f" expected one of {context.get('expected_tags')}"
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | Decimal | bool) and kind != "value_error":
        message += f" (got {value!r})"
    return message


# --- the whole directory --------------------------------------------------------------------


def _load(root: Path) -> tuple[KnowledgeBase | None, list[Issue]]:
    # Loading allocates millions of small objects that all stay alive; the cyclic garbage
    # collector would rescan them again and again (several times slower at 10 000 files).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_directory(root)
    finally:
        if enabled:
            gc.enable()


def _load_directory(root: Path) -> tuple[KnowledgeBase | None, list[Issue]]:
    issues = _Issues()
    if not root.is_dir():
        issues.add(str(root), None, "knowledge-base directory not found", code="not_found")
        return None, issues.items

    regions_doc, regions = _read_file(root / REGIONS_FILE, RegionsFile, issues, required=True)
    catalogue_doc, catalogue = _read_file(
        root / CATALOGUE_FILE, CatalogueFile, issues, required=True
    )
    contacts_doc, contacts = _read_file(root / CONTACTS_FILE, ContactsFile, issues, required=False)

    promotion_docs: list[tuple[_Document, Promotion]] = []
    promotions_dir = root / PROMOTIONS_DIR
    files = sorted(itertools.chain(promotions_dir.glob("*.yaml"), promotions_dir.glob("*.yml")))
    for file in files:
        doc = _read_yaml(file, issues)
        if doc is None:
            continue
        promotion = _validate(Promotion, doc, issues)
        if promotion is not None:
            promotion_docs.append((doc, promotion))

    if regions is None or catalogue is None or regions_doc is None or catalogue_doc is None:
        return None, _in_file_order(issues.items)

    knowledge = KnowledgeBase(
        catalogue=catalogue,
        regions=regions,
        contacts=contacts,
        promotions=[p for _, p in promotion_docs],
        sources={p.id: doc.file for doc, p in promotion_docs},
    )
    checker = _Checker(knowledge=knowledge, issues=issues)
    checker.check_regions(regions_doc, regions)
    checker.check_catalogue(catalogue_doc, catalogue)
    if contacts_doc is not None and contacts is not None:
        checker.check_contacts(contacts_doc, contacts)
    checker.check_promotions(promotion_docs)
    return knowledge, _in_file_order(issues.items)


def _in_file_order(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda issue: (issue.file, issue.line or 0))


def _read_file(
    file: Path, model: type[_Model], issues: _Issues, *, required: bool
) -> tuple[_Document | None, _Model | None]:
    if not file.exists():
        if required:
            issues.add(str(file), None, f"required file {file.name} is missing", code="missing")
        return None, None
    doc = _read_yaml(file, issues)
    if doc is None:
        return None, None
    return doc, _validate(model, doc, issues)


def _duplicates(values: list[Any], key: Callable[[Any], str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        k = key(value)
        if k in seen:
            yield index, k
        seen.add(k)


@dataclass(slots=True)
class _Checker:
    """Cross-file checks: references, money per currency, overlaps and stacking."""

    knowledge: KnowledgeBase
    issues: _Issues

    def check_regions(self, doc: _Document, regions: RegionsFile) -> None:
        issues = self.issues
        for i, code in _duplicates(regions.currencies, lambda c: c.code):
            issues.add(doc, ("currencies", i, "code"), f"currency {code} listed twice", code="dup")
        for i, rid in _duplicates(regions.regions, lambda r: r.id):
            issues.add(doc, ("regions", i, "id"), f"region {rid} listed twice", code="dup")
        seen_stores: set[str] = set()
        for i, region in enumerate(regions.regions):
            if region.currency not in self.knowledge.currencies:
                issues.add(
                    doc,
                    ("regions", i, "currency"),
                    f"currency {region.currency} is not listed under currencies",
                    code="unknown_currency",
                )
            for j, store in enumerate(region.stores):
                if store.id in seen_stores:
                    issues.add(
                        doc,
                        ("regions", i, "stores", j, "id"),
                        f"store {store.id} listed twice",
                        code="dup",
                    )
                seen_stores.add(store.id)

    def check_catalogue(self, doc: _Document, catalogue: CatalogueFile) -> None:
        issues = self.issues
        knowledge = self.knowledge
        for i, cid in _duplicates(catalogue.categories, lambda c: c.id):
            issues.add(doc, ("categories", i, "id"), f"category {cid} listed twice", code="dup")
        for i, sku in _duplicates(catalogue.products, lambda p: p.sku):
            issues.add(doc, ("products", i, "sku"), f"SKU {sku} listed twice", code="dup")
        needed = sorted({r.currency for r in knowledge.regions.values()})
        for i, product in enumerate(catalogue.products):
            if product.category not in knowledge.categories:
                issues.add(
                    doc,
                    ("products", i, "category"),
                    f"unknown category {product.category!r}",
                    code="unknown_category",
                )
            missing = [c for c in needed if c not in product.list_price]
            if missing:
                issues.add(
                    doc,
                    ("products", i, "list_price"),
                    f"{product.sku} has no list price in {', '.join(missing)}"
                    " (every region currency needs one)",
                    code="missing_price",
                )

    def check_contacts(self, doc: _Document, contacts: ContactsFile) -> None:
        for i, cid in _duplicates(contacts.contacts, lambda c: c.id):
            self.issues.add(doc, ("contacts", i, "id"), f"contact {cid} listed twice", code="dup")

    def check_promotions(self, docs: list[tuple[_Document, Promotion]]) -> None:
        seen: dict[str, str] = {}
        for doc, promotion in docs:
            if promotion.id in seen:
                self.issues.add(
                    doc,
                    ("id",),
                    f"promotion id {promotion.id} is already used by {seen[promotion.id]}",
                    code="dup",
                )
                continue
            seen[promotion.id] = doc.file
            self._check_references(doc, promotion)
        self._check_overlaps({p.id: (doc, p) for doc, p in docs})

    def _check_references(self, doc: _Document, promotion: Promotion) -> None:
        knowledge, add = self.knowledge, self.issues.add
        for i, region_id in enumerate(promotion.regions):
            region = knowledge.regions.get(region_id)
            if region is None:
                add(doc, ("regions", i), f"unknown region {region_id!r}", code="unknown_region")
                continue
            zoneless = [s.id for s in region.stores if not (s.time_zone or region.time_zone)]
            if zoneless:
                add(
                    doc,
                    ("regions", i),
                    f"region {region_id} has no time zone (stores {', '.join(zoneless)});"
                    " the promotion cannot be placed in time there",
                    code="region_without_time_zone",
                    severity="warning",
                )
        region_stores = {
            s.id
            for r in promotion.regions
            if r in knowledge.regions
            for s in knowledge.regions[r].stores
        }
        for i, store_id in enumerate(promotion.stores):
            if store_id not in knowledge.stores:
                add(doc, ("stores", i), f"unknown store {store_id!r}", code="unknown_store")
            elif store_id not in region_stores:
                add(
                    doc,
                    ("stores", i),
                    f"store {store_id} is not in the promotion's regions",
                    code="store_outside_regions",
                )
        scope = promotion.scope
        for i, category in enumerate(scope.categories):
            if category not in knowledge.categories:
                add(
                    doc,
                    ("scope", "categories", i),
                    f"unknown category {category!r}",
                    code="unknown_category",
                )
        for key in ("skus", "exclude_skus"):
            for i, sku in enumerate(getattr(scope, key)):
                if sku not in knowledge.products:
                    add(doc, ("scope", key, i), f"unknown SKU {sku!r}", code="unknown_sku")
        included = {sku for c in scope.categories for sku in knowledge.category_skus(c)} | set(
            scope.skus
        )
        for i, sku in enumerate(scope.exclude_skus):
            if sku in knowledge.products and sku not in included:
                add(
                    doc,
                    ("scope", "exclude_skus", i),
                    f"{sku} is excluded but no category or SKU of the scope includes it",
                    code="pointless_exclusion",
                    severity="warning",
                )
        if promotion.contact is not None and promotion.contact not in knowledge.contacts:
            add(doc, ("contact",), f"unknown contact {promotion.contact!r}", code="unknown_contact")
        self._check_stacking_references(doc, promotion)
        self._check_money(doc, promotion)

    def _check_stacking_references(self, doc: _Document, promotion: Promotion) -> None:
        add = self.issues.add
        stacking = promotion.stacking
        for key in ("stacks_with", "not_with"):
            for i, other in enumerate(getattr(stacking, key)):
                if other == ALL:
                    continue
                if other == promotion.id:
                    add(doc, ("stacking", key, i), "a promotion cannot name itself", code="self")
                elif other not in self.knowledge.promotions:
                    add(
                        doc,
                        ("stacking", key, i),
                        f"unknown promotion {other!r}",
                        code="unknown_promotion",
                    )
        for i, other in enumerate(stacking.not_with):
            if other in stacking.stacks_with:
                add(
                    doc,
                    ("stacking", "not_with", i),
                    f"{other} is listed both in stacks_with and not_with",
                    code="stacking_contradiction",
                )
        if stacking.exclusive and stacking.stacks_with:
            add(
                doc,
                ("stacking", "stacks_with"),
                "an exclusive promotion cannot stack with others",
                code="stacking_contradiction",
            )

    def _check_money(self, doc: _Document, promotion: Promotion) -> None:
        currencies = sorted(
            {
                self.knowledge.regions[r].currency
                for r in promotion.regions
                if r in self.knowledge.regions
            }
        )

        def need(prices: Prices, path: Path_) -> None:
            missing = [c for c in currencies if c not in prices]
            if missing:
                self.issues.add(
                    doc,
                    path,
                    f"no amount in {', '.join(missing)} (the promotion's regions sell in it)",
                    code="missing_currency",
                )

        for i, rule in enumerate(promotion.rules):
            if isinstance(rule, AmountOff):
                need(rule.amount, ("rules", i, "amount"))
            elif isinstance(rule, SpendThreshold):
                for j, tier in enumerate(rule.tiers):
                    need(tier.spend, ("rules", i, "tiers", j, "spend"))
                    need(tier.off, ("rules", i, "tiers", j, "off"))
                    for code, off in tier.off.items():
                        spend = tier.spend.get(code)
                        if spend is not None and off > spend:
                            self.issues.add(
                                doc,
                                ("rules", i, "tiers", j, "off"),
                                f"takes off more ({off} {code}) than the spend ({spend} {code})",
                                code="threshold_off_exceeds_spend",
                            )

    def _check_overlaps(self, docs: dict[str, tuple[_Document, Promotion]]) -> None:
        """Published promotions on the same item, store and time must say how they stack.

        Windows are compared as local wall-clock times: at any one store both promotions are
        read in that store's zone, so naive comparison is exact. A sweep over start times per
        SKU keeps this near-linear for thousands of promotions.
        """
        from knowledge_base.resolution import stacking_relation

        knowledge = self.knowledge
        published = [p for _, p in docs.values() if p.status is PromotionStatus.PUBLISHED]
        by_sku: dict[str, list[Promotion]] = {}
        for promotion in published:
            for sku in knowledge.scope_skus(promotion):
                by_sku.setdefault(sku, []).append(promotion)
        reported: set[tuple[str, str]] = set()
        for sku in sorted(by_sku):
            active: list[Promotion] = []
            for promotion in sorted(by_sku[sku], key=lambda p: (p.window.start, p.id)):
                active = [a for a in active if a.window.end >= promotion.window.start]
                for other in active:
                    pair = (other.id, promotion.id)
                    if pair in reported:
                        continue
                    stores = knowledge.scope_stores(other) & knowledge.scope_stores(promotion)
                    if not stores:
                        continue
                    relation = stacking_relation(other, promotion)
                    if relation == "stack":
                        continue
                    reported.add(pair)
                    doc = docs[promotion.id][0]
                    where = f"{sku} at {', '.join(sorted(stores)[:3])}"
                    if relation == "exclusive":
                        self.issues.add(
                            doc,
                            ("stacking",) if "stacking" in doc.data else ("window",),
                            f"overlaps {other.id} on {where} but the two may not combine;"
                            " move a window or narrow a scope",
                            code="overlap_not_stackable",
                        )
                    else:
                        self.issues.add(
                            doc,
                            ("stacking",) if "stacking" in doc.data else ("id",),
                            f"overlaps {other.id} on {where} and neither says whether they"
                            " combine; add stacks_with or not_with",
                            code="stacking_undefined",
                            severity="warning",
                        )
                active.append(promotion)
