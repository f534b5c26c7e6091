"""Manifest rows and files: what each generated WAV is, written beside the audio."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .audio import RATE, SPEECH_DBFS, seconds
from .paths import REPO_ROOT
from .wavfile import write_wav

MANIFEST_NAME = "manifest.json"
MANIFEST_SCHEMA_VERSION = 1
GENERATOR = "scripts/make_fixtures.py"
REGENERATE = "python scripts/make_fixtures.py"


def wav_entry(
    path: str, set_name: str, kind: str, audio: np.ndarray, **fields: Any
) -> dict[str, Any]:
    """The manifest row of a 16 kHz mono 16-bit file; ``fields`` follow the format."""
    return {
        "path": path,
        "set": set_name,
        "kind": kind,
        "sample_rate": RATE,
        "channels": 1,
        "sample_width": 2,
        "duration_s": seconds(audio.size),
        **fields,
    }


@dataclass
class Builder:
    """Writes one set's files into ``out`` and collects their manifest entries."""

    out: Path
    echo: Callable[[str], None]
    entries: list[dict[str, Any]] = field(default_factory=list)

    def write(self, relative: str, audio: np.ndarray, entry: dict[str, Any]) -> None:
        """Write ``relative`` under ``out``, keep its entry and echo a line about it."""
        write_wav(self.out / relative, audio)
        self.entries.append(entry)
        self.echo(f"  {relative:<44} {entry['duration_s']:6.2f} s  {entry['kind']}")


def fresh_folder(folder: Path) -> None:
    """Empty ``folder`` (creating it): files of removed items must not linger."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)


def read_manifest(out: Path) -> list[dict[str, Any]]:
    """The entries of ``out``'s manifest; none if it has no manifest yet."""
    path = out / MANIFEST_NAME
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["files"])


def write_manifest(
    out: Path,
    entries: list[dict[str, Any]],
    *,
    regenerate: str = REGENERATE,
    source: Path | None = None,
    styles: dict[str, str] | None = None,
) -> None:
    """Write ``out/manifest.json``: the entries sorted by path under the shared header.

    ``source`` (the file the lines were read from) and ``styles`` (what each rendering
    style means) are written only when given.
    """
    manifest = {
        "schema_version": MANIFEST_SCHEMA_VERSION,
        "generator": GENERATOR,
        "regenerate": regenerate,
        **({"source": str(source.relative_to(REPO_ROOT))} if source is not None else {}),
        "sample_rate": RATE,
        "speech_level_dbfs": SPEECH_DBFS,
        **({"styles": styles} if styles is not None else {}),
        "files": sorted(entries, key=lambda entry: entry["path"]),
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    (out / MANIFEST_NAME).write_text(text, encoding="utf-8")
