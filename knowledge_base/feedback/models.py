"""Feedback records and labelled feedback sets (the schema of ``docs/feedback.md``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from knowledge_base.answering import Role
from knowledge_base.feedback.taxonomy import FeedbackCategory, Sentiment, Urgency

MAX_TEXT_CHARS = 4000
"""Longest text one record (or one labelled item) holds; longer speech is chunked."""


class ClassifierSource(StrEnum):
    """Which classifier labelled a record."""

    OFFLINE = "offline"
    LLM = "llm"
    FALLBACK = "fallback"
    """The LLM was configured but failed; the offline classifier labelled it."""
    MANUAL = "manual"
    """Corrected by the clerk or a manager."""


class Classification(BaseModel):
    """Category, urgency and sentiment of one feedback text."""

    model_config = ConfigDict(frozen=True)

    category: FeedbackCategory
    urgency: Urgency
    sentiment: Sentiment
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    """Probability of the category (offline classifier); 1.0 when not estimated."""
    source: ClassifierSource = ClassifierSource.OFFLINE
    reason: str | None = None
    """Why the fallback was used (``timeout``, ``invalid_output``, an error code)."""


class FeedbackRecord(BaseModel):
    """One piece of feedback as stored: what was said, by whom, where, when, and what it is.

    ``transcript`` is data: it is kept verbatim and never interpreted as an instruction.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    transcript: str = Field(max_length=MAX_TEXT_CHARS)
    clerk_id: str
    role: Role = Role.CLERK
    store_id: str
    region_id: str
    local_time: AwareDatetime
    """When it was said, in the store's time zone."""
    utc_time: AwareDatetime
    """The same moment in UTC."""
    language: str = "en"
    """BCP-47 (``en``, ``zh-CN``)."""
    category: FeedbackCategory
    urgency: Urgency
    sentiment: Sentiment
    classifier: ClassifierSource = ClassifierSource.OFFLINE
    products: list[str] = []
    """SKUs mentioned, in the order heard."""
    promotion: str | None = None
    """The promotion the feedback names, else the single one in force on its products."""
    promotions_in_force: list[str] = []
    """Published promotions running at the store at that moment on the products mentioned."""
    capture_id: str | None = None
    """Shared by the records of one long capture that was chunked."""
    part: int = Field(default=1, ge=1)
    parts: int = Field(default=1, ge=1)
    audio_uri: str | None = None
    """Where the compressed audio is kept (set by the storage layer)."""
    supersedes: str | None = None
    """Id of the record this one corrects (the clerk said "correct that" and spoke again)."""


class LabelledItem(BaseModel):
    """One labelled feedback text of a training or evaluation set.

    Fields beyond the schema are kept (``model_extra``), not refused: sets written by others
    may carry their own optional extensions (a voice, a noise level); ``check-set`` lists them.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$", max_length=80)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    language: str = Field(pattern=r"^(en|zh-CN)$")
    category: FeedbackCategory
    urgency: Urgency
    sentiment: Sentiment
    products: list[str] = []
    """SKUs mentioned (possibly none)."""
    promotion: str | None = None
    store: str | None = None
    """Optional: the store the feedback was given at (extension)."""
    audio: str | None = None
    """Optional: a recording of the text, relative to the set file (extension)."""


class FeedbackSet(BaseModel):
    """A labelled set of feedback texts (one YAML file); extra top-level fields are kept."""

    model_config = ConfigDict(extra="allow", frozen=True)

    language_mix: str | None = None
    catalogue: str | None = None
    """Which knowledge base the SKUs and promotions refer to."""
    reference_time: datetime | None = None
    """Optional: naive store-local moment the items were said (for promotions in force)."""
    items: list[LabelledItem] = Field(min_length=1)


def extension_fields(feedback_set: FeedbackSet) -> list[str]:
    """Fields used in the set beyond the documented schema (``items.<field>`` for items)."""
    found = dict.fromkeys(feedback_set.model_extra or {})
    for item in feedback_set.items:
        found.update(dict.fromkeys(f"items.{name}" for name in item.model_extra or {}))
    return list(found)
