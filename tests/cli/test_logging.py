"""Logs of a command run in-process go wherever stderr is at the moment they are written."""

from __future__ import annotations

import pytest
from loguru import logger
from typer.testing import CliRunner

from voice_agent.cli.app import app
from voice_agent.cli.common import configure_logging


def test_logging_after_an_in_process_command_ends_writes_no_logging_error(
    capfd: pytest.CaptureFixture[str],
) -> None:
    result = CliRunner().invoke(
        app, ["ask", "is the AX-200 in the weekend offer?", "--at", "2026-11-28T15:00"]
    )
    assert result.exit_code == 0, result.output

    logger.info("a thread of the finished command still logs")

    captured = capfd.readouterr()
    assert "Logging error" not in captured.err
    assert "I/O operation on closed file" not in captured.err
    assert "a thread of the finished command still logs" in captured.err


def test_an_in_process_command_keeps_the_log_sinks_its_caller_added() -> None:
    lines: list[str] = []
    sink = logger.add(lambda message: lines.append(str(message)), level="INFO")
    try:
        result = CliRunner().invoke(
            app, ["ask", "is the AX-200 in the weekend offer?", "--at", "2026-11-28T15:00"]
        )
        assert result.exit_code == 0, result.output
        logger.info("the caller's sink still hears this")
    finally:
        logger.remove(sink)
    assert any("the caller's sink still hears this" in line for line in lines)


def test_configuring_logging_again_replaces_its_own_stderr_handler_at_the_new_level(
    capfd: pytest.CaptureFixture[str],
) -> None:
    configure_logging(verbose=False)
    configure_logging(verbose=False)
    logger.debug("debug is hidden by default")
    logger.info("info is shown once")
    configure_logging(verbose=True)
    logger.debug("debug is shown with --verbose")

    configure_logging(verbose=False)
    err = capfd.readouterr().err
    assert err.count("info is shown once") == 1
    assert "debug is hidden by default" not in err
    assert err.count("debug is shown with --verbose") == 1
