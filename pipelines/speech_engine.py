"""One speech engine per process: batched, short-window Whisper shared by every session.

Sessions submit finished utterances. A single worker thread takes what arrives within a few
milliseconds, groups it by encoder window, and decodes each group with one CTranslate2
``generate`` call on the loaded faster-whisper model, on a window picked from the audio
length instead of Whisper's fixed 30 s. Guards cap the output and forbid repeated n-grams;
a result that still looks unreliable is decoded again on the full window through
:class:`~pipelines.transcriber.Transcriber`'s path (today's path), after the rest of its
batch. A result that is only unsure (low log-probability) is kept as it is when other
utterances are waiting: under load a full-window redo would delay every session behind it.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from loguru import logger

from pipelines.errors import SpeechToTextError
from pipelines.short_window_decoder import ShortWindowDecoder
from pipelines.simplified_chinese import simplified
from pipelines.stt_guards import FULL_WINDOW_SECS, OutputGuard, Unreliable, WindowPolicy
from pipelines.transcriber import SAMPLE_RATE, Transcriber, Transcript


@dataclass(frozen=True, slots=True)
class EngineStats:
    """What the engine has done since it started (counters, for tests and health)."""

    utterances: int = 0
    """Utterances submitted."""
    batches: int = 0
    """``generate`` calls on a short window."""
    largest_batch: int = 0
    """Most utterances decoded in one ``generate`` call."""
    full_window: int = 0
    """Utterances decoded on the full 30 s window (fallbacks and long clips)."""
    fallbacks: dict[str, int] = field(default_factory=dict)
    """Fallbacks to the full window by reason (:class:`~pipelines.stt_guards.Unreliable`)."""
    kept_unsure: int = 0
    """Low-confidence short-window readings kept, not redone, because others were waiting."""


@dataclass(slots=True)
class _Job:
    samples: np.ndarray
    audio_secs: float
    submitted: float
    future: Future[Transcript]
    language: str | None
    """Whisper's code of the language the utterance is in (``None``: detect it)."""


class SpeechEngine(Transcriber):
    """Batches utterances from every session into short-window Whisper decodes.

    A drop-in :class:`Transcriber`: ``transcribe`` and ``transcribe_sync`` return the same
    :class:`Transcript` per utterance. One instance per process; it starts its worker thread
    on first use. Each utterance is decoded in its own language (its session's): utterances
    in different languages share a ``generate`` call, each with its own prompt.

    Args:
        model: A loaded ``faster_whisper.WhisperModel``.
        language: Language of utterances that name none; ``None`` (detect) sends those
            through the full path.
        beam_size: Beam of the full-window path (1 is greedy decoding).
        short_beam_size: Beam on a short window. A small beam there costs less than the full
            window and recovers the accuracy a short window loses with greedy decoding.
        hints: Catalogue names for Whisper's initial prompt.
        batch_wait_secs: How long the worker waits for more utterances after the first.
        max_batch: Most utterances per ``generate`` call.
        window: How the encoder window follows the audio length.
        guard: Output cap and the rules that send a result to the full window.
        no_repeat_ngram_size: Token n-grams that may not repeat in a short-window decode.
    """

    def __init__(
        self,
        *,
        model: Any,
        language: str | None = "en",
        beam_size: int = 1,
        short_beam_size: int = 3,
        hints: list[str] | None = None,
        batch_wait_secs: float = 0.005,
        max_batch: int = 8,
        window: WindowPolicy | None = None,
        guard: OutputGuard | None = None,
        no_repeat_ngram_size: int = 3,
    ) -> None:
        super().__init__(model=model, language=language, beam_size=beam_size, hints=hints)
        self._batch_wait = batch_wait_secs
        self._max_batch = max_batch
        self._window = window or WindowPolicy()
        self._guard = guard or OutputGuard()
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._counts_lock = threading.Lock()
        self._utterances = 0
        self._batches = 0
        self._largest_batch = 0
        self._full_window = 0
        self._fallbacks: Counter[str] = Counter()
        self._kept_unsure = 0
        self._decoder = ShortWindowDecoder(
            model=model,
            prompt=self._prompt,
            beam_size=short_beam_size,
            no_repeat_ngram_size=no_repeat_ngram_size,
        )
        if self._language is not None:
            self._decoder.prompt_for(self._language)  # the usual one, before the first utterance

    # Public API

    def submit(self, pcm16: bytes, *, language: str | None = None) -> Future[Transcript]:
        """Queue 16 kHz mono 16-bit PCM for transcription; the future holds its transcript.

        ``language``: what the utterance is in (``zh-CN``); ``None``: the engine's own.
        """
        audio = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype=np.int16)
        future: Future[Transcript] = Future()
        job = _Job(
            samples=audio.astype(np.float32) / 32768.0,
            audio_secs=len(audio) / SAMPLE_RATE,
            submitted=time.perf_counter(),
            future=future,
            language=self.heard_language(language),
        )
        with self._counts_lock:
            self._utterances += 1
        self._ensure_worker()
        self._queue.put(job)
        return future

    async def transcribe(self, pcm16: bytes, *, language: str | None = None) -> Transcript:
        """Transcribe together with whatever other sessions submit at the same moment."""
        return await asyncio.wrap_future(self.submit(pcm16, language=language))

    def transcribe_sync(self, pcm16: bytes, *, language: str | None = None) -> Transcript:
        """Transcribe and wait (blocking)."""
        return self.submit(pcm16, language=language).result()

    def waiting(self) -> int:
        """Utterances submitted and not yet taken up for decoding."""
        return self._queue.qsize()

    def stats(self) -> EngineStats:
        """A snapshot of the engine's counters."""
        with self._counts_lock:
            return EngineStats(
                utterances=self._utterances,
                batches=self._batches,
                largest_batch=self._largest_batch,
                full_window=self._full_window,
                fallbacks=dict(self._fallbacks),
                kept_unsure=self._kept_unsure,
            )

    def close(self) -> None:
        """Stop the worker thread after the utterances already queued."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    # Worker

    def _ensure_worker(self) -> None:
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="speech-engine", daemon=True
                )
                self._thread.start()

    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            deadline = time.perf_counter() + self._batch_wait
            stop = False
            while len(batch) < self._max_batch:
                try:
                    job = self._queue.get(timeout=max(0.0, deadline - time.perf_counter()))
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            live = [job for job in batch if job.future.set_running_or_notify_cancel()]
            try:
                self._run(live)
            except Exception as e:  # never let the worker die: fail these jobs instead
                logger.exception("speech engine batch failed")
                for job in live:
                    if not job.future.done():
                        job.future.set_exception(SpeechToTextError(f"transcription failed: {e}"))
            if stop:
                return

    def _run(self, jobs: list[_Job]) -> None:
        # One call per window; prompts of one call have one length (languages' prompts do).
        groups: dict[tuple[float, int], list[_Job]] = {}
        for job in jobs:
            if job.audio_secs < 0.1:
                self._finish(job, "", window_secs=0.0)
                continue
            window = self._window.window_secs(job.audio_secs)
            if job.language is None or window >= FULL_WINDOW_SECS:
                self._full(job, reason=None)
                continue
            key = (window, len(self._decoder.prompt_for(job.language)))
            groups.setdefault(key, []).append(job)
        redo: list[tuple[_Job, Unreliable]] = []
        for (window, _), group in groups.items():
            decoded = self._decoder.decode(
                [(job.samples, job.language) for job in group if job.language is not None],
                max_new_tokens=[self._guard.max_new_tokens(job.audio_secs) for job in group],
                window_secs=window,
            )
            with self._counts_lock:
                self._batches += 1
                self._largest_batch = max(self._largest_batch, len(group))
            for job, result in zip(group, decoded, strict=True):
                if self._guard.is_silence(
                    avg_logprob=result.avg_logprob, no_speech_prob=result.no_speech_prob
                ):
                    self._finish(job, "", window_secs=window)
                    continue
                reason = self._guard.unreliable(
                    text=result.text,
                    avg_logprob=result.avg_logprob,
                    num_tokens=result.num_tokens,
                    audio_secs=job.audio_secs,
                )
                if reason is Unreliable.LOW_LOGPROB and self.waiting():
                    # A 30 s decode here would hold up every session waiting behind it:
                    # an unsure reading now beats a sure one seconds late.
                    with self._counts_lock:
                        self._kept_unsure += 1
                    reason = None
                if reason is None:
                    self._finish(job, result.text, window_secs=window)
                else:
                    redo.append((job, reason))
                    logger.debug(
                        "speech engine: {} on a {:.0f} s window ({!r}), redoing on 30 s",
                        reason,
                        window,
                        result.text[:80],
                    )
        # Redone last, so the batch's good readings are not held up behind them.
        for job, reason in redo:
            self._full(job, reason=str(reason))

    def _full(self, job: _Job, *, reason: str | None) -> None:
        with self._counts_lock:
            self._full_window += 1
            if reason is not None:
                self._fallbacks[reason] += 1
        try:
            text = self.full_window_text(job.samples, language=job.language)
        except SpeechToTextError as e:
            job.future.set_exception(e)
            return
        self._finish(job, text, window_secs=FULL_WINDOW_SECS, fallback=reason)

    def _finish(
        self, job: _Job, text: str, *, window_secs: float, fallback: str | None = None
    ) -> None:
        job.future.set_result(
            Transcript(
                text=simplified(text),
                audio_secs=job.audio_secs,
                stt_secs=time.perf_counter() - job.submitted,
                window_secs=window_secs,
                fallback=fallback,
            )
        )
