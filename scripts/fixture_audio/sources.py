"""The spoken lines to render: questions files and feedback sets, validated with file and line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class QuestionsFileError(ValueError):
    """A questions or feedback file is missing or invalid; the message names file, line, field."""


@dataclass(frozen=True)
class SpokenQuestion:
    """One line to speak; ``line`` is its line in a questions file (0 for feedback sets)."""

    id: str
    text: str
    language: str
    line: int


def _parse(path: Path, parse: Callable[[str], Any]) -> Any:
    """``parse`` applied to the text of ``path``; a missing file or bad YAML is an error."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise QuestionsFileError(f"{path}: file not found") from e
    except yaml.YAMLError as e:
        raise QuestionsFileError(f"{path}: invalid YAML: {e}") from e


def load_questions(path: Path) -> list[SpokenQuestion]:
    """The ``spoken: true`` entries of ``path``, in file order."""
    document = _parse(path, yaml.compose)
    if not isinstance(document, yaml.MappingNode):
        raise QuestionsFileError(f"{path}: expected a mapping with a 'questions' list")
    root = {key.value: value for key, value in document.value}
    items = root.get("questions")
    if not isinstance(items, yaml.SequenceNode):
        raise QuestionsFileError(f"{path}: field 'questions': expected a list")
    result: list[SpokenQuestion] = []
    seen: dict[str, int] = {}
    for node in items.value:
        line = node.start_mark.line + 1
        entry = yaml.safe_load(yaml.serialize(node))
        where = f"{path}:{line}"
        if not isinstance(entry, dict):
            raise QuestionsFileError(f"{where}: expected a mapping per question")
        spoken = entry.get("spoken", False)
        entry.setdefault("language", "en")  # as the bench's question model defaults it
        required: list[tuple[str, type]] = [("id", str), ("text", str), ("spoken", bool)]
        if spoken is True:
            required.append(("language", str))
        for name, kind in required:
            if not isinstance(entry.get(name, spoken if name == "spoken" else None), kind):
                raise QuestionsFileError(f"{where}: field '{name}': expected {kind.__name__}")
        qid = entry["id"]
        if not qid or not all(c.isalnum() or c in "-_" for c in qid):
            raise QuestionsFileError(f"{where}: field 'id': {qid!r} is not a safe file name")
        if qid in seen:
            raise QuestionsFileError(f"{where}: field 'id': {qid!r} repeats line {seen[qid]}")
        seen[qid] = line
        if spoken:
            if not entry["text"].strip():
                raise QuestionsFileError(f"{where}: field 'text': empty")
            result.append(SpokenQuestion(qid, entry["text"], entry["language"], line))
    return result


def _feedback_items(path: Path) -> list[Any]:
    """The raw ``items`` list of a feedback set."""
    document = _parse(path, yaml.safe_load)
    items = document.get("items") if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise QuestionsFileError(f"{path}: field 'items': expected a list")
    return items


def load_feedback_lines(path: Path) -> list[SpokenQuestion]:
    """The ``spoken: true`` items of a feedback set (any language), in file order."""
    lines: list[SpokenQuestion] = []
    for index, item in enumerate(_feedback_items(path)):
        if not isinstance(item, dict) or item.get("spoken") is not True:
            continue
        if not isinstance(item.get("id"), str) or not isinstance(item.get("text"), str):
            raise QuestionsFileError(f"{path}: items[{index}]: fields 'id' and 'text' needed")
        lines.append(SpokenQuestion(item["id"], item["text"], item.get("language", "en"), 0))
    return lines


def load_feedback_items(path: Path, ids: tuple[str, ...]) -> list[SpokenQuestion]:
    """The items of a feedback set with the given ids, in the order of ``ids``."""
    found = {item.get("id"): item for item in _feedback_items(path) if isinstance(item, dict)}
    lines: list[SpokenQuestion] = []
    for item_id in ids:
        item = found.get(item_id)
        if item is None or not isinstance(item.get("text"), str):
            raise QuestionsFileError(f"{path}: no item {item_id!r} with a 'text'")
        lines.append(SpokenQuestion(item_id, item["text"], item.get("language", "zh-CN"), 0))
    return lines
