"""Who a voice briefing is for, who may open one, and who may join it.

A briefing's scope names stores and regions (a region stands for all its stores) and the
roles that may join (default: clerks and store managers). Everything is checked against
the knowledge base's ``regions.yaml``: an unknown store or region is refused with the field
it was found in, so a typo never opens a briefing nobody can join.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase

DEFAULT_ROLES = (Role.CLERK, Role.STORE_MANAGER)
"""Who may join a briefing when the scope names no roles."""


class BriefingScopeError(ValueError):
    """A scope that names something the knowledge base does not have, or nothing at all."""

    def __init__(self, message: str, *, code: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class BriefingScope:
    """The stores a briefing is for (regions resolved to their stores) and who may join."""

    store_ids: tuple[str, ...]
    """Every store in scope, listed stores first, then the regions' stores."""
    region_ids: tuple[str, ...] = ()
    """Regions as named (kept for display; their stores are in ``store_ids``)."""
    roles: tuple[Role, ...] = field(default=DEFAULT_ROLES)

    def to_dict(self) -> dict[str, object]:
        """Plain values (for JSON and storage)."""
        return {
            "stores": list(self.store_ids),
            "regions": list(self.region_ids),
            "roles": [role.value for role in self.roles],
        }

    def admits(self, role: Role, store_ids: Collection[str]) -> bool:
        """Whether a person of ``role`` working in (or overseeing) ``store_ids`` may join.

        Headquarters may always join.
        """
        if role is Role.HQ:
            return True
        return role in self.roles and any(store in self.store_ids for store in store_ids)


def parse_scope(data: Mapping[str, object], *, knowledge: KnowledgeBase) -> BriefingScope:
    """The scope of ``{"stores": [...], "regions": [...], "roles": [...]}``.

    Raises:
        BriefingScopeError: An unknown store, region or role, or neither stores nor regions.
    """
    stores = _strings(data.get("stores", []), "stores")
    regions = _strings(data.get("regions", []), "regions")
    roles = _strings(data.get("roles", []), "roles")
    for index, store in enumerate(stores):
        if store not in knowledge.stores:
            known = ", ".join(sorted(knowledge.stores))
            raise BriefingScopeError(
                f"unknown store {store!r}; known: {known}",
                code="briefing_unknown_store",
                field=f"scope.stores[{index}]",
            )
    for index, region in enumerate(regions):
        if region not in knowledge.regions:
            known = ", ".join(sorted(knowledge.regions))
            raise BriefingScopeError(
                f"unknown region {region!r}; known: {known}",
                code="briefing_unknown_region",
                field=f"scope.regions[{index}]",
            )
    parsed_roles: list[Role] = []
    for index, role in enumerate(roles):
        try:
            parsed_roles.append(Role(role))
        except ValueError as e:
            choices = ", ".join(r.value for r in Role)
            raise BriefingScopeError(
                f"unknown role {role!r}; expected one of {choices}",
                code="briefing_bad_role",
                field=f"scope.roles[{index}]",
            ) from e
    if not stores and not regions:
        raise BriefingScopeError(
            "a briefing needs at least one store or region", code="briefing_empty_scope",
            field="scope",
        )  # fmt: skip
    in_scope = dict.fromkeys(stores)
    for region in regions:
        in_scope.update(dict.fromkeys(s.id for s in knowledge.regions[region].stores))
    return BriefingScope(
        store_ids=tuple(in_scope),
        region_ids=tuple(dict.fromkeys(regions)),
        roles=tuple(dict.fromkeys(parsed_roles)) or DEFAULT_ROLES,
    )


def scope_from_dict(data: Mapping[str, object]) -> BriefingScope:
    """The scope :meth:`BriefingScope.to_dict` stored (already checked when it was opened)."""
    return BriefingScope(
        store_ids=tuple(_strings(data.get("stores", []), "stores")),
        region_ids=tuple(_strings(data.get("regions", []), "regions")),
        roles=tuple(Role(r) for r in _strings(data.get("roles", []), "roles")) or DEFAULT_ROLES,
    )


def may_open(scope: BriefingScope, *, role: Role, overseen_store_ids: Collection[str]) -> bool:
    """Whether a manager may open a briefing for ``scope``.

    Headquarters: any scope. A store or regional manager: only stores they oversee (their
    store, the stores of their region). Clerks never.
    """
    if role is Role.HQ:
        return True
    if role not in (Role.STORE_MANAGER, Role.REGIONAL_MANAGER):
        return False
    return all(store in overseen_store_ids for store in scope.store_ids)


def _strings(value: object, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise BriefingScopeError(
            f"{name} must be a list of strings", code="briefing_bad_scope", field=f"scope.{name}"
        )
    if not all(isinstance(item, str) for item in value):
        raise BriefingScopeError(
            f"{name} must be a list of strings", code="briefing_bad_scope", field=f"scope.{name}"
        )
    return list(value)
