"""The floor's bookkeeping: what waits to be said, what is playing, whose reply is awaited.

Plain Python, no Pipecat and no clock of its own (times are passed in): the
:class:`~pipelines.floor_processor.FloorProcessor` turns frames into calls here and the
answers into frames and events.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from pipelines.floor_models import ExpectedReply, Utterance


@dataclass(slots=True)
class Queued:
    """An utterance waiting to be said."""

    utterance: Utterance
    seq: int
    play: int = 1
    """The how-manieth playing this will be."""
    at_once: bool = False
    """A repeat or a resumed cut: said as soon as nothing goes on, before anything else."""


@dataclass(slots=True)
class Playing:
    """The utterance being said."""

    item: Queued
    token: int
    give_up_at: float
    """Monotonic seconds after which it counts as never played out."""
    started: bool = False


@dataclass(slots=True)
class Awaiting:
    """The utterance whose reply is awaited."""

    utterance: Utterance
    deadline: float | None = None
    """Monotonic seconds; ``None`` while it is still playing."""
    repeats: int = 0


def _order(item: Queued) -> tuple[bool, int, int]:
    return (not item.at_once, -item.utterance.priority, item.seq)


class FloorAgenda:
    """One session's outbound utterances and the reply they await (one exchange at a time)."""

    def __init__(self) -> None:
        self.queue: list[Queued] = []
        self.playing: Playing | None = None
        self.awaiting: Awaiting | None = None
        self.cut: Queued | None = None
        """The utterance last cut off by a barge-in (resumed if the barge-in had no words)."""
        self._seq = itertools.count()
        self._tokens = itertools.count(1)

    @property
    def busy(self) -> bool:
        """Something is queued, playing or awaiting its reply."""
        return bool(self.queue or self.playing or self.awaiting)

    @property
    def expecting_reply(self) -> bool:
        """A reply is awaited (the clerk needs no wake phrase)."""
        return self.awaiting is not None

    def ordered(self) -> list[Queued]:
        """The queue in speaking order."""
        return sorted(self.queue, key=_order)

    def offer(self, utterance: Utterance, *, play: int = 1, at_once: bool = False) -> None:
        """Queue ``utterance``, replacing a queued one with the same id."""
        self._drop_queued(utterance.id)
        self.queue.append(Queued(utterance, next(self._seq), play=play, at_once=at_once))

    def withdraw(self, utterance_id: str) -> tuple[Utterance | None, bool]:
        """Forget the utterance everywhere: (the utterance if it was known, it was playing)."""
        found = next((i.utterance for i in self.queue if i.utterance.id == utterance_id), None)
        self._drop_queued(utterance_id)
        was_playing = self.playing is not None and self.playing.item.utterance.id == utterance_id
        if self.playing is not None and was_playing:
            found = self.playing.item.utterance
            self.playing = None
        if self.cut is not None and self.cut.utterance.id == utterance_id:
            self.cut = None
        if self.awaiting is not None and self.awaiting.utterance.id == utterance_id:
            found = self.awaiting.utterance
            self.awaiting = None
        return found, was_playing

    def next_up(self) -> Queued | None:
        """What would be said next, if anything may be said now.

        Nothing while an utterance plays; while a reply is awaited, only that utterance
        itself (a repeat or a replay).
        """
        if self.playing is not None:
            return None
        candidates = self.queue
        if self.awaiting is not None:
            awaited = self.awaiting.utterance.id
            candidates = [item for item in self.queue if item.utterance.id == awaited]
        return min(candidates, key=_order, default=None)

    def begin(self, item: Queued, *, give_up_at: float) -> int:
        """``item`` starts being said; returns the token of this playing."""
        self.queue.remove(item)
        utterance = item.utterance
        token = next(self._tokens)
        self.playing = Playing(item=item, token=token, give_up_at=give_up_at)
        self.cut = None
        same = self.awaiting is not None and self.awaiting.utterance.id == utterance.id
        repeats = self.awaiting.repeats if self.awaiting is not None and same else 0
        if utterance.expects is ExpectedReply.NONE:
            if same:
                self.awaiting = None
        else:
            self.awaiting = Awaiting(utterance=utterance, repeats=repeats)
        return token

    def started(self) -> Queued | None:
        """The bot's audio started: the playing item if this is its start."""
        if self.playing is None or self.playing.started:
            return None
        self.playing.started = True
        return self.playing.item

    def played(self, token: int, now: float) -> Playing | None:
        """The playing with ``token`` reached its end: it, if it was the current one."""
        playing = self.playing
        if playing is None or playing.token != token:
            return None
        self.playing = None
        self._open_reply_window(playing.item.utterance, now)
        return playing

    def interrupted(self, now: float) -> Queued | None:
        """An interruption: the item that was cut off, if one was playing."""
        if self.playing is None:
            return None
        item = self.playing.item
        self.playing = None
        self.cut = item
        self._open_reply_window(item.utterance, now)
        return item

    def lost(self, now: float) -> Utterance | None:
        """The playing utterance, if it should have finished by ``now`` (never played out)."""
        if self.playing is None or now < self.playing.give_up_at:
            return None
        utterance = self.playing.item.utterance
        self.playing = None
        self._open_reply_window(utterance, now)
        return utterance

    def timed_out(self, now: float) -> Utterance | None:
        """The awaited utterance, if its reply window closed by ``now`` (the wait ends)."""
        awaiting = self.awaiting
        if awaiting is None or awaiting.deadline is None or now < awaiting.deadline:
            return None
        self.awaiting = None
        return awaiting.utterance

    def await_reply(self, utterance: Utterance, now: float) -> bool:
        """Await the reply to ``utterance`` (said before) from ``now``; False when busy."""
        if self.awaiting is not None or self.playing is not None:
            return False
        self.awaiting = Awaiting(utterance=utterance, deadline=now + utterance.reply_within_secs)
        return True

    def replied(self) -> None:
        """The awaited reply came."""
        self.awaiting = None

    def repeat(self) -> bool:
        """The clerk asked to hear the awaited utterance again: queue it first (if allowed)."""
        awaiting = self.awaiting
        if awaiting is None or awaiting.repeats >= awaiting.utterance.max_repeats:
            return False
        awaiting.repeats += 1
        awaiting.deadline = None
        if self.playing is None or self.playing.item.utterance.id != awaiting.utterance.id:
            self.offer(awaiting.utterance, play=awaiting.repeats + 1, at_once=True)
        return True

    def resume_cut(self) -> None:
        """The barge-in that cut the last utterance had no words: say it again, whole."""
        if self.cut is not None:
            item, self.cut = self.cut, None
            self.offer(item.utterance, play=item.play + 1, at_once=True)

    def _drop_queued(self, utterance_id: str) -> None:
        self.queue = [item for item in self.queue if item.utterance.id != utterance_id]

    def _open_reply_window(self, utterance: Utterance, now: float) -> None:
        if self.awaiting is not None and self.awaiting.utterance.id == utterance.id:
            self.awaiting.deadline = now + utterance.reply_within_secs
