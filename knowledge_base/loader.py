"""Load and validate the knowledge-base files, reporting every problem with file and line.

Layout of a knowledge-base directory::

    regions.yaml        currencies, regions (time zone, currency) and their stores
    catalogue.yaml      categories and products (SKU, names, aliases, list prices)
    contacts.yaml       people to call (optional)
    promotions/*.yaml   one promotion per file

Every file is read by :mod:`knowledge_base.yaml_source` (bounded, with the line of every
value); schema errors from pydantic are mapped back to that line, and cross-file checks
(:mod:`knowledge_base.checks`) add theirs. Nothing stops at the first problem:
:class:`~knowledge_base.errors.KnowledgeBaseError` lists them all.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from knowledge_base.checks import Checker
from knowledge_base.errors import Issue, KnowledgeBaseError
from knowledge_base.issues import Issues
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.models import CatalogueFile, ContactsFile, Promotion, RegionsFile
from knowledge_base.yaml_source import (
    DEFAULT_LIMITS,
    YamlDocument,
    YamlLimits,
    format_field,
    read_yaml,
    validate_document,
    yaml_files,
)

__all__ = [
    "CATALOGUE_FILE",
    "CONTACTS_FILE",
    "PROMOTIONS_DIR",
    "REGIONS_FILE",
    "SAMPLE_DATA_DIR",
    "format_field",
    "load_knowledge_base",
    "validate_knowledge_base",
]

SAMPLE_DATA_DIR = Path(__file__).resolve().parent / "data"
"""The sample chain's content, shipped inside the package."""

REGIONS_FILE = "regions.yaml"
CATALOGUE_FILE = "catalogue.yaml"
CONTACTS_FILE = "contacts.yaml"
PROMOTIONS_DIR = "promotions"

_Model = TypeVar("_Model", bound=BaseModel)


def load_knowledge_base(
    path: Path | None = None, *, limits: YamlLimits = DEFAULT_LIMITS
) -> KnowledgeBase:
    """Load the knowledge base in directory ``path`` (``None``: the packaged sample content).

    Raises:
        KnowledgeBaseError: with every error (and warning) found; warnings alone do not raise.
    """
    knowledge, issues = _load(path or SAMPLE_DATA_DIR, limits)
    if knowledge is None or any(issue.severity == "error" for issue in issues):
        raise KnowledgeBaseError(issues)
    return knowledge


def validate_knowledge_base(
    path: Path | None = None, *, limits: YamlLimits = DEFAULT_LIMITS
) -> list[Issue]:
    """Every error and warning in the knowledge base at ``path``, in file order."""
    return _load(path or SAMPLE_DATA_DIR, limits)[1]


def _load(root: Path, limits: YamlLimits) -> tuple[KnowledgeBase | None, list[Issue]]:
    # Loading allocates millions of small objects that all stay alive; the cyclic garbage
    # collector would rescan them again and again (several times slower at 10 000 files).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _load_directory(root, limits)
    finally:
        if enabled:
            gc.enable()


def _load_directory(root: Path, limits: YamlLimits) -> tuple[KnowledgeBase | None, list[Issue]]:
    issues = Issues()
    if not root.is_dir():
        issues.add(str(root), None, "knowledge-base directory not found", code="not_found")
        return None, issues.items

    def read(
        name: str, model: type[_Model], *, required: bool
    ) -> tuple[YamlDocument | None, _Model | None]:
        file = root / name
        if not file.exists():
            if required:
                issues.add(str(file), None, f"required file {name} is missing", code="missing")
            return None, None
        return _read(file, model, issues, limits)

    regions_doc, regions = read(REGIONS_FILE, RegionsFile, required=True)
    catalogue_doc, catalogue = read(CATALOGUE_FILE, CatalogueFile, required=True)
    contacts_doc, contacts = read(CONTACTS_FILE, ContactsFile, required=False)

    promotion_docs: list[tuple[YamlDocument, Promotion]] = []
    for file in yaml_files(root / PROMOTIONS_DIR):
        doc, promotion = _read(file, Promotion, issues, limits)
        if doc is not None and promotion is not None:
            promotion_docs.append((doc, promotion))

    if regions is None or catalogue is None or regions_doc is None or catalogue_doc is None:
        return None, _in_file_order(issues.items)

    knowledge = KnowledgeBase(
        catalogue=catalogue,
        regions=regions,
        contacts=contacts,
        promotions=[p for _, p in promotion_docs],
        sources={p.id: doc.file for doc, p in promotion_docs},
    )
    checker = Checker(
        knowledge=knowledge,
        issues=issues,
        contacts_readable=contacts is not None or not (root / CONTACTS_FILE).exists(),
    )
    checker.check_regions(regions_doc, regions)
    checker.check_catalogue(catalogue_doc, catalogue)
    if contacts_doc is not None and contacts is not None:
        checker.check_contacts(contacts_doc, contacts)
    checker.check_promotions(promotion_docs)
    checker.check_default_contact(contacts_doc, contacts, [p for _, p in promotion_docs])
    return knowledge, _in_file_order(issues.items)


def _read(
    file: Path, model: type[_Model], issues: Issues, limits: YamlLimits
) -> tuple[YamlDocument | None, _Model | None]:
    doc, found = read_yaml(file, limits=limits)
    issues.items.extend(found)
    if doc is None:
        return None, None
    value, invalid = validate_document(model, doc)
    issues.items.extend(invalid)
    return doc, value


def _in_file_order(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda issue: (issue.file, issue.line or 0))
