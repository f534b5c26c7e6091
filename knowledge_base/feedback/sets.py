"""Read labelled feedback sets from YAML text, with the line of every bad item."""

from __future__ import annotations

from dataclasses import dataclass

import yaml
from pydantic import ValidationError

from knowledge_base.feedback.models import FeedbackSet

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (ten times faster), else the Python one."""


@dataclass(frozen=True, slots=True)
class SetProblem:
    """One problem in a feedback-set file."""

    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class FeedbackSetError(ValueError):
    """A feedback set could not be read; ``problems`` lists every problem found."""

    code = "feedback_set_invalid"

    def __init__(self, source: str, problems: list[SetProblem]) -> None:
        self.source = source
        self.problems = problems
        shown = "\n".join(f"  {source}: {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{source}: {len(problems)} problem(s):\n{shown}{more}")


class FeedbackSetUnreadableError(FeedbackSetError):
    """The file could not be read at all (missing, too large, not UTF-8)."""

    code = "feedback_set_unreadable"


def parse_feedback_set(text: str, *, source: str = "<feedback set>") -> FeedbackSet:
    """Validate the YAML ``text`` of a feedback set.

    Raises:
        FeedbackSetError: with the line and field of every problem (duplicate ids included).
    """
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise FeedbackSetError(source, [SetProblem(line, None, f"invalid YAML: {e}")]) from e
    try:
        feedback_set = FeedbackSet.model_validate(data)
    except ValidationError as e:
        lines = _item_lines(yaml.compose(text, Loader=_LOADER))
        problems = []
        for error in e.errors():
            loc = error["loc"]
            line = None
            if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
                line = lines.get(loc[1])
            field = ".".join(str(part) for part in loc) or None
            problems.append(SetProblem(line, field, error["msg"]))
        raise FeedbackSetError(source, problems) from e
    seen: set[str] = set()
    duplicate_indexes = []
    for index, item in enumerate(feedback_set.items):
        if item.id in seen:
            duplicate_indexes.append(index)
        seen.add(item.id)
    if duplicate_indexes:
        lines = _item_lines(yaml.compose(text, Loader=_LOADER))
        raise FeedbackSetError(
            source,
            [
                SetProblem(
                    lines.get(i), f"items.{i}.id", f"duplicate id {feedback_set.items[i].id!r}"
                )
                for i in duplicate_indexes
            ],
        )
    return feedback_set


def _item_lines(node: yaml.Node | None) -> dict[int, int]:
    """Item index -> 1-based line where the item starts."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "items":
            if isinstance(value, yaml.SequenceNode):
                return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}
