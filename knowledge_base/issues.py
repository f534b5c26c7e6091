"""The issues a load finds, collected with the file, line and field each is at.

Every check (:mod:`knowledge_base.checks` and the checks it runs) adds to one
:class:`Issues`; the loader reports them all at once.
"""

from __future__ import annotations

from knowledge_base.errors import Issue, Severity
from knowledge_base.yaml_source import Path_, YamlDocument, format_field


class Issues:
    """Collects issues as loading goes on."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(
        self,
        doc: YamlDocument | str,
        path: Path_ | None,
        message: str,
        *,
        code: str,
        severity: Severity = "error",
    ) -> None:
        """Record a problem at ``path`` of ``doc`` (or of a file with no document)."""
        if isinstance(doc, YamlDocument):
            file, line = doc.file, (doc.line(path) if path is not None else None)
        else:
            file, line = doc, None
        self.items.append(
            Issue(
                file=file,
                line=line,
                field=format_field(path) if path else None,
                message=message,
                severity=severity,
                code=code,
            )
        )
