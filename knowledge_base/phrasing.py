"""Spoken phrases for promotion facts, in English and Chinese.

Every phrase is built from knowledge-base values only (rules, windows, titles, contacts),
formatted by :mod:`knowledge_base.speech`, so the numbers an answer speaks are the numbers
the knowledge base holds. Each function also returns nothing but text: the caller records
the facts it used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from knowledge_base.models import (
    AmountOff,
    BuyXGetY,
    Contact,
    Currency,
    Limit,
    MemberExtraPercent,
    PercentOff,
    Promotion,
    Rule,
    ShortText,
    SpendThreshold,
    end_text,
    last_day,
    runs_to_midnight,
)
from knowledge_base.speech import money, percent, spoken_date, spoken_time


def title(promotion: Promotion, zh: bool) -> str:
    """The promotion's title in the answer's language."""
    return (promotion.title.zh_cn or promotion.title.en) if zh else promotion.title.en


def the_title(promotion: Promotion, zh: bool) -> str:
    """``the Weekend Running Offer`` / ``周末跑鞋优惠``."""
    return title(promotion, zh) if zh else f"the {promotion.title.en}"


def rule_phrases(
    promotion: Promotion, currency: Currency, zh: bool, rules: Sequence[Rule] | None = None
) -> list[str]:
    """The promotion's rules in speech, one phrase per rule, then the limit.

    ``["20 percent off", "members save another 5 percent", "limit 2 pairs per customer"]``.
    Rules without an amount in the store's currency are left out. ``rules``: those of the
    rule set pricing the item asked about (default: the promotion's own).
    """
    said = promotion.rules if rules is None else rules
    phrases = [phrase for rule in said for phrase in rule_phrase(rule, currency, zh)]
    if promotion.limit is not None:
        phrases.append(limit_phrase(promotion.limit, zh))
    return phrases


def rule_phrase(rule: Rule, currency: Currency | None, zh: bool) -> list[str]:
    """One rule in words: the one place a promotion rule is rendered.

    Usually one phrase; a percentage with a member percentage gives two
    (``["12 percent off", "members get 15 percent off instead"]``); none when the rule has
    no amount in ``currency``. With no currency (a change line, where the amounts live in
    their own fields) amounts are named but not spoken: ``an amount off each``,
    ``spend and save tiers``.
    """
    if currency is None:
        return _currency_free(rule, zh) or _in_currency(rule, None, zh)
    return _in_currency(rule, currency, zh)


def _currency_free(rule: Rule, zh: bool) -> list[str]:
    """The amount rules without their amounts; empty for the other rules."""
    if isinstance(rule, AmountOff):
        if zh:
            return [("会员" if rule.members_only else "") + "每件减价"]
        return [("members get " if rule.members_only else "") + "an amount off each"]
    if isinstance(rule, SpendThreshold):
        who = ("会员" if zh else "for members, ") if rule.members_only else ""
        return [who + ("满额减价" if zh else "spend and save tiers")]
    return []


def _in_currency(rule: Rule, currency: Currency | None, zh: bool) -> list[str]:
    """The rule with its amounts in ``currency`` (amount rules give nothing without one)."""
    lang = "zh-CN" if zh else "en"
    if isinstance(rule, PercentOff):
        phrases = [f"优惠{percent(rule.percent, lang)}" if zh else percent(rule.percent) + " off"]
        if rule.member_percent is not None:
            phrases.append(
                f"会员优惠{percent(rule.member_percent, lang)}"
                if zh
                else f"members get {percent(rule.member_percent)} off instead"
            )
        return phrases
    if isinstance(rule, MemberExtraPercent):
        return [
            f"会员再额外优惠{percent(rule.percent, lang)}"
            if zh
            else f"members save another {percent(rule.percent)}"
        ]
    if isinstance(rule, AmountOff):
        if currency is None or currency.code not in rule.amount:
            return []
        off = money(rule.amount[currency.code], currency, lang)
        if zh:
            return [("会员" if rule.members_only else "") + f"每件减{off}"]
        return [("members get " if rule.members_only else "") + f"{off} off each"]
    if isinstance(rule, SpendThreshold):
        # All tiers in one phrase: "spend A and get B off, or spend C and get D off".
        if currency is None:
            return []
        code = currency.code
        tiers = []
        for tier in rule.tiers:
            if code in tier.spend and code in tier.off:
                spend = money(tier.spend[code], currency, lang)
                off = money(tier.off[code], currency, lang)
                tiers.append(f"满{spend}减{off}" if zh else f"spend {spend} and get {off} off")
        if not tiers:
            return []
        who = ("会员" if zh else "for members, ") if rule.members_only else ""
        return [who + ("，".join(tiers) if zh else ", or ".join(tiers))]
    if isinstance(rule, BuyXGetY):
        free = rule.percent_off == 100
        if zh:
            what = "免费" if free else f"优惠{percent(rule.percent_off, lang)}"
            return [f"买{rule.buy}件，另{rule.get}件最便宜的{what}"]
        what = "free" if free else f"at {percent(rule.percent_off)} off"
        return [f"buy {rule.buy}, get the cheapest {rule.get} {what}"]
    return []


def limit_phrase(limit: Limit, zh: bool) -> str:
    """``limit 2 pairs per customer`` / ``每位顾客限2双``."""
    return per_customer(limit, zh) if zh else f"limit {per_customer(limit, zh)}"


def per_customer(limit: Limit, zh: bool) -> str:
    """``2 pairs per customer`` / ``每位顾客限2双``: the limit without its lead word."""
    if zh:
        return f"每位顾客限{limit.per_customer}{limit.unit.best('zh-CN')}"
    return f"{limit.per_customer} {unit_for(limit.per_customer, limit.unit.en)} per customer"


def unit_for(count: int, unit: str) -> str:
    """The spoken unit (written plural) for ``count``: ``1 laptop``, ``2 laptops``, ``1 box``."""
    if count != 1 or not unit.endswith("s") or unit.endswith("ss"):
        return unit
    for ending in ("ches", "shes", "xes", "sses"):
        if unit.endswith(ending):
            return unit[:-2]
    return unit[:-1]


def is_discount_phrase(promotion: Promotion, rules: Sequence[Rule] | None = None) -> bool:
    """True when the first rule reads as "X off" (percent or amount), not as a condition.

    A members-only rule reads "members get X off": a condition, never "the item is X off".
    """
    first = (promotion.rules if rules is None else rules)[0]
    if isinstance(first, AmountOff):
        return not first.members_only
    return isinstance(first, PercentOff)


def is_plural(noun: str) -> bool:
    """English plural by its ending or an "and": "boots", "comics and manga"; not "glass"."""
    return (noun.endswith("s") and not noun.endswith("ss")) or " and " in noun


def join(items: list[str], zh: bool, *, word: str = "and") -> str:
    """``a, b and c`` / ``a、b和c`` (``word="or"``: ``a, b or c`` / ``a、b或c``)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    if zh:
        return "、".join(items[:-1]) + ("和" if word == "and" else "还是") + items[-1]
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


_DOUBLED = re.compile(r"\b(\w+)(?:\s+\1\b)+", re.IGNORECASE)
_BROKEN = re.compile(r"\b(?:and|or)\s+(and|or)\b", re.IGNORECASE)


def tidy(text: str) -> str:
    """Remove doubled words ("is is") and broken joins ("and or") from spoken English.

    Templates should not produce them; this is the last line of defence before the ear.
    Numbers are never touched ("2 2" can be meant), nor a name that repeats a capitalised
    word ("Lipa Mdogo Mdogo", "Bora Bora"): only words.
    """
    text = _BROKEN.sub(lambda m: m.group(1), text)
    return _DOUBLED.sub(_undoubled, text)


def _undoubled(match: re.Match[str]) -> str:
    words = match.group(0).split()
    if match.group(1).isdigit() or all(word[0].isupper() for word in words):
        return match.group(0)
    return match.group(1)


def conditions(phrases: list[str], zh: bool) -> str:
    """Conditions read one after another: ``a, b, c`` / ``a，b，c``."""
    return ("，" if zh else ", ").join(p for p in phrases if p)


def sentence(text: str, zh: bool) -> str:
    """Capitalise and end with a full stop (``。`` in Chinese)."""
    text = text.strip()
    if not text:
        return text
    if zh:
        return text if text[-1] in "。！？" else text + "。"
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def lower_first(text: str) -> str:
    """Lowercase the first word when it is an ordinary capitalised word (not a code)."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return text[0].lower() + text[1:]
    return text


def day(moment: datetime, now: datetime, zh: bool) -> str:
    """``Sunday 29 November`` (with the year when it is not this year)."""
    return spoken_date(moment, "zh-CN" if zh else "en", with_year=moment.year != now.year)


def ends_phrase(ends: datetime, now: datetime, zh: bool, *, past: bool = False) -> str:
    """``ends on Sunday 29 November`` / ``ended on ...`` / ``ends at 18:00 on ...``."""
    at_time = not runs_to_midnight(ends)  # ``ends`` is exclusive: 00:00 = through the day before
    when = day(ends if at_time else _last(ends), now, zh)
    if zh:
        clock = spoken_time(ends) if at_time else ""
        return f"已于{when}{clock}结束" if past else f"{when}{clock}结束"
    verb = "ended" if past else "ends"
    return f"{verb} at {spoken_time(ends)} on {when}" if at_time else f"{verb} on {when}"


def says_end(text: str, ends: datetime) -> bool:
    """Whether ``text`` already says this end: its last day and, if it has one, its time.

    "... until 20:00 on Sunday 25 October." says an end at 20:00 on 25 October; "until
    Sunday at 18:00" does not say which Sunday, so the end is still worth a sentence.
    """
    at_time = not runs_to_midnight(ends)
    last = _last(ends)
    days = (f"{last.day} {last:%B}", f"{last.month}月{last.day}日")
    named = any(re.search(rf"(?<!\d){re.escape(d)}", text) for d in days)
    return named and (not at_time or spoken_time(ends) in text)


def starts_phrase(starts: datetime, now: datetime, zh: bool, *, past: bool = False) -> str:
    """``starts on Saturday 12 December`` / ``started on ...`` / ``starts at 10:00 on ...``."""
    when = day(starts, now, zh)
    at_time = starts.hour != 0 or starts.minute != 0
    if zh:
        clock = spoken_time(starts) if at_time else ""
        return f"已于{when}{clock}开始" if past else f"{when}{clock}开始"
    verb = "started" if past else "starts"
    return f"{verb} at {spoken_time(starts)} on {when}" if at_time else f"{verb} on {when}"


def contact_phrase(contact: Contact, zh: bool, role: ShortText | None = None) -> str:
    """``Lin Wei, east region promotions, extension 2204`` / ``华东区促销的Lin Wei，分机2204``.

    ``role`` (what they do for this promotion) replaces the team when given.
    """
    team = role or contact.team
    if zh:
        return f"{team.best('zh-CN')}的{contact.name}，{contact_ways(contact, zh)}"
    name = "the " + contact.name[4:] if contact.name.startswith("The ") else contact.name
    return f"{name}, {team.en}, {contact_ways(contact, zh)}"  # "call the Green Club desk"


def contact_ways(contact: Contact, zh: bool) -> str:
    """How to reach them, only as written: ``extension 2204 or email ops@...`` / ``分机2204``."""
    words = {"extension": "分机", "phone": "电话", "email": "邮箱"} if zh else {}
    ways = []
    for kind, value in contact.ways:
        if kind == "messaging":
            ways.append(f"{value}联系" if zh else f"on {value}")
        elif kind == "desk":
            desk = contact.desk.best("zh-CN") if zh and contact.desk else value
            ways.append(desk)
        else:
            ways.append(f"{words[kind]}{value}" if zh else f"{kind} {value}")
    return ("或" if zh else " or ").join(ways)


def contact_fact(contact: Contact) -> str:
    """The contact as a fact line."""
    return (
        f"contact {contact.id}: {contact.name}, {contact.team.en}, {contact_ways(contact, False)}"
    )


def price_fact(sku: str, name: str, amount_value: str, currency: Currency) -> str:
    """``AX-200 Aero X 200: list price 899 yuan (CNY)``."""
    return f"{sku} {name}: list price {amount_value} {currency.name.en} ({currency.code})"


def window_fact(promotion: Promotion, starts: datetime, ends: datetime, zone: str) -> str:
    """The window with exact local times and the spoken dates, as a fact line."""
    return f"{promotion.title.en} window at {zone}: {span_fact(starts, ends)}"


def span_fact(starts: datetime, ends: datetime) -> str:
    """``2026-10-24 00:00 to 2026-10-25 (Saturday 24 October 2026 to Sunday 25 ...; ...)``.

    A start and an exclusive end with their spoken dates in both languages: what a fact
    line needs for an answer to say when something starts or ends.
    """
    return (
        f"{starts:%Y-%m-%d %H:%M} to {end_text(ends)}"
        f" ({spoken_date(starts, with_year=True)} to {spoken_date(_last(ends), with_year=True)};"
        f" {spoken_date(starts, 'zh-CN', with_year=True)}"
        f"至{spoken_date(_last(ends), 'zh-CN', with_year=True)})"
    )


def _last(ends: datetime) -> datetime:
    """The last day on of an exclusive end, as a datetime for :func:`spoken_date`."""
    return datetime.combine(last_day(ends), ends.time())


def rules_fact(promotion: Promotion, currency: Currency, scope: str) -> str:
    """The rules in words, as a fact line."""
    return (
        f"{promotion.title.en} ({promotion.id}, version {promotion.version},"
        f" {promotion.status.value}) on {scope}:"
        f" {'; '.join(rule_phrases(promotion, currency, False))}"
    )
