"""Small helpers shared by the benchmarks: statistics, the machine, figures in tables."""

from __future__ import annotations

import math
import os
import platform
import resource
from collections.abc import Sequence

import psutil


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (``fraction`` in 0..1) of ``values``; ``None`` when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """Count, p50, p95 and max of ``values`` (seconds stay seconds)."""
    return {
        "n": len(values),
        "p50": percentile(values, 0.5),
        "p95": percentile(values, 0.95),
        "max": max(values) if values else None,
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_secs(process: psutil.Process | None = None) -> float:
    """CPU seconds (user and system) ``process`` (by default this one) has used so far."""
    times = (process or psutil.Process()).cpu_times()
    return float(times.user + times.system)


def machine() -> dict[str, object]:
    """The machine a benchmark ran on: CPUs, platform, Python version."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def milliseconds(secs: float | None) -> str:
    """Seconds as whole milliseconds for a table cell; ``-`` for no value."""
    return "-" if secs is None else f"{secs * 1000:.0f}"
