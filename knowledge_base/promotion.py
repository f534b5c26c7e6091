"""The promotion schema: one promotion as ``promotions/<id>.yaml`` writes it, and its parts.

Its scope, limit, stacking, rule sets, FAQs and change notes; the rules themselves are in
:mod:`knowledge_base.rules`, the window in :mod:`knowledge_base.windows`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from knowledge_base.channels import Channels
from knowledge_base.contacts import PromotionContact
from knowledge_base.rules import Rule
from knowledge_base.text import Aliases, LocalizedText, Schema, ShortText
from knowledge_base.values import Sku, Slug, StoreId
from knowledge_base.windows import Window, parse_local

ALL = "*"
"""In ``stacking.stacks_with``: combines with every other promotion."""


class PromotionStatus(StrEnum):
    """Lifecycle of a promotion: only published (and retired, as history) are ever spoken."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class Scope(Schema):
    """Which items a promotion covers: categories and SKUs, minus exclusions."""

    categories: Annotated[list[Slug], Field(max_length=500)] = []
    skus: Annotated[list[Sku], Field(max_length=5000)] = []
    exclude_skus: Annotated[list[Sku], Field(max_length=5000)] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Scope:
        if not self.categories and not self.skus:
            raise ValueError("scope needs at least one category or SKU")
        return self


class Limit(Schema):
    """How many items one customer may buy at the promotion price."""

    per_customer: int = Field(ge=1, le=10_000)
    unit: ShortText = ShortText(en="items")
    """Spoken unit, plural: ``pairs`` / ``双``."""


class Stacking(Schema):
    """Which other promotions this one combines with on the same item.

    Two promotions on the same item combine when either names the other (or ``"*"``) in
    ``stacks_with``; they never combine when either is ``exclusive`` or names the other in
    ``not_with``. Anything else is *undefined*: the loader warns, and pricing applies only
    the better of the two for the customer.
    """

    exclusive: bool = False
    stacks_with: list[Annotated[str, Field(pattern=r"^(\*|[a-z0-9][a-z0-9-]*)$")]] = []
    not_with: list[Slug] = []


class RuleSet(Schema):
    """Rules for a scope of their own inside a promotion, optionally from a later date.

    A promotion's own ``scope`` and ``rules`` are its first rule set; ``rule_sets`` adds more.
    Each item is priced by one rule set at a time: the *last* one listed whose scope covers it
    and whose time has come. All rule sets share the promotion's window, stores, limit and
    stacking.
    """

    name: ShortText | None = None
    """What the chain calls this part of the offer ("Grand Sunday"): a question naming it is
    about these rules, on their first day (see :mod:`knowledge_base.named_rule_sets`)."""
    aliases: Aliases = []
    start: datetime | None = None
    """First local moment these rules apply (unset: the promotion's start)."""
    end: datetime | None = None
    """First local moment they no longer apply (unset: the promotion's end)."""
    scope: Scope
    rules: list[Rule] = Field(min_length=1, max_length=20)

    @field_validator("start", mode="before")
    @classmethod
    def _start(cls, value: Any) -> Any:
        return None if value is None else parse_local(value, is_end=False)

    @field_validator("end", mode="before")
    @classmethod
    def _end(cls, value: Any) -> Any:
        return None if value is None else parse_local(value, is_end=True)

    @model_validator(mode="after")
    def _ordered(self) -> RuleSet:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(
                f"rule set ends ({self.end:%Y-%m-%d %H:%M}) before it starts"
                f" ({self.start:%Y-%m-%d %H:%M})"
            )
        return self

    def bounds(self, window: Window) -> tuple[datetime, datetime]:
        """Local start and (exclusive) end of these rules inside the promotion's ``window``."""
        start = window.start if self.start is None else max(self.start, window.start)
        end = window.end if self.end is None else min(self.end, window.end)
        return start, end


class Faq(Schema):
    """A question customers ask, and what the clerk answers."""

    question: LocalizedText
    answer: LocalizedText


class Change(Schema):
    """Human-written notes on what a version changed."""

    version: int = Field(ge=1, le=1_000_000)
    notes: list[LocalizedText] = Field(min_length=1, max_length=50)


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str | dict) else value


class Promotion(Schema):
    """One promotion, as written in ``promotions/<id>.yaml``."""

    id: Slug
    version: int = Field(ge=1)
    status: PromotionStatus
    title: ShortText
    aliases: Aliases = []
    """Other names clerks use: ``weekend offer``, ``weekend deal``."""
    window: Window
    regions: list[Slug] = Field(min_length=1)
    stores: list[StoreId] = []
    """Only these stores of the regions take part; empty means all of them."""
    exclude_stores: list[StoreId] = []
    """Stores of those regions that do not take part."""
    scope: Scope
    rules: list[Rule] = Field(min_length=1, max_length=20)
    rule_sets: list[RuleSet] = Field(default=[], max_length=20)
    """More scopes with rules of their own, optionally from a later date (see :class:`RuleSet`)."""
    limit: Limit | None = None
    """Shared by every rule set."""
    stacking: Stacking = Stacking()
    channels: Channels = Channels()
    """Whether it combines with coupons, vouchers, the staff discount and the like."""
    contact: Slug | None = None
    """Contact id from ``contacts.yaml``; unset means the chain's default contact."""
    contacts: Annotated[list[PromotionContact], Field(max_length=20)] = []
    """Instead of ``contact``: several contacts, each for all or some stores."""
    published_at: datetime | date | None = None
    """When this version went out: a date, or a time with its UTC offset; informative."""
    talk_track: LocalizedText | None = None
    """What a clerk says (clerk and up)."""
    faqs: Annotated[list[Faq], Field(max_length=50)] = []
    store_manager_notes: Annotated[
        list[LocalizedText], BeforeValidator(_one_or_many), Field(max_length=50)
    ] = []
    """Execution and staffing notes (store managers and up)."""
    regional_manager_targets: Annotated[
        list[LocalizedText], BeforeValidator(_one_or_many), Field(max_length=50)
    ] = []
    """Targets (regional managers and headquarters)."""
    changes: Annotated[list[Change], Field(max_length=200)] = []
    """What each version changed, newest first."""

    @field_validator("published_at")
    @classmethod
    def _aware(cls, value: datetime | date | None) -> datetime | date | None:
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("a publish time needs its UTC offset, e.g. 2026-10-21T09:00+01:00")
        return value

    @model_validator(mode="after")
    def _one_way_to_name_contacts(self) -> Promotion:
        if self.contact is not None and self.contacts:
            raise ValueError("write either contact: (one contact) or contacts: (several), not both")
        return self

    @model_validator(mode="after")
    def _changes_fit_version(self) -> Promotion:
        seen: set[int] = set()
        for change in self.changes:
            if change.version > self.version:
                raise ValueError(
                    f"changes mention version {change.version} but the promotion is version"
                    f" {self.version}"
                )
            if change.version in seen:
                raise ValueError(f"changes list version {change.version} twice")
            seen.add(change.version)
        return self

    @cached_property
    def all_rule_sets(self) -> tuple[RuleSet, ...]:
        """The promotion's own scope and rules (index 0), then ``rule_sets`` in order."""
        # Built from already validated parts: no need to validate them again.
        own = RuleSet.model_construct(start=None, end=None, scope=self.scope, rules=self.rules)
        return (own, *self.rule_sets)

    @property
    def visible(self) -> bool:
        """Drafts are never spoken to anyone."""
        return self.status is not PromotionStatus.DRAFT

    def changes_for(self, version: int) -> Change | None:
        """The change notes of ``version``, if written."""
        return next((c for c in self.changes if c.version == version), None)
