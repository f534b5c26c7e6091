"""The one YAML reader of the knowledge base: bounded, with the line of every value.

Every YAML file the knowledge base reads (content, history versions, stored versions) goes
through :func:`read_yaml` or :func:`parse_yaml`, and every model is validated against it
with :func:`validate_document`, so each problem is reported the same way: an
:class:`~knowledge_base.errors.Issue` with file, line and dotted field
(``promotions/spring.yaml:12: error: rules[0].percent: ...``).

Hostile input is bounded (:class:`YamlLimits`): files above a size are not read, a scalar
longer than a limit is refused, and aliases may not expand into more than a small number of
nodes (a few hundred bytes of nested aliases would otherwise become gigabytes of data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge_base.errors import Issue
from knowledge_base.yaml_nodes import (
    DEFAULT_LIMITS,
    Converter,
    Path_,
    Refused,
    YamlLimits,
    compose,
    format_field,
)

__all__ = [
    "DEFAULT_LIMITS",
    "Path_",
    "YamlDocument",
    "YamlLimits",
    "files_under",
    "format_field",
    "parse_yaml",
    "read_yaml",
    "validate_document",
    "yaml_files",
]

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(slots=True)
class YamlDocument:
    """One YAML file as plain data; the line of every value is worked out when first asked."""

    file: str
    text: str
    data: Any = None
    limits: YamlLimits = DEFAULT_LIMITS
    _lines: dict[Path_, int] | None = field(default=None, repr=False)

    def line(self, path: Path_) -> int | None:
        """1-based line of the deepest value written on ``path`` (``None``: nowhere)."""
        lines = self.lines
        for end in range(len(path), -1, -1):
            line = lines.get(path[:end])
            if line is not None:
                return line
        return None

    def has(self, path: Path_) -> bool:
        """True when ``path`` names a value written in the file."""
        return path in self.lines

    @property
    def lines(self) -> dict[Path_, int]:
        """Path -> 1-based line, built on demand (valid files never need it)."""
        if self._lines is None:
            self._lines = {}
            root = compose(self.text)
            if root is not None:
                self._lines[()] = root.start_mark.line + 1
                Converter(
                    file=self.file,
                    text_length=len(self.text),
                    limits=self.limits,
                    lines=self._lines,
                ).convert(root, ())
        return self._lines

    def issue(
        self, path: Path_ | None, message: str, *, code: str, severity: str = "error"
    ) -> Issue:
        """An issue at ``path`` of this document (its line looked up)."""
        return Issue(
            file=self.file,
            line=self.line(path) if path is not None else None,
            field=format_field(path) if path else None,
            message=message,
            severity="warning" if severity == "warning" else "error",
            code=code,
        )


# --- reading --------------------------------------------------------------------------------


def read_yaml(
    file: Path, *, limits: YamlLimits = DEFAULT_LIMITS
) -> tuple[YamlDocument | None, list[Issue]]:
    """Read and parse one YAML file.

    Returns:
        The document (``None`` when nothing usable was read) and every problem found.
        A document can come back *with* errors (a duplicate key): its data is still usable
        for further checks, but the file is invalid.
    """
    name = str(file)
    try:
        raw = _read_bounded(file, limits.max_file_bytes)
    except OSError as e:
        return None, [_issue(name, f"cannot read file: {e.strerror or e}", "unreadable")]
    if raw is None:
        return None, [
            _issue(
                name,
                f"file is larger than {limits.max_file_bytes} bytes; split it or shorten it",
                "file_too_large",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, [_issue(name, f"not UTF-8 text: {e.reason}", "encoding")]
    return parse_yaml(text, file=name, limits=limits)


_CHUNK = 64 * 1024


def _read_bounded(file: Path, limit: int) -> bytes | None:
    """The file's bytes, or ``None`` once it proves longer than ``limit`` (never reads more)."""
    chunks: list[bytes] = []
    total = 0
    with file.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > limit:
                return None
            chunks.append(chunk)
    return b"".join(chunks)


def parse_yaml(
    text: str, *, file: str, limits: YamlLimits = DEFAULT_LIMITS
) -> tuple[YamlDocument | None, list[Issue]]:
    """Parse YAML ``text`` (named ``file`` in messages); see :func:`read_yaml`."""
    if len(text.encode("utf-8", errors="replace")) > limits.max_file_bytes:
        return None, [
            _issue(file, f"text is larger than {limits.max_file_bytes} bytes", "file_too_large")
        ]
    try:
        root = compose(text)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return None, [
            Issue(
                file=file,
                line=mark.line + 1 if mark else None,
                field=None,
                message=f"invalid YAML: {e.problem or e.context}",
                code="yaml_syntax",
            )
        ]
    except yaml.YAMLError as e:
        return None, [_issue(file, f"invalid YAML: {e}", "yaml_syntax")]
    if root is None:
        return None, [_issue(file, "file is empty", "empty_file")]
    doc = YamlDocument(file=file, text=text, limits=limits)
    issues: list[Issue] = []
    converter = Converter(file=file, text_length=len(text), limits=limits, issues=issues)
    try:
        doc.data = converter.convert(root, ())
    except Refused as refused:
        return None, [*issues, refused.issue]
    return doc, issues


def yaml_files(directory: Path) -> list[Path]:
    """``*.yaml`` and ``*.yml`` files directly in ``directory``, sorted (none if it is absent)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def files_under(directory: Path) -> list[Path]:
    """Every regular, non-hidden file below ``directory`` (recursively), sorted."""
    if not directory.is_dir():
        return []
    return sorted(
        p
        for p in directory.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(directory).parts)
    )


def _issue(file: str, message: str, code: str) -> Issue:
    return Issue(file=file, line=None, field=None, message=message, code=code)


# --- validation -----------------------------------------------------------------------------


def validate_document(
    model: type[_Model], doc: YamlDocument, *, at: Path_ = ()
) -> tuple[_Model | None, list[Issue]]:
    """Validate the value at ``at`` in ``doc`` (the whole document by default) as ``model``.

    Every pydantic error becomes an :class:`Issue` with the line of the offending value and
    its dotted field, prefixed by ``at`` (``promotion.rules[0].percent``).
    """
    data = doc.data
    for part in at:
        data = data.get(part) if isinstance(data, dict) and isinstance(part, str) else None
    try:
        return model.model_validate(data), []
    except ValidationError as e:
        issues = []
        for error in e.errors(include_url=False):
            path = _known_path(at, error["loc"], doc)
            issues.append(doc.issue(path, _message(error), code=f"schema_{error['type']}"))
        return None, issues


def _known_path(prefix: Path_, loc: tuple[Any, ...], doc: YamlDocument) -> Path_:
    """Map a pydantic error location onto the document, skipping union tags and the like."""
    path: Path_ = prefix
    for part in loc:
        if doc.has((*path, part)):
            path = (*path, part)
        elif isinstance(part, str) and not part.startswith("function-") and part not in _TAGS:
            # A missing field: name it, although it has no line of its own.
            path = (*path, part)
    return path


_TAGS = {"percent_off", "amount_off", "member_extra_percent", "spend_threshold", "buy_x_get_y"}
_ECHO_CHARS = 60
"""Longest input echoed back in a message."""


def _message(error: Any) -> str:
    kind = error["type"]
    loc = error["loc"]
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        return f"unknown field {name!r}"
    if kind == "missing":
        return f"missing required field {name!r}"
    if kind == "union_tag_invalid":
        context = error.get("ctx") or {}
        return (
            f"unknown {context.get('discriminator', 'kind')} {context.get('tag')!r};"
            f" expected one of {context.get('expected_tags')}"
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if isinstance(value, str | int | float | Decimal | bool) and kind != "value_error":
        shown = value if not isinstance(value, str) else _abridged(value)
        message += f" (got {shown!r})"
    return message


def _abridged(text: str) -> str:
    if len(text) <= _ECHO_CHARS:
        return text
    return f"{text[:_ECHO_CHARS]}... ({len(text)} characters)"
