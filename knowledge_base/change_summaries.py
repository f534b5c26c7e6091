"""What a promotion's current version changed, as the grounded answerer is handed it.

The answerer does not read version history itself (that is storage); whoever builds it
passes a :data:`ChangeSummaries` function that summarises a promotion's last change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from knowledge_base.answering import Role
from knowledge_base.models import Promotion


@dataclass(frozen=True)
class ChangeSummary:
    """What a promotion's current version changed, as spoken sentences and their facts."""

    sentences: list[str]
    """Spoken English sentences, most important first ("The discount went up from ...")."""
    facts: list[str]
    """Knowledge-base text backing every number in ``sentences``: the previous version as
    stored, and the names spoken (``AX-200-LE: Aero X 200 Limited Edition``)."""


ChangeSummaries = Callable[[Promotion, Role], ChangeSummary | None]
"""What a promotion's current version changed for a role; ``None`` when nothing is stored."""
