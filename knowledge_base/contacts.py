"""People and desks a clerk can call about a promotion.

A contact needs at least one way to reach them (an extension, a phone number, an email or a
desk) and none of them may look like a placeholder (``TBD``, ``0000``, ``<ext>``): whatever is
written here is read out to the clerk.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field, field_validator, model_validator

from knowledge_base.text import Schema, ShortText, looks_like_placeholder
from knowledge_base.words import tokens


def _real(value: str | None) -> str | None:
    if value is not None and looks_like_placeholder(value):
        raise ValueError(
            f"{value!r} looks like a placeholder; write the real value or leave the field out"
        )
    return value


class Contact(Schema):
    """Someone a clerk can call about a promotion."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    name: str = Field(min_length=1, max_length=120)
    team: ShortText
    """What they do, said after the name: ``east region promotions``."""
    extension: str | None = Field(default=None, pattern=r"^[0-9]{2,8}$")
    """Internal phone extension."""
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ()-]{3,23}[0-9]$")
    """Phone number as dialled: ``+86 21 5555 0100``."""
    email: str | None = Field(
        default=None, pattern=r"^[^@\s]{1,64}@[^@\s]{1,200}\.[A-Za-z]{2,24}$", max_length=254
    )
    desk: ShortText | None = None
    """A place to go or a desk to ask for: ``the service desk on the ground floor``."""
    messaging: str | None = Field(default=None, min_length=1, max_length=80)
    """A messaging app, with the handle when there is one: ``LINE`` / ``LINE @yating.lin``."""

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.extension or self.phone or self.email or self.desk or self.messaging):
            raise ValueError(
                "a contact needs at least one way to reach them: extension, phone, email,"
                " messaging or desk"
            )
        return self

    @field_validator("name", "extension", "phone", "email", "messaging")
    @classmethod
    def _not_placeholder(cls, value: str | None) -> str | None:
        return _real(value)

    @field_validator("team", "desk")
    @classmethod
    def _text_not_placeholder(cls, value: ShortText | None) -> ShortText | None:
        if value is not None:
            _real(value.en)
        return value

    @property
    def ways(self) -> list[tuple[str, str]]:
        """How to reach them, in English, best first: ``[("extension", "2204"), ...]``."""
        out = [
            (kind, value)
            for kind, value in (
                ("extension", self.extension),
                ("phone", self.phone),
                ("email", self.email),
                ("messaging", self.messaging),
            )
            if value
        ]
        if self.desk:
            out.append(("desk", self.desk.en))
        return out


class ContactsFile(Schema):
    """``contacts.yaml``."""

    default: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    """Who answers for promotions without a ``contact:`` (unset: the assistant's built-in
    default contact, the ``answerer.contact`` setting)."""
    contacts: list[Contact] = Field(min_length=1)


class PromotionContact(Schema):
    """Who answers for a promotion at some of its stores (``contacts:`` of a promotion).

    Without ``regions`` and ``stores`` the entry covers every store of the promotion; with
    them, only those. At a store every entry covering it is named, in the order written.
    """

    contact: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    regions: list[str] = Field(default=[], max_length=100)
    stores: list[str] = Field(default=[], max_length=1000)
    role: ShortText | None = None
    """What they do for this promotion, said after the name: ``on the shop floor``."""

    def covers(self, store_id: str, region_id: str) -> bool:
        """Whether this entry answers for ``store_id`` (of region ``region_id``)."""
        if not self.regions and not self.stores:
            return True
        return store_id in self.stores or region_id in self.regions


def contact_named(words: list[str], contacts: Iterable[Contact]) -> Contact | None:
    """The one person whose first or last name the question says ("Jordan MacLeod's").

    Desks and teams ("The Promotions Office") are asked for by their promotion instead:
    their names are ordinary words.
    """
    said = set(words) | {w.removesuffix("s") for w in words}
    spaced = f" {' '.join(words)} "
    found = [
        contact
        for contact in contacts
        if (
            not contact.name.startswith("The ")
            and any(len(part) >= 3 and part in said for part in contact.name.lower().split())
        )
        or (contact.name.startswith("The ") and f" {_desk_words(contact.name)} " in spaced)
    ]
    return found[0] if len(found) == 1 else None


def _desk_words(name: str) -> str:
    """The last two words of a desk's name, which say it whole: "promotions desk"."""
    return " ".join(tokens(name)[-2:])


_REACH_WORDS = frozenset(
    "number phone mobile cell email mail extension ext whatsapp telegram viber".split()
)
"""Words asking how to reach someone: "dana's number", "javier's email?"."""


def asks_for_person(words: list[str], contacts: Iterable[Contact]) -> bool:
    """Whether the question asks how to reach one named person ("whats dana's number").

    Where a desk is, of a desk with a place to go ("where is the Adasa Club desk?"), is
    how to reach it too.
    """
    named = contact_named(words, contacts)
    if named is None:
        return False
    return bool(_REACH_WORDS & set(words)) or ("where" in words and named.desk is not None)
