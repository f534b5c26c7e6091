"""Units a loose item is sold by ("salmon 32.99 per kg"): how they are heard and said.

A product with ``sold_by`` has list prices per unit, and a basket counts whole units: "four
kilos of salmon" is 4 of it, said back as "4 kilograms of the Atlantic Salmon Fillet".
"""

from __future__ import annotations

from typing import Literal

MeasureUnit = Literal["kg", "lb", "m", "l"]
"""Kilogram, pound, metre, litre."""

_HEARD: dict[str, frozenset[str]] = {
    "kg": frozenset("kg kgs kilo kilos kilogram kilograms kilogramme kilogrammes".split()),
    "lb": frozenset("lb lbs pound pounds".split()),
    "m": frozenset("m metre metres meter meters".split()),
    "l": frozenset("l litre litres liter liters".split()),
}
_SAID_EN = {"kg": "kilogram", "lb": "pound", "m": "metre", "l": "litre"}
_SAID_ZH = {"kg": "公斤", "lb": "磅", "m": "米", "l": "升"}
_LABEL_EN = {
    "kg": ("kg", "kilo", "kilogram"),
    "lb": ("lb", "pound"),
    "m": ("m", "metre", "meter"),
    "l": ("l", "litre", "liter"),
}


def heard_as(unit: MeasureUnit, word: str) -> bool:
    """Whether ``word`` (a token as heard) names ``unit``: "kilos" and "kg" are both kg."""
    return word in _HEARD[unit]


def said_measure(quantity: int, unit: MeasureUnit, zh: bool) -> str:
    """``4 kilograms``, ``1 kilogram``, ``4公斤``."""
    if zh:
        return f"{quantity}{_SAID_ZH[unit]}"
    word = _SAID_EN[unit]
    return f"{quantity} {word}" if quantity == 1 else f"{quantity} {word}s"


def without_unit_label(name: str, unit: MeasureUnit, zh: bool) -> str:
    """A shelf label's name without its "per kg" ("每公斤"), said after a weight asked."""
    if zh:
        return name.removeprefix("每" + _SAID_ZH[unit]).removesuffix("每" + _SAID_ZH[unit])
    for label in _LABEL_EN[unit]:
        for form in (f" per {label}", f" / {label}", f"/{label}"):
            if name.lower().endswith(form):
                return name[: -len(form)]
    return name
