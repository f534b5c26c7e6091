"""Hearing a turn again as one recording when pauses split it into pieces.

The VAD ends an utterance at a short silence, so "Hey promo, is the AX-200 in the weekend
offer?" may arrive as two utterances, transcribed apart and joined as words. The words at a
split are the recogniser's weakest: a dropout inside "promo" gives "Hey, pro." then "Hello, is
the AX-200 ...", and the wake phrase is gone. Heard whole, the recogniser gets them back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pipelines.transcriber import Transcript
from pipelines.turn_assembly import FinishedTurn
from pipelines.utterance_audio import join_utterances

MAX_JOIN_GAP_SECS = 0.3
"""Silence put between pieces where nothing was recorded between them."""
MAX_TURN_SECS = 12.0
"""Longer turns are not heard again: a question with its wake phrase is short, and a long
report (feedback said in several breaths) would wait for a second transcription of all of it."""


class WholeTurnHearing:
    """Transcribes a turn put together from pieces again, from its joined audio.

    Args:
        transcribe: Transcribes the session's recorded audio.
        wanted: Given a pieced turn's joined words, says whether to hear it again (a turn
            whose words would be answered anyway need not wait for a second transcription).
        bytes_per_sec: Of the session's recorded audio.
    """

    def __init__(
        self,
        *,
        transcribe: Callable[[bytes], Awaitable[Transcript]],
        wanted: Callable[[str], bool],
        bytes_per_sec: int,
    ) -> None:
        self._transcribe = transcribe
        self._wanted = wanted
        self._max_gap_bytes = int(MAX_JOIN_GAP_SECS * bytes_per_sec) // 2 * 2
        self._max_bytes = int(MAX_TURN_SECS * bytes_per_sec)

    def wanted(self, turn: FinishedTurn) -> bool:
        """True when ``turn`` came in pieces, is short, and its joined words ask to be heard."""
        recorded = sum(len(piece.audio) for piece in turn.pieces)
        return len(turn.pieces) > 1 and recorded <= self._max_bytes and self._wanted(turn.text)

    def audio(self, turn: FinishedTurn) -> bytes:
        """The turn's pieces as one recording."""
        return join_utterances(
            [(piece.audio_start, piece.audio) for piece in turn.pieces],
            max_gap_bytes=self._max_gap_bytes,
        )

    async def hear(self, turn: FinishedTurn) -> Transcript:
        """Transcribe the turn's joined audio.

        Raises:
            SpeechToTextError: The recogniser failed.
        """
        return await self._transcribe(self.audio(turn))
