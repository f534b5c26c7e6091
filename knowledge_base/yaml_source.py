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
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge_base.errors import Issue

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: ``("rules", 0, "percent")``."""

_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class YamlLimits:
    """Bounds on one YAML file."""

    max_file_bytes: int = 4 * 1024 * 1024
    """Files larger than this are not read (bytes)."""
    max_scalar_chars: int = 20_000
    """Longest single value (characters); the models set tighter limits per field."""
    max_alias_nodes: int = 10_000
    """Values aliases may add to a file beyond what its text holds (one per character)."""
    max_depth: int = 40
    """Deepest nesting of mappings and lists."""


DEFAULT_LIMITS = YamlLimits()


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
            root = yaml.compose(self.text, Loader=_FastLoader)
            if root is not None:
                self._lines[()] = root.start_mark.line + 1
                _Converter(self, self.limits, lines=self._lines).convert(root, ())
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


def format_field(path: Path_) -> str:
    """``("rules", 0, "percent")`` -> ``rules[0].percent``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
        root = yaml.compose(text, Loader=_FastLoader)
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
    converter = _Converter(doc, limits, issues=issues)
    try:
        doc.data = converter.convert(root, ())
    except _Refused as refused:
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


# --- YAML with line numbers -------------------------------------------------------------------

try:
    from yaml.cyaml import CParser as _Parser
except ImportError:  # PyYAML built without libyaml: correct, only slower.
    from yaml import SafeLoader as _Parser  # type: ignore[assignment]


class _FastLoader(_Parser, yaml.resolver.Resolver):  # type: ignore[misc]
    """libyaml's parser with a resolver that settles plain words without regular expressions.

    Resolving every scalar through PyYAML's regex table is most of the cost of loading
    thousands of promotion files; a plain word is text unless it is a YAML 1.1 boolean or null.
    libyaml also refuses nesting deeper than 1000 levels while parsing.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        yaml.resolver.Resolver.__init__(self)

    # No path-dependent resolvers here: skip PyYAML's per-node bookkeeping.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode:
            if not implicit[0]:
                return _STR
            first = value[:1]
            if first.isalpha() and value not in _WORDS_WITH_MEANING:
                return _STR
            return yaml.resolver.Resolver.resolve(self, kind, value, implicit)
        if kind is yaml.SequenceNode:
            return "tag:yaml.org,2002:seq"
        return "tag:yaml.org,2002:map"


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_WORDS_WITH_MEANING = {
    spelled
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for spelled in (word, word.capitalize(), word.upper())
}
_constructor = yaml.constructor.SafeConstructor()


class _Refused(Exception):
    """The document breaks a limit; converting it stops at once."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class _Converter:
    """Plain data from composed nodes, within limits; records lines and problems."""

    def __init__(
        self,
        doc: YamlDocument,
        limits: YamlLimits,
        *,
        lines: dict[Path_, int] | None = None,
        issues: list[Issue] | None = None,
    ) -> None:
        self.doc = doc
        self.limits = limits
        self.lines = lines
        self.issues = issues
        self._on_path: set[int] = set()
        # Without aliases every value takes at least one character of the text, so a file
        # can hold at most len(text) values; whatever aliases add beyond that is bounded.
        self._budget = len(doc.text) + limits.max_alias_nodes
        self._values = 0

    def _refuse(self, node: yaml.Node, path: Path_, message: str, code: str) -> _Refused:
        return _Refused(
            Issue(
                file=self.doc.file,
                line=node.start_mark.line + 1,
                field=format_field(path) or None,
                message=message,
                code=code,
            )
        )

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self._values += 1
        if self._values > self._budget:
            raise self._refuse(
                node,
                path,
                f"aliases expand to more than {self.limits.max_alias_nodes} extra values;"
                " write the values out or use fewer aliases",
                "yaml_alias_limit",
            )
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            key = id(node)
            if key in self._on_path:
                raise self._refuse(node, path, "an alias refers to itself", "yaml_alias_recursive")
            if len(path) >= self.limits.max_depth:
                raise self._refuse(
                    node,
                    path,
                    f"nested deeper than {self.limits.max_depth} levels",
                    "yaml_too_deep",
                )
            self._on_path.add(key)
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, path)
                return self._sequence(node, path)
            finally:
                self._on_path.discard(key)
        if isinstance(node.value, str) and len(node.value) > self.limits.max_scalar_chars:
            raise self._refuse(
                node,
                path,
                f"value is {len(node.value)} characters long"
                f" (at most {self.limits.max_scalar_chars})",
                "value_too_long",
            )
        return _scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        lines, issues = self.lines, self.issues
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                key_path = (*path, f"<key@{key_node.start_mark.line + 1}>")
                if lines is not None:
                    lines[key_path] = key_node.start_mark.line + 1
                if issues is not None:
                    issues.append(
                        Issue(
                            file=self.doc.file,
                            line=key_node.start_mark.line + 1,
                            field=format_field(key_path),
                            message="keys must be plain text",
                            code="key",
                        )
                    )
                continue
            # Keys are field names: always text (YAML 1.1 would read `off:` as false).
            key = key_node.value
            key_path = (*path, key)
            if lines is not None and key_path not in lines:
                lines[key_path] = key_node.start_mark.line + 1
            if key in out:
                if issues is not None:
                    issues.append(
                        Issue(
                            file=self.doc.file,
                            line=key_node.start_mark.line + 1,
                            field=format_field(key_path),
                            message=f"duplicate key {key!r}",
                            code="duplicate_key",
                        )
                    )
                continue
            out[key] = self.convert(value_node, key_path)
        return out

    def _sequence(self, node: yaml.SequenceNode, path: Path_) -> list[Any]:
        items = []
        lines = self.lines
        for index, item in enumerate(node.value):
            if lines is not None:
                lines[(*path, index)] = item.start_mark.line + 1
            items.append(self.convert(item, (*path, index)))
        return items


def _scalar(node: yaml.Node) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    if tag == _INT and node.value.isdigit() and len(node.value) < 40:
        return int(node.value)
    if tag.endswith(":float"):
        # Money must not pass through float: read the decimal from its text.
        try:
            value = Decimal(node.value.replace("_", ""))
        except InvalidOperation:
            value = None
        if value is not None and value.is_finite():
            return value
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError):
        # e.g. 2026-13-01 looks like a date but is none: keep the text, the schema says why.
        return node.value
