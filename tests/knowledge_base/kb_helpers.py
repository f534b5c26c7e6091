"""Helpers shared by the knowledge-base tests (imported as ``kb_helpers``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DEFAULT_CONTACT = "the promotions desk at headquarters, extension 1000"
ZONES = {
    "SH-01": "Asia/Shanghai",
    "SH-02": "Asia/Shanghai",
    "HZ-01": "Asia/Shanghai",
    "SG-01": "Asia/Singapore",
    "BER-01": "Europe/Berlin",
}


def local(store_id: str, text: str) -> datetime:
    """Wall-clock time at a store as an aware datetime: ``local("SH-01", "2026-11-28T15:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(ZONES[store_id]))
