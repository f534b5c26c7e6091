"""Canonical content of a version: YAML in field order, defaults left out; its hash.

The content hash is a SHA-256 over the canonical content *without* the ``version`` field,
so only a real change of content makes a new version; reformatting a file, adding comments
or spelling a default out does not.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import yaml

from knowledge_base.models import Promotion
from knowledge_base.versions.errors import VersionContentError
from knowledge_base.yaml_source import parse_yaml, validate_document


def promotion_document(promotion: Promotion) -> dict[str, Any]:
    """The promotion as plain data: field order kept, defaults left out, values normalised."""
    raw = promotion.model_dump(mode="python", by_alias=True, exclude_defaults=True)
    document = _plain(raw)
    assert isinstance(document, dict)
    return document


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else value.normalize()
    if isinstance(value, datetime):
        if value.second == 0 and value.microsecond == 0:
            return value.isoformat(timespec="minutes")
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


class _CanonicalDumper(yaml.SafeDumper):
    """Writes Decimals as plain numbers (their exact text, never through float)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_CanonicalDumper.add_representer(Decimal, _represent_decimal)


def canonical_text(promotion: Promotion) -> str:
    """The promotion as canonical YAML (what a version stores)."""
    return yaml.dump(
        promotion_document(promotion),
        Dumper=_CanonicalDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )


def content_hash(promotion: Promotion) -> str:
    """SHA-256 (hex) of the canonical content without ``version``."""
    document = promotion_document(promotion)
    document.pop("version", None)
    encoded = json.dumps(
        document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def promotion_from_text(text: str) -> Promotion:
    """Parse a promotion from YAML text (a stored version or a promotion file).

    Read through the knowledge base's one bounded YAML reader, so stored text gets the same
    limits and Decimal numbers as the files.

    Raises:
        VersionContentError: The text is not YAML or not a valid promotion.
    """
    doc, issues = parse_yaml(text, file="<version>")
    if doc is None:
        raise VersionContentError(f"not valid YAML: {'; '.join(i.message for i in issues)}")
    promotion, invalid = validate_document(Promotion, doc)
    if promotion is None:
        raise VersionContentError(f"not a valid promotion: {'; '.join(map(str, invalid))}")
    return promotion


def as_promotion(value: Promotion | str) -> Promotion:
    """A promotion model, parsing YAML text when given text."""
    return value if isinstance(value, Promotion) else promotion_from_text(value)


def unified_diff(
    old: Promotion | str | None,
    new: Promotion | str,
    *,
    old_label: str = "old",
    new_label: str = "new",
) -> str:
    """A unified text diff of the canonical YAML of two promotions (``old=None``: empty)."""
    old_text = "" if old is None else canonical_text(as_promotion(old))
    new_text = canonical_text(as_promotion(new))
    return "".join(
        difflib.unified_diff(
            old_text.splitlines(keepends=True),
            new_text.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
