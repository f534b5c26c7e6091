"""Imports flow one way: voice_agent -> pipelines -> knowledge_base; the domain does no I/O.

``knowledge_base`` may import only the standard library, pydantic and PyYAML (and itself), and
only its loader touches files. ``pipelines`` never imports ``voice_agent``. The checker is an
allow-list, so a new dependency of the domain fails here until someone decides it belongs.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DOMAIN = "knowledge_base"
DOMAIN_MAY_IMPORT = {"pydantic", "yaml", DOMAIN}
"""Besides the standard library."""
DOMAIN_IO_MODULES = {"knowledge_base/loader.py", "knowledge_base/yaml_source.py"}
"""The one loader: the only domain modules that may read files."""

FORBIDDEN = {
    "pipelines": {"voice_agent", "livekit", "fastapi", "sqlite3", "openai"},
}
MODELS_UNDER_FORBIDDEN = {"livekit.local_inference"}
"""Modules under a forbidden package that are models, not that layer: LiveKit's native build
of Silero has no rooms, no network and no I/O (the voice loop's VAD scores windows with it)."""

IO_FUNCTIONS = {"open", "print", "input", "exec", "eval", "__import__"}
IO_METHODS = {
    "open",
    "read_text",
    "write_text",
    "read_bytes",
    "write_bytes",
    "iterdir",
    "glob",
    "rglob",
    "exists",
    "is_dir",
    "is_file",
    "stat",
    "mkdir",
    "unlink",
    "rmdir",
    "rename",
    "touch",
    "urlopen",
}
IO_STDLIB_MODULES = {
    "os",
    "shutil",
    "subprocess",
    "socket",
    "urllib",
    "http",
    "sqlite3",
    "tempfile",
    # Not "io": io.StringIO is text in memory (CSV in and out); io.open() is a call to
    # open(), which IO_METHODS catches.
    "glob",
    "ftplib",
    "smtplib",
    "ssl",
    "select",
    "mmap",
    "multiprocessing",
}

KNOWN_VIOLATIONS: dict[str, set[str]] = {}
"""Violations present when the allow-list was introduced, each for its owner to remove.

The list may only shrink: ``test_known_violations_are_still_real`` fails once one is fixed,
so its entry is deleted rather than left as a standing exemption.
"""


def domain_violations(source: str, *, may_do_io: bool) -> set[str]:
    """What a ``knowledge_base`` module does that the domain may not."""
    tree = ast.parse(source)
    found: set[str] = set()
    for name in _imported(tree):
        if name not in DOMAIN_MAY_IMPORT and name not in sys.stdlib_module_names:
            found.add(f"imports {name}")
        elif name in IO_STDLIB_MODULES and not may_do_io:
            found.add(f"imports {name}")
    if not may_do_io:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Name) and node.func.id in IO_FUNCTIONS:
                found.add(f"calls {node.func.id}()")
            elif isinstance(node.func, ast.Attribute) and node.func.attr in IO_METHODS:
                found.add(f"calls .{node.func.attr}()")
    return found


def forbidden_imports(source: str, forbidden: set[str]) -> set[str]:
    """Top-level packages of ``forbidden`` that ``source`` imports (models under them aside)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            dotted = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            dotted = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in dotted:
            top = name.split(".")[0]
            model = any(f"{name}.".startswith(f"{m}.") for m in MODELS_UNDER_FORBIDDEN)
            if top in forbidden and not model:
                found.add(f"imports {top}")
    return found


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _domain_report() -> dict[str, set[str]]:
    report = {}
    for path in sorted((ROOT / DOMAIN).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        found = domain_violations(
            path.read_text(encoding="utf-8"), may_do_io=name in DOMAIN_IO_MODULES
        )
        if found:
            report[name] = found
    return report


def test_the_domain_imports_only_the_standard_library_pydantic_and_yaml_and_does_no_io() -> None:
    report = _domain_report()
    new = {
        file: found - KNOWN_VIOLATIONS.get(file, set())
        for file, found in report.items()
        if found - KNOWN_VIOLATIONS.get(file, set())
    }
    assert new == {}


def test_known_violations_are_still_real() -> None:
    report = _domain_report()
    fixed = {
        file: names - report.get(file, set())
        for file, names in KNOWN_VIOLATIONS.items()
        if names - report.get(file, set())
    }
    assert fixed == {}, "fixed: delete these entries from KNOWN_VIOLATIONS"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_outer_layers(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): forbidden_imports(
            path.read_text(encoding="utf-8"), FORBIDDEN[package]
        )
        for path in (ROOT / package).rglob("*.py")
    }
    assert {file: names for file, names in offenders.items() if names} == {}


# --- the checker itself, on small synthetic sources ------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import loguru\n", {"imports loguru"}),
        ("from pipecat.frames import Frame\n", {"imports pipecat"}),
        ("import voice_agent.cli\n", {"imports voice_agent"}),
        ("import os\n", {"imports os"}),
        ("from subprocess import run\n", {"imports subprocess"}),
        ("open('x.yaml')\n", {"calls open()"}),
        ("from pathlib import Path\nPath('x').read_text()\n", {"calls .read_text()"}),
        ("def f(p):\n    return [c for c in p.iterdir()]\n", {"calls .iterdir()"}),
        ("print('hello')\n", {"calls print()"}),
    ],
)
def test_the_checker_finds_each_kind_of_violation(source: str, expected: set[str]) -> None:
    assert domain_violations(source, may_do_io=False) == expected


@pytest.mark.parametrize(
    "source",
    [
        "import re\nfrom decimal import Decimal\nimport yaml\nfrom pydantic import BaseModel\n",
        "from knowledge_base.models import Promotion\nfrom . import speech\n",
        "from pathlib import Path\nDATA = Path(__file__).parent / 'data'\n",
        "text = 'open the file'.upper()\n",
    ],
)
def test_the_checker_accepts_what_the_domain_may_do(source: str) -> None:
    assert domain_violations(source, may_do_io=False) == set()


def test_the_loader_may_read_files_but_not_import_outer_layers() -> None:
    source = "from pathlib import Path\nPath('x').read_text()\nimport httpx\n"
    assert domain_violations(source, may_do_io=True) == {"imports httpx"}


def test_pipelines_may_not_import_voice_agent() -> None:
    source = "from voice_agent.settings import Settings\nimport pipecat\n"
    assert forbidden_imports(source, FORBIDDEN["pipelines"]) == {"imports voice_agent"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from livekit import local_inference\n", set()),
        ("from livekit.local_inference import VAD\n", set()),
        ("from livekit import rtc, local_inference\n", {"imports livekit"}),
        ("import livekit.rtc\n", {"imports livekit"}),
        ("import livekit\n", {"imports livekit"}),
    ],
)
def test_pipelines_may_use_livekits_native_silero_but_not_its_rooms(
    source: str, expected: set[str]
) -> None:
    assert forbidden_imports(source, FORBIDDEN["pipelines"]) == expected


# --- voice_agent's parts depend on each other one way ----------------------------------------

ADAPTERS = "voice_agent"

KNOWN_CYCLE_EDGES: dict[tuple[str, str], str] = {}
"""Imports that close a cycle today, each with its fix, for the owner of the file to remove.

The list may only shrink: ``test_known_cycle_edges_are_still_real`` fails once one is gone.
"""


def _part(module: str) -> str | None:
    """The part of ``voice_agent`` (subpackage or top-level module) ``module`` lies in."""
    parts = module.split(".")
    if parts[0] != ADAPTERS or len(parts) == 1:
        return None
    base = ROOT / ADAPTERS / parts[1]
    return parts[1] if base.is_dir() or base.with_suffix(".py").exists() else None


def part_imports(source: str, *, part: str) -> set[str]:
    """The other parts of ``voice_agent`` that ``source``, in ``part``, imports anywhere.

    Imports inside functions and under ``TYPE_CHECKING`` count too: moving an import into a
    function hides a cycle from the interpreter, not from the design.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(p for name in names if (p := _part(name)) not in (None, part))
    return found


def _part_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted((ROOT / ADAPTERS).rglob("*.py")):
        part = path.relative_to(ROOT / ADAPTERS).parts[0].removesuffix(".py")
        if part == "__init__":
            continue
        imported = part_imports(path.read_text(encoding="utf-8"), part=part)
        graph.setdefault(part, set()).update(imported)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as the list of its nodes (first repeated last), or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return path[path.index(node) :] + [node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def _without_known(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    return {
        part: {t for t in targets if (part, t) not in KNOWN_CYCLE_EDGES}
        for part, targets in graph.items()
    }


def test_the_parts_of_voice_agent_import_each_other_without_cycles() -> None:
    assert find_cycle(_without_known(_part_graph())) is None


def test_known_cycle_edges_are_still_real() -> None:
    graph = _part_graph()
    gone = [edge for edge in KNOWN_CYCLE_EDGES if edge[1] not in graph.get(edge[0], set())]
    assert gone == [], "fixed: delete these entries from KNOWN_CYCLE_EDGES"


def test_the_cycle_finder_reports_a_cycle_and_accepts_a_layering() -> None:
    assert find_cycle({"cli": {"livekit"}, "livekit": {"cli"}}) == ["cli", "livekit", "cli"]
    assert find_cycle({"cli": {"runtime", "settings"}, "runtime": {"settings"}}) is None


def test_a_local_import_still_counts_as_a_dependency() -> None:
    source = "def f():\n    from voice_agent.cli.common import settings_or_exit\n"
    assert part_imports(source, part="benchmarks") == {"cli"}


# --- production code ships what it reads -------------------------------------------------------

DEVELOPER_TOOLS = {"voice_agent/benchmarks"}
"""Benchmarks measure the fixtures of a checkout; they default to ``tests/fixtures``."""


def names_test_fixtures(source: str) -> bool:
    """Whether ``source`` builds a path into ``tests/fixtures`` (prose in strings is fine)."""
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Div)
            and isinstance(node.right, ast.Constant)
            and node.right.value == "fixtures"
            and isinstance(node.left, ast.BinOp)
            and isinstance(node.left.right, ast.Constant)
            and node.left.right.value == "tests"
        ):
            return True
        if (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).startswith("tests/fixtures")
        ):
            return True
    return False


def test_production_code_never_reads_the_test_fixtures() -> None:
    offenders = [
        path.relative_to(ROOT).as_posix()
        for package in ("voice_agent", "pipelines", "knowledge_base")
        for path in sorted((ROOT / package).rglob("*.py"))
        if not any(path.relative_to(ROOT).as_posix().startswith(t) for t in DEVELOPER_TOOLS)
        and names_test_fixtures(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('SAMPLE = ROOT / "tests" / "fixtures" / "audio" / "q.wav"\n', True),
        ('SAMPLE = Path("tests/fixtures/audio/q.wav")\n', True),
        ('HELP = "Example: voice-agent replay tests/fixtures/audio/q.wav"\n', False),
        ('SAMPLE = Path(__file__).parent / "data" / "q.wav"\n', False),
    ],
)
def test_the_fixture_path_checker(source: str, expected: bool) -> None:
    assert names_test_fixtures(source) is expected
