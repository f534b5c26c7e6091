"""API keys: who is calling, in which role, and which stores they may see.

Each configured key (see :class:`~voice_agent.service_settings.ApiKeySettings`) becomes a
:class:`Principal`. Scope follows the chain's structure: a store manager sees their store,
a regional manager the stores of their region, HQ everything; clerks only themselves.
"""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge_base.answering import Role
from knowledge_base.knowledge import KnowledgeBase
from voice_agent.service.errors import AuthenticationError, PermissionDeniedError
from voice_agent.service_settings import ApiKeySettings

MANAGER_ROLES = frozenset({Role.STORE_MANAGER, Role.REGIONAL_MANAGER, Role.HQ})


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of an API key."""

    role: Role
    identity: str
    store_id: str | None = None
    """Clerks and store managers: their store."""
    region: str | None = None
    """Regional managers: their region."""
    region_store_ids: frozenset[str] = frozenset()
    """Regional managers: the stores of their region."""

    @property
    def is_manager(self) -> bool:
        """Store manager, regional manager or HQ."""
        return self.role in MANAGER_ROLES

    def can_manage_store(self, store_id: str | None) -> bool:
        """True when this principal oversees ``store_id`` (``None``: HQ only)."""
        if self.role is Role.HQ:
            return True
        if store_id is None:
            return False
        if self.role is Role.STORE_MANAGER:
            return store_id == self.store_id
        if self.role is Role.REGIONAL_MANAGER:
            return store_id in self.region_store_ids
        return False

    def describe(self) -> str:
        """``store_manager mei (SH-01)`` for messages and logs."""
        scope = self.store_id or self.region
        return f"{self.role.value} {self.identity}" + (f" ({scope})" if scope else "")


class ApiKeyRegistry:
    """Looks API keys up; built once from settings and the knowledge base's stores."""

    def __init__(self, *, keys: Sequence[ApiKeySettings], knowledge: KnowledgeBase) -> None:
        """Check every key's store and region against the knowledge base.

        Raises:
            ValueError: A key names a store or region the knowledge base does not have.
        """
        self._keys: list[tuple[bytes, Principal]] = []
        for index, entry in enumerate(keys):
            where = f"service.api_keys[{index}] ({entry.identity})"
            if entry.store_id is not None and entry.store_id not in knowledge.stores:
                known = ", ".join(sorted(knowledge.stores))
                raise ValueError(f"{where}: unknown store {entry.store_id!r}; known: {known}")
            region_stores: frozenset[str] = frozenset()
            if entry.region is not None:
                if entry.region not in knowledge.regions:
                    known = ", ".join(sorted(knowledge.regions))
                    raise ValueError(f"{where}: unknown region {entry.region!r}; known: {known}")
                region_stores = frozenset(s.id for s in knowledge.regions[entry.region].stores)
            principal = Principal(
                role=entry.role,
                identity=entry.identity,
                store_id=entry.store_id,
                region=entry.region,
                region_store_ids=region_stores,
            )
            self._keys.append((entry.key.get_secret_value().encode(), principal))

    def authenticate(self, key: str | None) -> Principal:
        """The principal holding ``key``.

        Raises:
            AuthenticationError: No key, or a key that is not configured.
        """
        if not key:
            raise AuthenticationError(
                "missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
            )
        candidate = key.encode()
        found: Principal | None = None
        for secret, principal in self._keys:
            # Compare against every key, in constant time each: no timing hint.
            if hmac.compare_digest(secret, candidate):
                found = principal
        if found is None:
            raise AuthenticationError("unknown API key")
        return found


def key_from_headers(authorization: str | None, x_api_key: str | None) -> str | None:
    """The API key from ``Authorization: Bearer <key>`` or ``X-API-Key``."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationError("the Authorization header must be 'Bearer <API key>'")
        return value.strip()
    return x_api_key.strip() if x_api_key else None


def require_manager(principal: Principal) -> Principal:
    """``principal`` if it is a store manager, regional manager or HQ.

    Raises:
        PermissionDeniedError: A clerk key.
    """
    if not principal.is_manager:
        raise PermissionDeniedError(
            f"{principal.describe()} may not use manager endpoints "
            "(store_manager, regional_manager or hq only)"
        )
    return principal


def require_hq(principal: Principal) -> Principal:
    """``principal`` if it is HQ.

    Raises:
        PermissionDeniedError: Any other role.
    """
    if principal.role is not Role.HQ:
        raise PermissionDeniedError(f"{principal.describe()} may not use this endpoint (hq only)")
    return principal
