"""Benchmarks: each module measures one thing and registers one ``bench`` command."""

from pathlib import Path

DEFAULT_FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
"""Where a source checkout keeps the audio fixtures (pass ``--fixtures`` elsewhere)."""
