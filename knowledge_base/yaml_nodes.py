"""YAML nodes to plain data, within limits, keeping the line of every value.

The private half of :mod:`knowledge_base.yaml_source`: libyaml composes a file into nodes,
and :class:`Converter` turns them into dicts, lists and scalars (money as ``Decimal``, field
names always text), recording lines and refusing what breaks a :class:`YamlLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from knowledge_base.errors import Issue

Path_ = tuple[str | int, ...]
"""Where a value sits in a document: ``("rules", 0, "percent")``."""


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


def format_field(path: Path_) -> str:
    """``("rules", 0, "percent")`` -> ``rules[0].percent``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def compose(text: str) -> yaml.Node | None:
    """The root node of ``text`` (``None`` when empty); raises :class:`yaml.YAMLError`."""
    node: yaml.Node | None = yaml.compose(text, Loader=_FastLoader)
    return node


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


class Refused(Exception):
    """The document breaks a limit; converting it stops at once."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.message)
        self.issue = issue


class Converter:
    """Plain data from composed nodes, within limits; records lines and problems."""

    def __init__(
        self,
        *,
        file: str,
        text_length: int,
        limits: YamlLimits,
        lines: dict[Path_, int] | None = None,
        issues: list[Issue] | None = None,
    ) -> None:
        """Convert for ``file`` (named in issues) of ``text_length`` characters.

        Args:
            file: The file name used in issues.
            text_length: Characters of the file's text (bounds what aliases may add).
            limits: The bounds to enforce.
            lines: Filled with path -> 1-based line, when given.
            issues: Receives duplicate keys and non-text keys, when given.
        """
        self.file = file
        self.limits = limits
        self.lines = lines
        self.issues = issues
        self._on_path: set[int] = set()
        # Without aliases every value takes at least one character of the text, so a file
        # can hold at most len(text) values; whatever aliases add beyond that is bounded.
        self._budget = text_length + limits.max_alias_nodes
        self._values = 0

    def _refuse(self, node: yaml.Node, path: Path_, message: str, code: str) -> Refused:
        return Refused(
            Issue(
                file=self.file,
                line=node.start_mark.line + 1,
                field=format_field(path) or None,
                message=message,
                code=code,
            )
        )

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        """Plain data of ``node`` found at ``path``; raises :class:`Refused` past a limit."""
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
                            file=self.file,
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
                            file=self.file,
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
