"""A bounded, process-wide cache of rendered speech, keyed by voice and text.

Clerks ask the same questions all day, so the same answer sentences are spoken again and
again; a cached sentence starts playing at once instead of after Piper renders it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SpeechCacheStats:
    """Counters of a :class:`RenderedSpeechCache`."""

    entries: int
    bytes: int
    hits: int
    misses: int


class RenderedSpeechCache:
    """Least-recently-used audio chunks per (voice, text), at most ``max_bytes`` in total.

    Thread-safe; share one instance per process. An entry larger than the whole budget is
    not stored. It also counts the live renders in progress (sessions' own sentences, and
    an urgent notice's sentences rendered once for every session about to say them), so
    that rendering ahead (:mod:`pipelines.speech_prerender`) can keep out of their way, and
    lets one renderer :meth:`claim` a text so that others wait for its audio
    (:meth:`is_claimed`) instead of rendering the same sentence again.
    """

    def __init__(self, *, max_bytes: int) -> None:
        self._max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], tuple[bytes, ...]] = OrderedDict()
        self._bytes = 0
        self._hits = 0
        self._misses = 0
        self._live_renders = 0
        self._last_live_end = float("-inf")
        self._lock = threading.Lock()
        self._no_live_renders = threading.Condition(self._lock)
        self._claimed: set[tuple[str, str]] = set()

    def get(self, voice: str, text: str) -> tuple[bytes, ...] | None:
        """The audio chunks rendered for ``text`` in ``voice``, or ``None``."""
        key = (voice, text)
        with self._lock:
            chunks = self._entries.get(key)
            if chunks is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return chunks

    def contains(self, voice: str, text: str) -> bool:
        """Whether ``text`` in ``voice`` is held (not counted as a hit or a miss)."""
        with self._lock:
            return (voice, text) in self._entries

    def claim(self, voice: str, text: str) -> bool:
        """Claim the rendering of ``text``: True when nobody holds or renders it yet.

        The claimer renders and stores it with :meth:`put`, then calls :meth:`release`, also
        when the render fails or is cancelled.
        """
        key = (voice, text)
        with self._lock:
            if key in self._entries or key in self._claimed:
                return False
            self._claimed.add(key)
            return True

    def release(self, voice: str, text: str) -> None:
        """End a :meth:`claim`: whoever waits for ``text`` finds it in the cache now, or not."""
        with self._lock:
            self._claimed.discard((voice, text))

    def is_claimed(self, voice: str, text: str) -> bool:
        """Whether someone is rendering ``text`` in ``voice`` right now."""
        with self._lock:
            return (voice, text) in self._claimed

    @contextmanager
    def live_render(self) -> Iterator[None]:
        """Mark a render someone waits for as in progress for the duration of the block."""
        with self._lock:
            self._live_renders += 1
        try:
            yield
        finally:
            with self._lock:
                self._live_renders -= 1
                if self._live_renders == 0:
                    self._last_live_end = time.monotonic()
                    self._no_live_renders.notify_all()

    @property
    def live_renders(self) -> int:
        """Renders someone waits for (a session's sentence, a notice's), in progress now."""
        with self._lock:
            return self._live_renders

    def is_quiet(self, quiet_secs: float = 0.0) -> bool:
        """No live render now, and none ended within the last ``quiet_secs``."""
        with self._lock:
            return self._quiet_left(quiet_secs) <= 0.0

    def _quiet_left(self, quiet_secs: float) -> float:
        if self._live_renders:
            return float("inf")
        return self._last_live_end + quiet_secs - time.monotonic()

    def wait_for_no_live_renders(
        self, timeout_secs: float | None = None, *, quiet_secs: float = 0.0
    ) -> bool:
        """Block until :meth:`is_quiet` (call it from a worker thread).

        Returns False when ``timeout_secs`` passed first.
        """
        deadline = None if timeout_secs is None else time.monotonic() + timeout_secs
        with self._no_live_renders:
            while (left := self._quiet_left(quiet_secs)) > 0.0:
                wait = None if left == float("inf") else left
                if deadline is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0.0:
                        return False
                    wait = remaining if wait is None else min(wait, remaining)
                self._no_live_renders.wait(timeout=wait)
            return True

    def put(self, voice: str, text: str, chunks: list[bytes]) -> None:
        """Remember the audio of ``text`` in ``voice``, evicting the least recently used."""
        size = sum(len(chunk) for chunk in chunks)
        if size > self._max_bytes or not chunks:
            return
        key = (voice, text)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= sum(len(chunk) for chunk in old)
            self._entries[key] = tuple(chunks)
            self._bytes += size
            while self._bytes > self._max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= sum(len(chunk) for chunk in evicted)

    def clear(self) -> None:
        """Forget every rendered entry (claims and live renders in progress are kept)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> SpeechCacheStats:
        """Entries, bytes held, hits and misses so far."""
        with self._lock:
            return SpeechCacheStats(
                entries=len(self._entries), bytes=self._bytes, hits=self._hits, misses=self._misses
            )
