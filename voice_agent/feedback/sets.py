"""Read labelled feedback sets from files and train the offline classifier from one."""

from __future__ import annotations

import time
from functools import lru_cache
from pathlib import Path

from loguru import logger

from knowledge_base.feedback.classifier import OfflineClassifier, catalogue_names
from knowledge_base.feedback.models import FeedbackSet
from knowledge_base.feedback.sets import (
    FeedbackSetUnreadableError,
    SetProblem,
    parse_feedback_set,
)
from knowledge_base.loader import SAMPLE_DATA_DIR, load_knowledge_base
from voice_agent.settings import PROJECT_ROOT

FEEDBACK_DATA_DIR = SAMPLE_DATA_DIR / "feedback"
DEFAULT_TRAINING_SET = FEEDBACK_DATA_DIR / "train.yaml"
"""The packaged labelled set the offline classifier learns from."""
DEFAULT_VALIDATION_SET = FEEDBACK_DATA_DIR / "validation.yaml"
"""The packaged validation split (never trained on): development figures."""
MAX_SET_BYTES = 20_000_000
"""A feedback set larger than this is refused (bounded memory)."""


def load_feedback_set(path: Path) -> FeedbackSet:
    """Read and validate a feedback-set file.

    Raises:
        FeedbackSetUnreadableError: missing, too large or not UTF-8.
        FeedbackSetError: invalid (with line and field).
    """
    try:
        size = path.stat().st_size
        if size > MAX_SET_BYTES:
            raise FeedbackSetUnreadableError(
                str(path), [SetProblem(None, None, f"file is {size} bytes, over {MAX_SET_BYTES}")]
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise FeedbackSetUnreadableError(
            str(path), [SetProblem(None, None, f"cannot read: {e}")]
        ) from e
    return parse_feedback_set(text, source=str(path))


def set_knowledge_path(
    feedback_set: FeedbackSet, set_path: Path, *, override: Path | None, configured: Path | None
) -> Path | None:
    """The knowledge base a set's SKUs refer to (``None``: the packaged sample).

    ``override`` (``--kb``) first, then the set's ``catalogue`` (relative to the working
    directory, the set's folder or the project), then ``configured`` (knowledge_base.path).
    """
    if override is not None:
        return override
    if feedback_set.catalogue:
        for base in (Path.cwd(), set_path.parent, PROJECT_ROOT):
            candidate = base / feedback_set.catalogue
            if (candidate / "catalogue.yaml").is_file():
                return candidate
    return configured


def train_offline_classifier(path: Path | None = None) -> OfflineClassifier:
    """Train the offline classifier on a labelled set (default: the packaged one)."""
    source = path or DEFAULT_TRAINING_SET
    started = time.perf_counter()
    labelled = load_feedback_set(source)
    catalogue = set_knowledge_path(labelled, source, override=None, configured=None)
    classifier = OfflineClassifier.train(
        labelled.items, product_names=catalogue_names(load_knowledge_base(catalogue))
    )
    logger.debug(
        "feedback classifier trained on {} items from {} in {:.0f} ms",
        classifier.trained_on,
        source,
        (time.perf_counter() - started) * 1000,
    )
    return classifier


@lru_cache(maxsize=4)
def shared_offline_classifier(path: Path | None = None) -> OfflineClassifier:
    """One trained classifier per training file per process (it is read-only once trained)."""
    return train_offline_classifier(path)
