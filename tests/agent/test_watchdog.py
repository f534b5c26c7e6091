"""The room connection's watchdog: deadlines to sleep until, and verdicts when they pass."""

from __future__ import annotations

from voice_agent.agent.watchdog import WatchStep, WatchVerdict, watch_step

LIMITS = {"connect_timeout_secs": 20.0, "resume_grace_secs": 0.0, "absent_timeout_secs": 60.0}


def _at(now: float, **state: object) -> WatchStep:
    given: dict[str, object] = {
        "began": 100.0,
        "connected": True,
        "link_down_since": None,
        "clerk_absent_since": None,
        **state,
    }
    return watch_step(now=now, **given, **LIMITS)  # type: ignore[arg-type]


def test_a_connected_session_with_its_clerk_present_has_no_deadline_to_wake_for() -> None:
    assert _at(5000.0) == WatchStep(verdict=None, wait_secs=None)


def test_a_join_sleeps_until_its_timeout_and_fails_when_it_passes() -> None:
    assert _at(105.0, connected=False) == WatchStep(verdict=None, wait_secs=15.0)
    assert _at(120.0, connected=False).verdict is WatchVerdict.NOT_JOINED


def test_a_clerk_away_ends_the_connection_after_the_absent_timeout() -> None:
    assert _at(130.0, clerk_absent_since=110.0) == WatchStep(verdict=None, wait_secs=40.0)
    assert _at(170.0, clerk_absent_since=110.0).verdict is WatchVerdict.CLERK_ABSENT


def test_a_lost_link_ends_the_connection_at_once_without_a_resume_grace() -> None:
    step = _at(130.0, link_down_since=130.0, clerk_absent_since=110.0)
    assert step.verdict is WatchVerdict.LINK_LOST


def test_not_being_in_the_room_yet_comes_before_the_clerks_absence() -> None:
    step = _at(125.0, connected=False, clerk_absent_since=0.0)
    assert step.verdict is WatchVerdict.NOT_JOINED
