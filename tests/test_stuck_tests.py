"""A stuck test fails at its time limit and its report says where it is stuck."""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
STUCK = """
import asyncio

import pytest


async def _waits_for_a_reply_that_never_comes() -> None:
    await asyncio.Event().wait()


@pytest.mark.timeout(2)
async def test_stuck() -> None:
    await _waits_for_a_reply_that_never_comes()


async def test_after_it() -> None:
    await asyncio.sleep(0)
"""


def test_a_stuck_async_test_fails_with_the_await_it_is_stuck_in_and_the_run_goes_on(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    pytester.makeini(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
        "asyncio_default_test_loop_scope = session\ntimeout_method = signal\n"
    )
    pytester.makeconftest('pytest_plugins = ["tests.stuck_tests"]\n')
    pytester.makepyfile(test_stuck=STUCK)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*test_stuck.py::test_stuck still running after 2 s: every thread*",
            "*task(s) of the session's event loop*",
            "<Task pending name=* coro=<test_stuck() running at *wait_for=<Future pending*",
            "  awaiting (outermost first):",
            '*test_stuck.py", line *, in test_stuck',
            '*test_stuck.py", line *, in _waits_for_a_reply_that_never_comes',
            "*, in wait",
            "*Timeout (>2.0s) from pytest-timeout*",
        ],
        consecutive=False,
    )
