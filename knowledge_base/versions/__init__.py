"""Promotion versions: what was published when, and what changed between two versions.

The stored, published versions are the one source of truth: the service answers from the
newest published version of each promotion, and "what changed?" compares it with the stored
version before it. Modules:

* :mod:`.records`: :class:`PromotionVersion`, :class:`Publication` and the repository
  Protocols the storage adapters implement.
* :mod:`.canonical`: the canonical YAML a version stores and its content hash.
* :mod:`.diff`: field-level differences between two promotions.
* :mod:`.wording`: those differences as lines for headquarters and spoken sentences.
* :mod:`.history`: ``history/<id>/v<N>.yaml`` files, which only seed a first import.
* :mod:`.publishing`: which versions a publish stores (the version-number rules).
"""

from knowledge_base.versions.canonical import (
    canonical_text,
    content_hash,
    promotion_document,
    promotion_from_text,
    unified_diff,
)
from knowledge_base.versions.change_lines import change_lines
from knowledge_base.versions.change_sentences import change_summary, spoken_names
from knowledge_base.versions.diff import FieldChange, Item, diff_promotions
from knowledge_base.versions.errors import VersionConflictError, VersionContentError, VersionError
from knowledge_base.versions.history import (
    HISTORY_DIR,
    HistoryEntry,
    read_history,
    version_line,
)
from knowledge_base.versions.publishing import (
    STALE_VERSION,
    PublicationPlan,
    PublishCandidate,
    make_version,
    plan_publication,
)
from knowledge_base.versions.records import (
    PromotionVersion,
    PromotionVersionRepository,
    Publication,
    PublicationRepository,
)
from knowledge_base.versions.wording import VersionChanges, compare_versions, latest_changes

__all__ = [
    "HISTORY_DIR",
    "STALE_VERSION",
    "FieldChange",
    "HistoryEntry",
    "Item",
    "PromotionVersion",
    "PromotionVersionRepository",
    "Publication",
    "PublicationPlan",
    "PublicationRepository",
    "PublishCandidate",
    "VersionChanges",
    "VersionConflictError",
    "VersionContentError",
    "VersionError",
    "canonical_text",
    "change_lines",
    "change_summary",
    "compare_versions",
    "content_hash",
    "diff_promotions",
    "latest_changes",
    "make_version",
    "plan_publication",
    "promotion_document",
    "promotion_from_text",
    "read_history",
    "spoken_names",
    "unified_diff",
    "version_line",
]
