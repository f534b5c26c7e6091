"""Errors of promotion versions, each with a machine-readable ``code``."""

from __future__ import annotations

from knowledge_base.errors import KnowledgeError


class VersionError(KnowledgeError):
    """A version cannot be stored or read."""

    code = "version_error"


class VersionConflictError(VersionError):
    """Another publisher stored the same promotion version first."""

    code = "version_conflict"


class VersionContentError(VersionError):
    """Stored or shipped version content is not a valid promotion."""

    code = "version_content_invalid"
