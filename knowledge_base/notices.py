"""Spoken notices of a published change: what changed, from when, for whom, then "got it?".

A notice is at most three short sentences, phrased for its listener's role and place:

    Urgent update to the Weekend Running Offer, effective Friday 27 November at your store:
    the discount went up from 15 percent to 20 percent. The Aero X 200 Limited Edition is
    now excluded. Say "got it" when you have it.

What changed comes from the two versions, never from free text: in English the field diff
(:func:`knowledge_base.versions.change_summary`, filtered by role); in Chinese the
version's own change notes when every number in them is backed by the two versions (checked
with the fact guard), else the new version's rules (:func:`knowledge_base.phrasing.rule_phrases`).
``Notice.facts`` lists the version text a notice was built from, so a check can prove it.

Who a notice concerns is decided in :mod:`knowledge_base.notice_scope`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from knowledge_base.answering import Role
from knowledge_base.fact_guard import FactSet
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import Currency, Promotion, is_chinese
from knowledge_base.notice_scope import Audience, Publication, notice_stores, promotion_stores
from knowledge_base.phrasing import day, join, lower_first, rule_phrases, rules_fact, window_fact
from knowledge_base.speech import spoken_time
from knowledge_base.versions import change_lines, change_summary, spoken_names

ACKNOWLEDGE_EN = 'Say "got it" when you have it.'
ACKNOWLEDGE_ZH = "听清后请说“收到”。"
MAX_CHANGE_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Notice:
    """One spoken notice, ready for text to speech."""

    notice_id: str
    promotion_id: str
    version: int
    role: Role
    language: str
    sentences: tuple[str, ...]
    facts: tuple[str, ...]
    """Version text the sentences were built from (what a fact check compares against)."""
    store_ids: tuple[str, ...]
    """Stores the notice concerns, sorted."""

    @property
    def text(self) -> str:
        """The whole notice."""
        return ("" if is_chinese(self.language) else " ").join(self.sentences)

    def to_dict(self) -> dict[str, object]:
        """Plain values for JSON."""
        return {
            "notice_id": self.notice_id,
            "promotion_id": self.promotion_id,
            "version": self.version,
            "role": self.role.value,
            "language": self.language,
            "text": self.text,
            "sentences": list(self.sentences),
            "store_ids": list(self.store_ids),
        }


def compose_notice(
    publication: Publication, *, knowledge: KnowledgeBase, audience: Audience, language: str
) -> Notice:
    """The spoken notice of ``publication`` for ``audience``, in ``language`` (en or zh-CN)."""
    zh = is_chinese(language)
    new, old = publication.promotion, publication.previous
    zone, currency = _place(knowledge, audience, new)
    names = spoken_names(knowledge)
    facts = _facts(old, new, currency, zone, names)
    stores = notice_stores(publication, knowledge)
    in_scope = _in_scope(knowledge, audience, new)
    if old is not None and in_scope and not _in_scope(knowledge, audience, old):
        # New to this listener's stores: announce it as a new promotion.
        publication = replace(publication, previous=None)
    head = _headline(publication, zh) + ("，" if zh else ", ")
    if not in_scope:
        where = _where(knowledge, audience, old or new, zh)
        first = f"{head}不再在{where}进行" if zh else f"{head}it no longer runs {where}"
        sentences = [first]
    else:
        changes = _changes(publication, audience.role, currency, facts, names, zh)
        when = _when(publication, zone, zh)
        where = _where(knowledge, audience, new, zh)
        if zh:
            sentences = [f"{head}{when}在{where}生效：{changes[0]}", *changes[1:]]
        else:
            sentences = [f"{head}{when} {where}: {lower_first(changes[0])}", *changes[1:]]
    sentences = [_end(s, zh) for s in sentences] + [ACKNOWLEDGE_ZH if zh else ACKNOWLEDGE_EN]
    return Notice(
        notice_id=publication.notice_id,
        promotion_id=new.id,
        version=new.version,
        role=audience.role,
        language=language,
        sentences=tuple(sentences),
        facts=tuple(facts),
        store_ids=tuple(sorted(stores)),
    )


def escalation_notice(
    publication: Publication, *, clerk_name: str, plays: int, language: str
) -> str:
    """What a store manager hears when a clerk has not acknowledged a notice.

    ``Ana Li has not acknowledged the update to the Weekend Running Offer, version 3, after
    hearing it 2 times.``
    """
    promotion = publication.promotion
    if is_chinese(language):
        name = promotion.title.best("zh-CN")
        return f"{clerk_name}收听{plays}次后仍未确认{name}第{promotion.version}版的更新。"
    return (
        f"{clerk_name} has not acknowledged the update to the {promotion.title.en},"
        f" version {promotion.version}, after hearing it {_times(plays)}."
    )


def _end(text: str, zh: bool) -> str:
    text = text.strip().rstrip("。.，, ")
    return text + ("。" if zh else ".")


def _headline(publication: Publication, zh: bool) -> str:
    promotion = publication.promotion
    name = promotion.title.best("zh-CN") if zh else promotion.title.en
    if publication.previous is None:
        return (
            f"{'紧急' if publication.urgent else ''}新促销：{name}"
            if zh
            else (f"{'Urgent: new' if publication.urgent else 'New'} promotion, the {name}")
        )
    if zh:
        return f"{name}{'紧急' if publication.urgent else ''}更新"
    return f"{'Urgent update' if publication.urgent else 'Update'} to the {name}"


def _place(
    knowledge: KnowledgeBase, audience: Audience, promotion: Promotion
) -> tuple[str, Currency]:
    """Time zone and currency the listener hears times and money in."""
    if audience.store_id is not None and audience.store_id in knowledge.stores:
        return knowledge.zone_name(audience.store_id) or "UTC", knowledge.currency_of(
            audience.store_id
        )
    region_id = audience.region_id or promotion.regions[0]
    region = knowledge.regions[region_id]
    zone = region.time_zone or next((s.time_zone for s in region.stores if s.time_zone), "UTC")
    return zone, knowledge.currencies[region.currency]


def _in_scope(knowledge: KnowledgeBase, audience: Audience, promotion: Promotion) -> bool:
    stores = promotion_stores(knowledge, promotion)
    if audience.role is Role.HQ:
        return bool(stores)
    if audience.role is Role.REGIONAL_MANAGER:
        return any(knowledge.region_of(store).id == audience.region_id for store in stores)
    return audience.store_id in stores


def _where(knowledge: KnowledgeBase, audience: Audience, promotion: Promotion, zh: bool) -> str:
    lang = "zh-CN" if zh else "en"
    if audience.role is Role.CLERK:
        return "本店" if zh else "at your store"
    if audience.role is Role.STORE_MANAGER and audience.store_id in knowledge.stores:
        name = knowledge.stores[audience.store_id].name.best(lang)
        return name if zh else f"at {name}"
    stores = promotion_stores(knowledge, promotion)
    regions = [
        region
        for region in knowledge.regions.values()
        if (audience.role is not Role.REGIONAL_MANAGER or region.id == audience.region_id)
        and any(store.id in stores for store in region.stores)
    ]
    places: list[str] = []
    for region in regions:
        if all(store.id in stores for store in region.stores):
            places.append(region.name.best(lang) if zh else f"all {region.name.en} stores")
        else:
            places += [s.name.best(lang) for s in region.stores if s.id in stores]
    return join(places, zh) if zh else f"at {join(places, zh)}"


def _when(publication: Publication, zone: str, zh: bool) -> str:
    local_now = publication.published_at.astimezone(ZoneInfo(zone))
    starts = publication.promotion.window.start
    if starts <= local_now.replace(tzinfo=None):
        return "即日起" if zh else "effective now"
    when = day(starts, local_now, zh)
    clock = starts.hour != 0 or starts.minute != 0
    if zh:
        return f"自{when}{spoken_time(starts) if clock else ''}起"
    return f"effective {spoken_time(starts)} on {when}" if clock else f"effective {when}"


def _facts(
    old: Promotion | None, new: Promotion, currency: Currency, zone: str, names: dict[str, str]
) -> list[str]:
    scope = ", ".join(new.scope.categories + new.scope.skus)
    facts = [
        rules_fact(new, currency, scope),
        window_fact(new, new.window.start, new.window.end, zone),
    ]
    if old is not None:
        facts += [line for line in change_lines(old, new) if not line.startswith("change notes")]
        facts.append(rules_fact(old, currency, ", ".join(old.scope.categories + old.scope.skus)))
    skus = {sku for p in (old, new) if p for sku in (*p.scope.skus, *p.scope.exclude_skus)}
    facts += [f"{sku}: {names[sku]}" for sku in sorted(skus) if sku in names]
    return facts


def _changes(
    publication: Publication,
    role: Role,
    currency: Currency,
    facts: list[str],
    names: dict[str, str],
    zh: bool,
) -> list[str]:
    new, old = publication.promotion, publication.previous
    if old is not None and not zh:
        summary = change_summary(old, new, role=role, names=names)
        if summary:
            return summary[:MAX_CHANGE_SENTENCES]
    if old is not None and zh:
        notes = [n.zh_cn for n in publication.change_notes() if n.zh_cn]
        backed = FactSet.from_texts(facts) if notes else None
        if backed is not None and all(backed.check(note).ok for note in notes):
            return notes[:MAX_CHANGE_SENTENCES]
    phrases = rule_phrases(new, currency, zh)
    if zh:
        return [("现在" if old is not None else "") + "，".join(phrases)]
    return [("it is now " if old is not None else "") + join(phrases, zh)]


def _times(count: int) -> str:
    """``once``, ``2 times``: "after hearing it once", not "1 times"."""
    return "once" if count == 1 else f"{count} times"
