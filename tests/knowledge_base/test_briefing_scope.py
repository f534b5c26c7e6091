"""Who a briefing is for, who may open it and who may join it."""

import pytest

from knowledge_base.answering import Role
from knowledge_base.briefing_scope import (
    DEFAULT_ROLES,
    BriefingScopeError,
    may_open,
    parse_scope,
    scope_from_dict,
)
from knowledge_base.knowledge import KnowledgeBase


def test_a_region_stands_for_its_stores(knowledge: KnowledgeBase) -> None:
    scope = parse_scope({"stores": ["SG-01"], "regions": ["east-china"]}, knowledge=knowledge)
    assert scope.store_ids == ("SG-01", "SH-01", "SH-02", "HZ-01")
    assert scope.roles == DEFAULT_ROLES
    assert scope_from_dict(scope.to_dict()) == scope


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"stores": ["SH-01", "XX-99"]}, "briefing_unknown_store", "scope.stores[1]"),
        ({"regions": ["atlantis"]}, "briefing_unknown_region", "scope.regions[0]"),
        ({"stores": ["SH-01"], "roles": ["janitor"]}, "briefing_bad_role", "scope.roles[0]"),
        ({"stores": "SH-01"}, "briefing_bad_scope", "scope.stores"),
        ({}, "briefing_empty_scope", "scope"),
    ],
)
def test_a_bad_scope_is_refused_with_its_field(
    data: dict[str, object], code: str, field: str, knowledge: KnowledgeBase
) -> None:
    with pytest.raises(BriefingScopeError) as caught:
        parse_scope(data, knowledge=knowledge)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_the_scope_admits_the_roles_of_its_stores_and_headquarters(
    knowledge: KnowledgeBase,
) -> None:
    scope = parse_scope({"stores": ["SH-01"], "roles": ["clerk"]}, knowledge=knowledge)
    assert scope.admits(Role.CLERK, {"SH-01"})
    assert not scope.admits(Role.CLERK, {"SG-01"})
    assert not scope.admits(Role.STORE_MANAGER, {"SH-01"})  # not among its roles
    assert scope.admits(Role.HQ, set())


def test_managers_open_briefings_only_for_the_stores_they_oversee(
    knowledge: KnowledgeBase,
) -> None:
    sh01 = parse_scope({"stores": ["SH-01"]}, knowledge=knowledge)
    east = parse_scope({"regions": ["east-china"]}, knowledge=knowledge)
    assert may_open(sh01, role=Role.STORE_MANAGER, overseen_store_ids={"SH-01"})
    assert not may_open(east, role=Role.STORE_MANAGER, overseen_store_ids={"SH-01"})
    assert may_open(
        east, role=Role.REGIONAL_MANAGER, overseen_store_ids={"SH-01", "SH-02", "HZ-01"}
    )
    assert may_open(east, role=Role.HQ, overseen_store_ids=set())
    assert not may_open(sh01, role=Role.CLERK, overseen_store_ids={"SH-01"})
