"""Per-session conversation state shared by the processors of one pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ConversationState:
    """What one session's processors need to know about each other; never shared across sessions."""

    session_id: str
    bot_speaking: bool = False
    """The output transport is playing the bot's audio."""
    answer_sentences: list[str] = field(default_factory=list)
    """Sentences of the current answer, in speaking order."""
    sentences_played: int = 0
    """Sentences of the current answer whose audio has started playing."""
    cut_sentence_index: int | None = None
    """Index of the sentence that was playing when the user barged in."""
    user_speaking: bool = False
    """The VAD hears the user."""
    transcriptions_pending: int = 0
    """Utterances being transcribed."""
    turn_pending: bool = False
    """A transcript is waiting to see whether the user goes on."""
    answering: bool = False
    """An answer is being written."""

    audio_bytes_heard: int = 0
    """Input audio the turn processor has taken in (replays wait for all of it)."""
    reply_interrupted: bool = False
    """The current answer was cut off by the user."""
    expecting_reply: bool = False
    """The floor awaits the clerk's reply to what it said: the address gate lets turns
    through without the wake phrase (the floor decides what they are)."""
    feedback_capturing: bool = False
    """A spoken feedback capture is open: the address gate lets the clerk's turns through
    without the wake phrase (``pipelines.feedback_processor``)."""
    last_activity_at: float | None = None
    """Monotonic seconds when the clerk or the assistant last finished speaking."""

    @property
    def reply_in_progress(self) -> bool:
        """An answer is being written, synthesized or played: user speech would interrupt it."""
        unplayed = self.sentences_played < len(self.answer_sentences)
        return self.answering or self.bot_speaking or (unplayed and not self.reply_interrupted)

    @property
    def is_idle(self) -> bool:
        """Nothing heard, pending, being answered or being played."""
        return not (
            self.reply_in_progress
            or self.user_speaking
            or self.transcriptions_pending
            or self.turn_pending
        )

    def seconds_since_activity(self, now: float) -> float | None:
        """Seconds since the clerk or the assistant last finished speaking (``None``: never)."""
        return None if self.last_activity_at is None else max(now - self.last_activity_at, 0.0)

    def speak(self, sentences: list[str]) -> None:
        """Make ``sentences`` what the bot is saying now (not an answer: a floor utterance)."""
        self.start_answer()
        self.answer_sentences = list(sentences)

    def start_answer(self) -> None:
        """Forget the previous answer."""
        self.answer_sentences = []
        self.sentences_played = 0
        self.cut_sentence_index = None
        self.reply_interrupted = False

    def mark_cut(self) -> None:
        """Remember which sentence was playing when the audio was stopped."""
        self.reply_interrupted = True
        if self.answer_sentences:
            self.cut_sentence_index = max(self.sentences_played - 1, 0)

    def resume(self) -> list[str]:
        """Make the cut sentence and the rest the current answer again; return them."""
        sentences = self.sentences_to_resume()
        self.start_answer()
        self.answer_sentences = list(sentences)
        return sentences

    def sentences_to_resume(self) -> list[str]:
        """The cut sentence and everything after it (empty if nothing was cut)."""
        if self.cut_sentence_index is None:
            return []
        return self.answer_sentences[self.cut_sentence_index :]
