"""Errors of the knowledge-base layer, each with a machine-readable ``code``.

Loading reports every problem it finds as an :class:`Issue` (file, line, field, message,
severity) and raises one :class:`KnowledgeBaseError` carrying all of them, so an author
fixes a file in one pass instead of one error at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in the knowledge-base files."""

    file: str
    """Path of the file, as loaded."""
    line: int | None
    """1-based line of the offending field (``None`` when the problem has no single place)."""
    field: str | None
    """Dotted path of the field inside the file, e.g. ``rules[0].percent``."""
    message: str
    severity: Severity = "error"
    code: str = "invalid"
    """Machine-readable kind of problem, e.g. ``yaml_syntax``, ``unknown_sku``."""

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        where = f" {self.field}:" if self.field else ""
        return f"{place}: {self.severity}:{where} {self.message}"

    def to_dict(self) -> dict[str, object]:
        """Plain dict for JSON output."""
        return asdict(self)


class KnowledgeError(Exception):
    """Base of every knowledge-base error."""

    code: str = "knowledge_error"


class KnowledgeBaseError(KnowledgeError):
    """The knowledge-base files could not be loaded; ``issues`` lists every problem found."""

    code = "knowledge_base_invalid"

    def __init__(self, issues: Sequence[Issue]) -> None:
        self.issues = list(issues)
        errors = [issue for issue in self.issues if issue.severity == "error"]
        shown = "\n".join(f"  {issue}" for issue in errors[:50])
        more = f"\n  ... and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"knowledge base has {len(errors)} error(s):\n{shown}{more}")

    @property
    def errors(self) -> list[Issue]:
        """The issues of severity ``error``."""
        return [issue for issue in self.issues if issue.severity == "error"]


class UnknownEntityError(KnowledgeError, LookupError):
    """A store, SKU, region or promotion id that the knowledge base does not hold."""

    code = "unknown_entity"

    def __init__(self, kind: str, key: str) -> None:
        self.kind = kind
        self.key = key
        self.code = f"unknown_{kind}"
        super().__init__(f"unknown {kind}: {key!r}")


class ResolutionError(KnowledgeError):
    """A promotion cannot be placed in time (for example a store without a time zone)."""

    code = "resolution_failed"


class PricingError(KnowledgeError):
    """A basket cannot be priced from the knowledge base."""

    code = "pricing_failed"
