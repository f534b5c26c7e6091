"""Imports flow one way: voice_agent -> pipelines -> knowledge_base."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "knowledge_base": {
        "pipecat",
        "livekit",
        "openai",
        "fastapi",
        "httpx",
        "aiohttp",
        "sqlite3",
        "uvicorn",
        "pipelines",
        "voice_agent",
    },
    "pipelines": {"voice_agent", "livekit", "fastapi", "sqlite3", "openai"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_outer_layers(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {file: names for file, names in offenders.items() if names} == {}
