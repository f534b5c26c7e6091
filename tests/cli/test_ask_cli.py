"""``voice-agent ask`` on bad input: one clear line (or the knowledge base's errors), exit 2."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from voice_agent.cli.app import app

runner = CliRunner()
INVALID = Path(__file__).resolve().parents[1] / "fixtures" / "kb_invalid"
AT = "2026-11-28T15:00"


@pytest.fixture
def broken_kb_config(tmp_path: Path) -> Path:
    config = tmp_path / "broken.toml"
    config.write_text(f'[knowledge_base]\npath = "{INVALID}"\n')
    return config


def test_ask_answers_from_the_sample_at_its_first_store_by_default() -> None:
    result = runner.invoke(app, ["ask", "Is the AX-200 in the weekend offer?", "--at", AT])
    assert result.exit_code == 0, result.output
    assert "20 percent" in result.stdout


@pytest.mark.parametrize("at", [[], ["--at", AT]])
def test_an_unknown_store_is_one_line_and_exit_2(at: list[str]) -> None:
    result = runner.invoke(app, ["ask", "Is the AX-200 on offer?", "--store", "XX-9", *at])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert lines == ["error: unknown store 'XX-9'; stores: SH-01, SH-02, HZ-01, SG-01, BER-01"]
    assert "Traceback" not in result.output


def test_a_broken_knowledge_base_prints_each_error_with_file_line_and_field(
    broken_kb_config: Path,
) -> None:
    result = runner.invoke(
        app, ["ask", "Is the AX-200 on offer?", "--at", AT, "--config", str(broken_kb_config)]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{INVALID}/promotions/wrong-types.yaml:10: error: rules[0].percent:" in result.stderr
    assert "has 27 error(s); nothing was answered" in result.stderr
    assert "Traceback" not in result.output


def test_store_help_states_the_real_default() -> None:
    result = runner.invoke(app, ["ask", "--help"], env={"COLUMNS": "200"})
    assert "(default: the knowledge base's first store)" in result.stdout
