"""Anomaly rules over feedback records: pure functions, every threshold a parameter.

The defaults below are the ones in ``config/default.toml`` ``[feedback.alerts]`` and
``docs/feedback.md``; the service passes the configured values.

- **stock-out spread**: the same SKU reported as a stock problem by ``min_stores`` or more
  stores within ``window``.
- **category surge**: a category's count today at least ``ratio`` times its mean daily count
  over the ``baseline_days`` before, and at least ``min_count``.
- **confusion after publish**: price or rule confusion about a promotion from ``min_stores``
  or more stores within ``window`` after that promotion was published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from enum import StrEnum

from knowledge_base.feedback.models import FeedbackRecord
from knowledge_base.feedback.taxonomy import FeedbackCategory

STOCK_OUT_MIN_STORES = 3
STOCK_OUT_WINDOW = timedelta(hours=2)
SURGE_RATIO = 3.0
SURGE_MIN_COUNT = 5
SURGE_BASELINE_DAYS = 7
SURGE_BASELINE_FLOOR = 1.0
"""A category never seen before counts as one a day, so a first report is no surge."""
CONFUSION_MIN_STORES = 3
CONFUSION_WINDOW = timedelta(hours=1)


class AlertRule(StrEnum):
    """Which rule raised an alert."""

    STOCK_OUT_SPREAD = "stock_out_spread"
    CATEGORY_SURGE = "category_surge"
    CONFUSION_AFTER_PUBLISH = "confusion_after_publish"


@dataclass(frozen=True, slots=True)
class Alert:
    """Something headquarters should hear about now."""

    rule: AlertRule
    key: str
    """What it is about: a SKU, a category, a promotion id."""
    message: str
    """One English sentence for people."""
    first_at: datetime
    """UTC moment of the first record involved."""
    last_at: datetime
    """UTC moment of the record that crossed the threshold."""
    stores: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    record_ids: list[str] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    @property
    def dedupe_key(self) -> str:
        """Same rule, same subject, same first record: the same alert (store it once)."""
        return f"{self.rule}:{self.key}:{self.first_at.isoformat()}"


def _spread(
    records: list[FeedbackRecord], *, min_stores: int, window: timedelta
) -> list[FeedbackRecord] | None:
    """The first run of records within ``window`` that spans ``min_stores`` stores."""
    ordered = sorted(records, key=lambda r: (r.utc_time, r.id))
    start = 0
    for end, record in enumerate(ordered):
        while record.utc_time - ordered[start].utc_time > window:
            start += 1
        run = ordered[start : end + 1]
        if len({r.store_id for r in run}) >= min_stores:
            return run
    return None


def stock_out_spread(
    records: Iterable[FeedbackRecord],
    *,
    min_stores: int = STOCK_OUT_MIN_STORES,
    window: timedelta = STOCK_OUT_WINDOW,
) -> list[Alert]:
    """The same SKU reported as a stock problem by ``min_stores``+ stores within ``window``."""
    by_sku: dict[str, list[FeedbackRecord]] = {}
    for record in records:
        if record.category is FeedbackCategory.STOCK_AVAILABILITY:
            for sku in dict.fromkeys(record.products):
                by_sku.setdefault(sku, []).append(record)
    alerts = []
    for sku, group in sorted(by_sku.items()):
        run = _spread(group, min_stores=min_stores, window=window)
        if run is None:
            continue
        stores = sorted({r.store_id for r in run})
        alerts.append(
            Alert(
                rule=AlertRule.STOCK_OUT_SPREAD,
                key=sku,
                message=f"{sku} reported out of stock by {len(stores)} stores within "
                f"{_duration(window)}: {', '.join(stores)}.",
                first_at=run[0].utc_time.astimezone(UTC),
                last_at=run[-1].utc_time.astimezone(UTC),
                stores=stores,
                regions=sorted({r.region_id for r in run}),
                record_ids=[r.id for r in run],
                figures={"stores": float(len(stores))},
            )
        )
    return alerts


def category_surge(
    records: Iterable[FeedbackRecord],
    *,
    today: date,
    zone: tzinfo = UTC,
    ratio: float = SURGE_RATIO,
    min_count: int = SURGE_MIN_COUNT,
    baseline_days: int = SURGE_BASELINE_DAYS,
    floor: float = SURGE_BASELINE_FLOOR,
) -> list[Alert]:
    """Categories whose count ``today`` (days read in ``zone``) is far above their baseline.

    The baseline is the mean daily count over the ``baseline_days`` days before ``today``
    (at least ``floor``).
    """
    if baseline_days < 1:
        raise ValueError("baseline_days must be at least 1")
    first_day = today - timedelta(days=baseline_days)
    today_records: dict[FeedbackCategory, list[FeedbackRecord]] = {}
    before: dict[FeedbackCategory, int] = {}
    for record in records:
        day = record.utc_time.astimezone(zone).date()
        if day == today:
            today_records.setdefault(record.category, []).append(record)
        elif first_day <= day < today:
            before[record.category] = before.get(record.category, 0) + 1
    alerts = []
    for category, group in sorted(today_records.items()):
        baseline = max(before.get(category, 0) / baseline_days, floor)
        if len(group) < min_count or len(group) < ratio * baseline:
            continue
        group.sort(key=lambda r: (r.utc_time, r.id))
        alerts.append(
            Alert(
                rule=AlertRule.CATEGORY_SURGE,
                key=category.value,
                message=f"{len(group)} {category.value} reports today, against about "
                f"{baseline:.1f} a day over the previous {baseline_days} days.",
                first_at=group[0].utc_time.astimezone(UTC),
                last_at=group[-1].utc_time.astimezone(UTC),
                stores=sorted({r.store_id for r in group}),
                regions=sorted({r.region_id for r in group}),
                record_ids=[r.id for r in group],
                figures={"today": float(len(group)), "baseline": round(baseline, 3)},
            )
        )
    return alerts


@dataclass(frozen=True, slots=True)
class Publication:
    """A promotion version published at a moment."""

    promotion_id: str
    at: datetime
    """Aware."""
    version: int | None = None


def confusion_after_publish(
    records: Iterable[FeedbackRecord],
    publications: Sequence[Publication],
    *,
    min_stores: int = CONFUSION_MIN_STORES,
    window: timedelta = CONFUSION_WINDOW,
) -> list[Alert]:
    """Rule confusion about a promotion from ``min_stores``+ stores soon after its publication.

    A record counts when it names the promotion or the promotion is in force on a product it
    names, and it was said within ``window`` after the publication.
    """
    confused = [r for r in records if r.category is FeedbackCategory.PRICE_RULE_CONFUSION]
    alerts = []
    for publication in publications:
        end = publication.at + window
        group = [
            r
            for r in confused
            if publication.at <= r.utc_time <= end
            and (
                r.promotion == publication.promotion_id
                or publication.promotion_id in r.promotions_in_force
            )
        ]
        stores = sorted({r.store_id for r in group})
        if len(stores) < min_stores:
            continue
        group.sort(key=lambda r: (r.utc_time, r.id))
        version = f" version {publication.version}" if publication.version else ""
        alerts.append(
            Alert(
                rule=AlertRule.CONFUSION_AFTER_PUBLISH,
                key=publication.promotion_id,
                message=f"{len(stores)} stores confused by {publication.promotion_id}{version} "
                f"within {_duration(window)} of its publication.",
                first_at=group[0].utc_time.astimezone(UTC),
                last_at=group[-1].utc_time.astimezone(UTC),
                stores=stores,
                regions=sorted({r.region_id for r in group}),
                record_ids=[r.id for r in group],
                figures={"stores": float(len(stores))},
            )
        )
    return alerts


def _duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


@dataclass(frozen=True, slots=True)
class AlertThresholds:
    """Every threshold of the alert rules (``[feedback.alerts]`` in the settings)."""

    stock_out_min_stores: int = STOCK_OUT_MIN_STORES
    stock_out_window: timedelta = STOCK_OUT_WINDOW
    surge_ratio: float = SURGE_RATIO
    surge_min_count: int = SURGE_MIN_COUNT
    surge_baseline_days: int = SURGE_BASELINE_DAYS
    confusion_min_stores: int = CONFUSION_MIN_STORES
    confusion_window: timedelta = CONFUSION_WINDOW

    @property
    def lookback(self) -> timedelta:
        """How far back records must reach for every rule to see all it needs."""
        return max(
            self.stock_out_window,
            timedelta(days=self.surge_baseline_days + 1),
            self.confusion_window,
        )


def evaluate_alerts(
    records: Sequence[FeedbackRecord],
    *,
    today: date,
    publications: Sequence[Publication] = (),
    thresholds: AlertThresholds | None = None,
    zone: tzinfo = UTC,
) -> list[Alert]:
    """Every rule over ``records``, in rule order; deduplicated by :attr:`Alert.dedupe_key`."""
    limits = thresholds or AlertThresholds()
    alerts = [
        *stock_out_spread(
            records, min_stores=limits.stock_out_min_stores, window=limits.stock_out_window
        ),
        *category_surge(
            records, today=today, zone=zone, ratio=limits.surge_ratio,
            min_count=limits.surge_min_count, baseline_days=limits.surge_baseline_days,
        ),
        *confusion_after_publish(
            records, publications, min_stores=limits.confusion_min_stores,
            window=limits.confusion_window,
        ),
    ]  # fmt: skip
    return list({alert.dedupe_key: alert for alert in alerts}.values())


def spoken_alert(alert: Alert, language: str = "en") -> str:
    """One sentence to say to a store or regional manager."""
    stores = len(alert.stores)
    if language.lower().startswith("zh"):
        if alert.rule is AlertRule.STOCK_OUT_SPREAD:
            return f"提醒：{stores}家门店报告{alert.key}缺货。"
        if alert.rule is AlertRule.CATEGORY_SURGE:
            return f"提醒：今天“{alert.key}”类反馈明显增多，共{int(alert.figures['today'])}条。"
        return f"提醒：{stores}家门店在{alert.key}发布后对规则有疑问。"
    if alert.rule is AlertRule.STOCK_OUT_SPREAD:
        return f"Alert: {stores} stores report the {alert.key} out of stock."
    if alert.rule is AlertRule.CATEGORY_SURGE:
        label = alert.key.replace("_", " ")
        return f"Alert: {int(alert.figures['today'])} {label} reports today, far above usual."
    return f"Alert: {stores} stores are confused by {alert.key} since it was published."
