"""CSV export of feedback records, safe to open in a spreadsheet.

Transcripts are data typed by people: a cell that starts with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) would be read as a formula by Excel or LibreOffice, so it is
prefixed with an apostrophe (the OWASP advice on CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from knowledge_base.feedback.models import FeedbackRecord

CSV_COLUMNS = [
    "id", "utc_time", "local_time", "store_id", "region_id", "clerk_id", "role", "language",
    "category", "urgency", "sentiment", "classifier", "products", "promotion",
    "promotions_in_force", "capture_id", "part", "parts", "transcript",
]  # fmt: skip
"""Column order of the export; lists are joined with ``;``."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """``value`` as a spreadsheet will show it, never run it."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def record_row(record: FeedbackRecord) -> list[str]:
    """One record as CSV cells, in :data:`CSV_COLUMNS` order."""
    values: dict[str, str] = {
        "id": record.id,
        "utc_time": record.utc_time.isoformat(),
        "local_time": record.local_time.isoformat(),
        "store_id": record.store_id,
        "region_id": record.region_id,
        "clerk_id": record.clerk_id,
        "role": record.role.value,
        "language": record.language,
        "category": record.category.value,
        "urgency": record.urgency.value,
        "sentiment": record.sentiment.value,
        "classifier": record.classifier.value,
        "products": ";".join(record.products),
        "promotion": record.promotion or "",
        "promotions_in_force": ";".join(record.promotions_in_force),
        "capture_id": record.capture_id or "",
        "part": str(record.part),
        "parts": str(record.parts),
        "transcript": record.transcript,
    }
    return [safe_cell(values[column]) for column in CSV_COLUMNS]


def csv_text(records: Iterable[FeedbackRecord]) -> str:
    """The CSV document (header first) of ``records``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow(record_row(record))
    return buffer.getvalue()
