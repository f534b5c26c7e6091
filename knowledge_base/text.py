"""Building blocks of the content schema: the strict base model and localized text.

Spoken text is bounded: a title or a name is a phrase, a talk track a few sentences. A
value beyond the limit is refused when the knowledge base loads, never read out whole.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


class Schema(BaseModel):
    """Base of every content model: strict about unknown fields, immutable once loaded."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def is_chinese(language: str) -> bool:
    """True for ``zh``, ``zh-CN``, ``zh-Hans`` and friends."""
    return language.lower().startswith("zh")


DEFAULT_LANGUAGE = "en"
"""What a store speaks when neither it nor its region names a language."""
SPOKEN_LANGUAGES = ("en", "zh-CN")
"""Languages the chain's texts can be spoken in: those :class:`LocalizedText` holds."""


def _spoken_language(value: str) -> str:
    if value not in SPOKEN_LANGUAGES:
        raise ValueError(
            f"{value!r} is not a language the chain's texts can be spoken in"
            f" (one of: {', '.join(SPOKEN_LANGUAGES)})"
        )
    return value


SpokenLanguage = Annotated[str, AfterValidator(_spoken_language)]
"""A BCP-47 tag of :data:`SPOKEN_LANGUAGES` (``en``, ``zh-CN``)."""


class LocalizedText(Schema):
    """Text in English (required) and Simplified Chinese (optional), at most 1000 characters.

    A plain string in YAML is the English text. Used for what is read out at length: talk
    tracks, FAQ answers, notes.
    """

    max_chars: ClassVar[int] = 1000

    en: str = Field(min_length=1)
    zh_cn: str | None = Field(default=None, alias="zh-CN", min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_english(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _bounded(self) -> LocalizedText:
        for text in (self.en, self.zh_cn):
            if text is not None and len(text) > self.max_chars:
                raise ValueError(
                    f"text is {len(text)} characters long (at most {self.max_chars} here)"
                )
        return self

    def get(self, language: str) -> str | None:
        """The text in ``language`` (``en`` or ``zh-CN``), or ``None`` when it has none."""
        return self.zh_cn if is_chinese(language) else self.en

    def best(self, language: str) -> str:
        """The text in ``language``, falling back to English."""
        return self.get(language) or self.en


class ShortText(LocalizedText):
    """A name or a title: localized text of at most 120 characters."""

    max_chars: ClassVar[int] = 120


Alias = Annotated[str, Field(min_length=1, max_length=80)]
"""Another name a clerk says (``weekend offer``)."""
Aliases = Annotated[list[Alias], Field(max_length=50)]

_PLACEHOLDER = re.compile(
    r"""^(
        tbd|tba|tbc|todo|fixme|n/?a|none|null|nil|unknown|unset|placeholder|dummy|example
        |sample|test|changeme|name|phone|extension|email|desk|contact
        |x+|\?+|-+|_+|\.+|\*+|\#+|0+|1234|12345|123456|1234567|12345678
        |<.*>|\[.*\]|\{.*\}
    )$""",
    re.VERBOSE,
)
_PLACEHOLDER_PART = re.compile(r"@example\.(com|org|net)$|xxx|\btbd\b|\bto be (defined|decided)\b")


def looks_like_placeholder(text: str) -> bool:
    """True for values an author types to fill a required field: ``TBD``, ``0000``, ``<ext>``."""
    folded = text.strip().lower()
    return bool(_PLACEHOLDER.match(folded) or _PLACEHOLDER_PART.search(folded))
