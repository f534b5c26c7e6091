"""Compliance per promotion version and store: who heard, acknowledged and passed, and how fast.

A store is *acknowledged-compliant* at the first moment ``t`` (after publishing) when every
clerk of the store who was on shift at any time between publishing and ``t`` has
acknowledged by ``t``; *time to compliance* is ``t`` minus the publishing time. The same
holds for passing the quiz. A clerk who starts a shift later does not undo a compliance
already reached (they had not been asked yet), and a store whose clerks have not all
acknowledged is reported with the time elapsed so far and who it is waiting for. A store
where no clerk has been on shift since publishing is not compliant yet.

Views are scoped by role (:func:`scoped`): a store manager sees their store, a regional
manager their region, headquarters everything; clerks see none. Everything is plain data
(:meth:`VersionCompliance.to_dict`) ready for JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from knowledge_base.answering import Role
from knowledge_base.delivery import Delivery
from knowledge_base.errors import KnowledgeError
from knowledge_base.rosters import Roster, StaffMember


class ComplianceAccessError(KnowledgeError):
    """The viewer's role may not see compliance."""

    code = "compliance_forbidden"


@dataclass(frozen=True, slots=True)
class Receipt:
    """What one clerk did with one notice (from the delivery record and the quiz results)."""

    clerk: str
    heard_at: datetime | None = None
    """Played to the end for the first time."""
    acknowledged_at: datetime | None = None
    passed_at: datetime | None = None
    """Passed the quiz on this version."""
    quiz_failed_at: datetime | None = None
    """Failed the quiz on this version (a question answered wrong as often as allowed)."""

    @classmethod
    def of(
        cls,
        delivery: Delivery,
        *,
        passed_at: datetime | None = None,
        quiz_failed_at: datetime | None = None,
    ) -> Receipt:
        """The receipt of a delivery record (and the quiz's outcome, from its answers)."""
        return cls(
            clerk=delivery.clerk,
            heard_at=delivery.played_at,
            acknowledged_at=delivery.acknowledged_at,
            passed_at=passed_at,
            quiz_failed_at=quiz_failed_at,
        )


@dataclass(frozen=True, slots=True)
class ClerkStatus:
    """One clerk of a store, for one version."""

    identity: str
    name: str
    required: bool
    """On shift at some time since publishing (or already reached by the notice)."""
    heard_at: datetime | None
    acknowledged_at: datetime | None
    passed_at: datetime | None
    on_shift_from: datetime | None = None
    """First moment on shift since publishing (``None``: no shift planned)."""
    quiz_failed_at: datetime | None = None
    """Failed the quiz (it is not asked again)."""


@dataclass(frozen=True, slots=True)
class StoreCompliance:
    """One store's compliance with one version."""

    store_id: str
    region_id: str
    clerks: tuple[ClerkStatus, ...]
    acknowledged_at: datetime | None
    """When the store became acknowledged-compliant (``None``: not yet)."""
    passed_at: datetime | None
    """When every required clerk had passed the quiz (``None``: not yet)."""

    def counts(self) -> dict[str, int]:
        """Clerks required, and how many heard, acknowledged and passed."""
        return {
            "clerks": len(self.clerks),
            "required": sum(c.required for c in self.clerks),
            "heard": sum(c.heard_at is not None for c in self.clerks),
            "acknowledged": sum(c.acknowledged_at is not None for c in self.clerks),
            "passed": sum(c.passed_at is not None for c in self.clerks),
        }


@dataclass(frozen=True, slots=True)
class VersionCompliance:
    """Compliance with one promotion version across the stores in its scope."""

    promotion_id: str
    version: int
    published_at: datetime
    as_of: datetime
    stores: tuple[StoreCompliance, ...]

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: ISO times, seconds to compliance, who is still missing."""
        return {
            "promotion_id": self.promotion_id,
            "version": self.version,
            "published_at": self.published_at.isoformat(),
            "as_of": self.as_of.isoformat(),
            "stores": [self._store(store) for store in self.stores],
        }

    def _store(self, store: StoreCompliance) -> dict[str, object]:
        required = [c for c in store.clerks if c.required]
        return {
            "store_id": store.store_id,
            "region_id": store.region_id,
            **store.counts(),
            "time_to_acknowledged": _milestone(self, store.acknowledged_at),
            "time_to_passed": _milestone(self, store.passed_at),
            "waiting_for_acknowledgement": [c.identity for c in required if not c.acknowledged_at],
            "waiting_for_quiz": [
                c.identity for c in required if not c.passed_at and not c.quiz_failed_at
            ],
            "failed_quiz": [c.identity for c in store.clerks if c.quiz_failed_at],
            "clerks": [
                {
                    "identity": c.identity,
                    "name": c.name,
                    "required": c.required,
                    "heard_at": _iso(c.heard_at),
                    "acknowledged_at": _iso(c.acknowledged_at),
                    "passed_at": _iso(c.passed_at),
                    "quiz_failed_at": _iso(c.quiz_failed_at),
                    "on_shift_from": _iso(c.on_shift_from),
                }
                for c in store.clerks
            ],
        }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _milestone(report: VersionCompliance, reached: datetime | None) -> dict[str, object]:
    end = reached or report.as_of
    return {
        "compliant": reached is not None,
        "at": _iso(reached),
        "seconds": round((end - report.published_at).total_seconds(), 3),
    }


def version_compliance(
    *,
    promotion_id: str,
    version: int,
    published_at: datetime,
    store_ids: Iterable[str],
    store_regions: Mapping[str, str],
    roster: Roster,
    receipts: Iterable[Receipt],
    as_of: datetime,
) -> VersionCompliance:
    """Compliance with one version at ``as_of``.

    Args:
        promotion_id: The promotion.
        version: Its version.
        published_at: When the version was published (aware).
        store_ids: Stores the version's notice concerns.
        store_regions: Store id -> region id.
        roster: Clerks and their shifts.
        receipts: One per clerk reached (others count as not heard).
        as_of: The moment of the report (aware).
    """
    by_clerk = {receipt.clerk: receipt for receipt in receipts}
    stores = []
    for store_id in sorted(set(store_ids)):
        clerks = [
            _status(member, by_clerk.get(member.identity), published_at, as_of)
            for member in roster.at_store(store_id, Role.CLERK)
        ]
        stores.append(
            StoreCompliance(
                store_id=store_id,
                region_id=store_regions.get(store_id, ""),
                clerks=tuple(clerks),
                acknowledged_at=_compliant_at(clerks, as_of, lambda c: c.acknowledged_at),
                passed_at=_compliant_at(clerks, as_of, lambda c: c.passed_at),
            )
        )
    return VersionCompliance(promotion_id, version, published_at, as_of, tuple(stores))


def _status(
    member: StaffMember, receipt: Receipt | None, published_at: datetime, as_of: datetime
) -> ClerkStatus:
    receipt = receipt or Receipt(member.identity)
    on_shift_from = member.calendar.available_from(published_at)
    return ClerkStatus(
        identity=member.identity,
        name=member.name,
        required=(on_shift_from is not None and on_shift_from < as_of)
        or receipt.heard_at is not None,
        heard_at=receipt.heard_at,
        acknowledged_at=receipt.acknowledged_at,
        passed_at=receipt.passed_at,
        on_shift_from=on_shift_from,
        quiz_failed_at=receipt.quiz_failed_at,
    )


def _compliant_at(
    clerks: list[ClerkStatus],
    as_of: datetime,
    done: Callable[[ClerkStatus], datetime | None],
) -> datetime | None:
    """The first moment every clerk on shift since publishing had done it, or ``None``."""
    times = sorted({t for c in clerks if (t := done(c)) is not None and t <= as_of})
    for moment in times:
        due = [
            c
            for c in clerks
            if (c.on_shift_from is not None and c.on_shift_from < moment)
            or (c.heard_at is not None and c.heard_at <= moment)
        ]
        if due and all((t := done(c)) is not None and t <= moment for c in due):
            return moment
    return None


def scoped(
    report: VersionCompliance,
    *,
    role: Role,
    store_id: str | None = None,
    region_id: str | None = None,
) -> VersionCompliance:
    """The part of ``report`` a viewer may see.

    Raises:
        ComplianceAccessError: Clerks see no compliance.
    """
    if role is Role.HQ:
        return report
    if role is Role.REGIONAL_MANAGER:
        stores = tuple(s for s in report.stores if s.region_id == region_id)
    elif role is Role.STORE_MANAGER:
        stores = tuple(s for s in report.stores if s.store_id == store_id)
    else:
        raise ComplianceAccessError(f"a {role.value} may not see compliance")
    return replace(report, stores=stores)
