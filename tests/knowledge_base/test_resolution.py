from datetime import UTC, datetime
from pathlib import Path

import pytest
from kb_helpers import local

from knowledge_base import resolution
from knowledge_base.errors import ResolutionError, UnknownEntityError
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.loader import load_knowledge_base
from knowledge_base.resolution import Phase, stacking_relation


def _ids(knowledge: KnowledgeBase, store: str, at: datetime, sku: str) -> list[str]:
    return [
        applied.promotion.id
        for applied in resolution.resolve(knowledge, store_id=store, at=at, item=sku)
    ]


def test_the_weekend_offer_applies_to_the_ax200_on_saturday_afternoon(knowledge) -> None:
    applied = resolution.resolve(
        knowledge, store_id="SH-01", at=local("SH-01", "2026-11-28T15:00"), item="AX-200"
    )
    assert [a.promotion.id for a in applied] == ["weekend-running"]
    assert applied[0].starts.isoformat() == "2026-11-27T00:00:00+08:00"
    assert applied[0].ends.isoformat() == "2026-11-30T00:00:00+08:00"  # first moment off
    assert applied[0].rule_set_index == 0


def test_an_excluded_sku_gets_nothing(knowledge) -> None:
    assert _ids(knowledge, "SH-01", local("SH-01", "2026-11-28T15:00"), "AX-200-LE") == []


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-26T23:59:59", []),
        ("2026-11-27T00:00:00", ["weekend-running"]),
        ("2026-11-29T23:59:00", ["weekend-running"]),
        ("2026-11-29T23:59:59.999999", ["weekend-running"]),
        ("2026-11-30T00:00:00", []),
    ],
)
def test_the_weekend_offer_starts_and_ends_at_local_midnight(knowledge, moment, expected) -> None:
    assert _ids(knowledge, "SH-01", local("SH-01", moment), "RN-300") == expected


def test_the_same_instant_is_read_in_each_stores_own_zone(knowledge) -> None:
    # Shanghai: Monday 01:00 (weekend over); Berlin: Sunday 18:00 (Black Friday on).
    moment = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)
    assert _ids(knowledge, "SH-01", moment, "RN-300") == []
    assert _ids(knowledge, "BER-01", moment, "JK-700") == ["berlin-black-friday"]
    late = datetime(2026, 11, 30, 23, 0, tzinfo=UTC)  # Berlin: Tuesday 00:00
    assert _ids(knowledge, "BER-01", late, "JK-700") == []


def test_a_store_outside_the_promotions_regions_gets_nothing(knowledge) -> None:
    assert _ids(knowledge, "BER-01", local("BER-01", "2026-11-28T15:00"), "AX-200") == []
    assert _ids(knowledge, "SG-01", local("SG-01", "2026-11-28T15:00"), "WB-310") == []


def test_drafts_and_retired_promotions_never_apply(knowledge) -> None:
    assert _ids(knowledge, "SH-01", local("SH-01", "2027-01-03T12:00"), "TE-100") == []
    assert _ids(knowledge, "SH-01", local("SH-01", "2026-10-15T12:00"), "TE-100") == []


def test_timing_tells_upcoming_running_ended_and_withdrawn(knowledge) -> None:
    at = local("SH-01", "2026-11-28T15:00")
    phases = {
        pid: resolution.timing(
            knowledge, promotion=knowledge.promotion(pid), store_id="SH-01", at=at
        ).phase
        for pid in ("double-12", "weekend-running", "autumn-clearance")
    }
    assert phases == {
        "double-12": Phase.UPCOMING,
        "weekend-running": Phase.RUNNING,
        "autumn-clearance": Phase.ENDED,
    }
    early = local("SH-01", "2026-10-15T12:00")
    retired = resolution.timing(
        knowledge, promotion=knowledge.promotion("autumn-clearance"), store_id="SH-01", at=early
    )
    assert retired.phase is Phase.WITHDRAWN


def test_an_unknown_store_or_sku_is_a_clear_error(knowledge) -> None:
    at = local("SH-01", "2026-11-28T15:00")
    with pytest.raises(UnknownEntityError, match="store") as raised:
        resolution.resolve(knowledge, store_id="XX-01", at=at, item="AX-200")
    assert raised.value.code == "unknown_store"
    with pytest.raises(UnknownEntityError, match="sku"):
        resolution.resolve(knowledge, store_id="SH-01", at=at, item="ZZ-1")


def test_a_naive_moment_is_refused(knowledge) -> None:
    with pytest.raises(ResolutionError, match="time-zone aware"):
        resolution.resolve(
            knowledge, store_id="SH-01", at=datetime(2026, 11, 28, 15), item="AX-200"
        )


def test_stacking_relations_of_the_sample(knowledge) -> None:
    p = knowledge.promotion
    assert stacking_relation(p("weekend-running"), p("winter-boots")) == "exclusive"
    assert stacking_relation(p("weekend-running"), p("socks-3for2")) == "stack"
    assert stacking_relation(p("double-12"), p("socks-3for2")) == "stack"  # socks: "*"
    assert stacking_relation(p("double-12"), p("winter-boots")) == "undefined"


# --- Berlin daylight saving time ---------------------------------------------------------------

DST_PROMOTIONS = """id: {id}
version: 1
status: published
title: {id}
window: {{start: "{start}", end: "{end}"}}
regions: [germany]
scope: {{skus: [HD-220]}}
rules: [{{kind: percent_off, percent: 10}}]
"""


@pytest.fixture
def berlin_dst(sample_copy: Path) -> KnowledgeBase:
    windows = {
        # Clocks go forward 2026-03-29 02:00 -> 03:00 (CET -> CEST).
        "spring-forward": ("2026-03-29T03:00", "2026-03-29"),
        "spring-gap": ("2026-03-29T02:30", "2026-03-29"),
        # Clocks go back 2026-10-25 03:00 -> 02:00 (CEST -> CET): a 25-hour day.
        "fall-back": ("2026-10-25T00:00", "2026-10-25"),
    }
    for pid, (start, end) in windows.items():
        (sample_copy / "promotions" / f"{pid}.yaml").write_text(
            DST_PROMOTIONS.format(id=pid, start=start, end=end)
        )
    return load_knowledge_base(sample_copy)


def _on(knowledge: KnowledgeBase, pid: str, utc: str) -> bool:
    at = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    return pid in _ids(knowledge, "BER-01", at, "HD-220")


def test_a_window_starting_after_the_spring_change_starts_in_summer_time(berlin_dst) -> None:
    assert not _on(berlin_dst, "spring-forward", "2026-03-29T00:59:59")  # 01:59:59 CET
    assert _on(berlin_dst, "spring-forward", "2026-03-29T01:00:00")  # 03:00 CEST


def test_a_start_inside_the_skipped_hour_uses_the_offset_before_the_change(berlin_dst) -> None:
    # 02:30 never happens that night; it is read as 02:30 CET = 01:30 UTC (03:30 CEST).
    assert not _on(berlin_dst, "spring-gap", "2026-03-29T01:29:59")
    assert _on(berlin_dst, "spring-gap", "2026-03-29T01:30:00")


def test_the_spring_change_day_ends_at_local_midnight_in_summer_time(berlin_dst) -> None:
    assert _on(berlin_dst, "spring-forward", "2026-03-29T21:59:59")  # 23:59:59 CEST
    assert not _on(berlin_dst, "spring-forward", "2026-03-29T22:00:00")  # 00:00 CEST


def test_the_autumn_change_day_lasts_twenty_five_hours(berlin_dst) -> None:
    assert not _on(berlin_dst, "fall-back", "2026-10-24T21:59:59")  # 23:59:59 CEST
    assert _on(berlin_dst, "fall-back", "2026-10-24T22:00:00")  # 00:00 CEST
    assert _on(berlin_dst, "fall-back", "2026-10-25T22:59:59")  # 23:59:59 CET
    assert not _on(berlin_dst, "fall-back", "2026-10-25T23:00:00")  # 00:00 CET next day
