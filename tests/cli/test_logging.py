"""Logs of a command run in-process go wherever stderr is at the moment they are written."""

from __future__ import annotations

import pytest
from loguru import logger
from typer.testing import CliRunner

from voice_agent.cli.app import app


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
