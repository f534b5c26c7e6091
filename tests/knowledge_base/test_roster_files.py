"""Rosters from CSV and YAML: people, roles, stores and shifts, with clear errors."""

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from knowledge_base.roster_files import MAX_ROSTER_CHARS, parse_roster
from knowledge_base.rosters import Roster, RosterError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rosters"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def read(name: str, knowledge: KnowledgeBase) -> Roster:
    return parse_roster(
        (FIXTURES / name).read_text(encoding="utf-8"), file=name, knowledge=knowledge
    )


def errors(name: str, knowledge: KnowledgeBase) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(RosterError) as caught:
        read(name, knowledge)
    assert caught.value.code == "roster_invalid"
    assert all(issue.file == name for issue in caught.value.issues)
    return [(issue.line, issue.field, issue.code) for issue in caught.value.issues]


@pytest.mark.parametrize("name", ["stride.csv", "stride.yaml"])
def test_the_documented_examples_read_the_same(name: str, knowledge: KnowledgeBase) -> None:
    roster = read(name, knowledge)
    assert [m.identity for m in roster.members] == ["ana", "ben", "mei", "jonas", "lin"]
    ana = roster.member("ana")
    assert ana is not None
    assert (ana.name, ana.role, ana.store_id, ana.region_id) == (
        "Ana Li",
        Role.CLERK,
        "SH-01",
        "east-china",
    )
    assert ana.calendar.time_zone == "Asia/Shanghai"
    assert len(ana.calendar.weekly) == 2 and len(ana.calendar.dated) == 1
    assert ana.calendar.on_shift(datetime(2026, 12, 24, 21, 0, tzinfo=SHANGHAI))  # a Thursday
    jonas = roster.member("jonas")
    assert jonas is not None and jonas.calendar.time_zone == "Europe/Berlin"
    assert jonas.calendar.on_shift(datetime(2026, 12, 5, 1, 0, tzinfo=BERLIN))
    lin = roster.member("lin")
    assert lin is not None and lin.role is Role.REGIONAL_MANAGER
    assert (lin.store_id, lin.region_id, lin.calendar.weekly) == (None, "east-china", ())


def test_roster_lookups_by_store_role_region_and_shift(knowledge: KnowledgeBase) -> None:
    roster = read("stride.yaml", knowledge)
    assert [m.identity for m in roster.at_store("SH-01", Role.CLERK)] == ["ana", "ben"]
    assert [m.identity for m in roster.store_managers("SH-01")] == ["mei"]
    assert [m.identity for m in roster.in_region("east-china")] == ["ana", "ben", "mei", "lin"]
    monday_ten = datetime(2026, 11, 30, 10, 0, tzinfo=SHANGHAI)
    assert [m.identity for m in roster.on_shift(monday_ten, store_id="SH-01")] == ["ana", "mei"]
    assert roster.member("nobody") is None


def test_csv_errors_name_line_field_and_kind(knowledge: KnowledgeBase) -> None:
    assert errors("bad.csv", knowledge) == [
        (2, "store", "roster_unknown_store"),
        (3, "start", "roster_bad_time"),
        (4, "end", "roster_end_before_start"),
        (6, "start", "roster_overlapping_shifts"),
        (7, "role", "roster_bad_role"),
        (8, "day", "roster_bad_day"),
    ]


def test_yaml_errors_name_line_field_and_kind(knowledge: KnowledgeBase) -> None:
    assert errors("bad.yaml", knowledge) == [
        (5, "staff[0].store", "roster_unknown_store"),
        (16, "staff[1].shoe_size", "roster_unknown_field"),
        (11, "staff[1].weekly[0].start", "roster_bad_time"),
        (12, "staff[1].weekly[1].end", "roster_end_before_start"),
        (15, "staff[1].dated[0].start", "roster_overlapping_shifts"),
    ]


def test_error_messages_say_what_is_wrong(knowledge: KnowledgeBase) -> None:
    with pytest.raises(RosterError) as caught:
        read("bad.csv", knowledge)
    text = str(caught.value)
    assert "bad.csv:2: error: store: unknown store 'SH-99'" in text
    assert "not a 24-hour time (HH:MM): '9am'" in text
    assert "overlaps ben's shift on line 5" in text


def test_csv_header_must_name_the_known_columns(knowledge: KnowledgeBase) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(
            "identity,name,role,shoe\nana,Ana,clerk,42\n", file="r.csv", knowledge=knowledge
        )
    codes = {(i.field, i.code) for i in caught.value.issues}
    assert ("shoe", "roster_unknown_field") in codes
    assert ("day", "roster_missing_field") in codes


def test_one_person_listed_twice_must_agree(knowledge: KnowledgeBase) -> None:
    text = (
        "identity,name,role,store,day,start,end\n"
        "ana,Ana,clerk,SH-01,mon,09:00,12:00\n"
        "ana,Ana,clerk,SH-02,tue,09:00,12:00\n"
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(text, file="r.csv", knowledge=knowledge)
    assert [(i.line, i.code) for i in caught.value.issues] == [(3, "roster_conflicting_person")]


def test_clerks_need_a_store_and_regional_managers_a_known_region(knowledge: KnowledgeBase) -> None:
    text = (
        "staff:\n"
        "  - {identity: a, name: A, role: clerk}\n"
        "  - {identity: b, name: B, role: regional_manager, region: mars}\n"
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(text, file="r.yaml", knowledge=knowledge)
    assert [(i.line, i.code) for i in caught.value.issues] == [
        (2, "roster_missing_field"),
        (3, "roster_unknown_region"),
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("staff: [\n", "roster_syntax"),
        ("people: []\n", "roster_unknown_field"),
        ("staff: 3\n", "roster_bad_row"),
        ("", "roster_bad_row"),
    ],
)
def test_broken_yaml_is_refused_clearly(text: str, code: str, knowledge: KnowledgeBase) -> None:
    with pytest.raises(RosterError) as caught:
        parse_roster(text, file="r.yaml", knowledge=knowledge)
    assert code in {issue.code for issue in caught.value.issues}


def test_empty_csv_and_oversized_text_are_refused(knowledge: KnowledgeBase) -> None:
    with pytest.raises(RosterError, match="empty"):
        parse_roster("\n\n", file="r.csv", knowledge=knowledge)
    with pytest.raises(RosterError, match="larger than"):
        parse_roster("x" * (MAX_ROSTER_CHARS + 1), file="r.csv", knowledge=knowledge)


def test_format_can_be_given_when_the_name_has_no_extension(knowledge: KnowledgeBase) -> None:
    text = (FIXTURES / "stride.csv").read_text(encoding="utf-8")
    roster = parse_roster(text, file="upload", knowledge=knowledge, format="csv")
    assert len(roster.members) == 5


def test_yaml_fields_must_be_single_values(knowledge: KnowledgeBase) -> None:
    text = (
        "staff:\n"
        "  - identity: ana\n"
        "    name: Ana\n"
        "    role: clerk\n"
        "    store: [SH-01, SH-02]\n"
        "    weekly: [{day: mon, start: [9], end: '17:00'}]\n"
    )
    with pytest.raises(RosterError) as caught:
        parse_roster(text, file="r.yaml", knowledge=knowledge)
    found = {(i.line, i.field, i.code) for i in caught.value.issues}
    assert (5, "staff[0].store", "roster_bad_row") in found
