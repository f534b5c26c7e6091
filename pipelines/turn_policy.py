"""Pure turn-taking rules: when a transcript is finished, and when speech may cut the bot off.

No Pipecat here: these are plain functions and small value objects, tested with numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

# Words a finished English question rarely ends on: "is the AX-200 in the ...".
_DANGLING_WORDS = frozenset(
    """a an the and or but of in on at to for with from by about than as is are was
    were be does do did can could will would should may might must if that which who
    what when where how my your our their its this these those some any per um uh
    like so because then plus""".split()
)
_NON_SPEECH = re.compile(
    r"^\W*(\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|uh+|um+|hm+|mm+|ah+|oh+|huh|cough(ing)?)?\W*$",
    re.IGNORECASE,
)


_DETERMINERS = frozenset("the a an this that these those your our".split())
_AUXILIARIES = frozenset("is are was were does do did can could will would should has have".split())
_COMMA_PHRASE_WORDS = 4
"""Words from which a comma-ended phrase that is not a yes/no question reads as whole."""
_CONTINUATION_STARTS = (
    _DANGLING_WORDS - _AUXILIARIES - {"what", "when", "where", "how", "who", "which"}
)
_STOP_COMMANDS = re.compile(
    r"^\W*(ok(ay)?\W+)?(stop( it| talking| please)?|cancel|never ?mind|quiet|shh+|enough|"
    r"that'?s (all|enough)|thanks?( you)?|got it)\W*$",
    re.IGNORECASE,
)


def is_stop_command(transcript: str) -> bool:
    """True when the user only told the assistant to stop ("stop", "never mind", "thanks")."""
    return bool(_STOP_COMMANDS.match(transcript.strip()))


def looks_like_continuation(transcript: str) -> bool:
    """True when a transcript starts the way the rest of a sentence does ("in the weekend...")."""
    words = re.findall(r"[\w'-]+", transcript.lower())
    return bool(words) and words[0] in _CONTINUATION_STARTS


def is_non_speech(transcript: str) -> bool:
    """True when a transcript carries no words (empty, ``[cough]``, ``(music)``, ``uh``)."""
    return bool(_NON_SPEECH.match(transcript.strip()))


def looks_unfinished(transcript: str) -> bool:
    """True when the transcript probably stops mid-sentence and the user will go on.

    A question that ends on an article, preposition, conjunction or auxiliary verb
    ("is the AX-200 in the", "member price for") or on a comma or dash is unfinished,
    except a comma after a whole phrase of four words or more that is not a yes/no question.
    Sentence-final punctuation from the recogniser ends the turn.
    """
    text = transcript.strip()
    if not text:
        return False
    words = re.findall(r"[\w'-]+", text.lower())
    if words and words[0] in _AUXILIARIES and len(words) <= 3:
        # "Is the AX-200." - a yes/no question without its predicate yet. "Is the AX-200?"
        # too (an auxiliary, a determiner, a name): Whisper adds the question mark at a
        # mid-question pause; "Are candles discounted?" has its predicate. If nothing
        # follows, the turn is answered after the extra wait.
        if text[-1] != "?" or (len(words) == 3 and words[1] in _DETERMINERS):
            return True
    if text[-1] in ".?!。？！":
        # Whisper sometimes ends a fragment with a period anyway: still check the last word.
        return bool(words) and words[-1] in _DANGLING_WORDS and text[-1] != "?"
    if text[-1] in ",;:-–—…":
        if text[-1] == "," and len(words) >= _COMMA_PHRASE_WORDS and words[0] not in _AUXILIARIES:
            # Whisper also closes whole spoken questions without a verb with a comma ("Member
            # price for the Solar Shield,"): there only a dangling last word means more comes.
            # A yes/no question keeps waiting ("Is the winter boot offer," ... "still on?").
            return words[-1] in _DANGLING_WORDS
        return True
    return bool(words) and words[-1] in _DANGLING_WORDS


def level_dbfs(pcm16: bytes) -> float:
    """Root-mean-square level of 16-bit PCM in dB relative to full scale (-120 for silence)."""
    if len(pcm16) < 2:
        return -120.0
    samples = np.frombuffer(pcm16[: len(pcm16) // 2 * 2], dtype=np.int16).astype(np.float32)
    rms = float(np.sqrt(np.mean(np.square(samples / 32768.0))))
    return 20.0 * math.log10(rms) if rms > 1e-6 else -120.0


@dataclass(frozen=True, slots=True)
class BargeInPolicy:
    """When the user's speech may stop the bot's audio.

    The VAD has already required ``start_secs`` of speech; this adds a loudness floor so
    that a customer's voice farther away, music or shop noise does not cut the bot off.
    :meth:`stops_early` lets loud speech stop the bot after ``onset_windows`` windows
    instead, about 150 ms sooner than the VAD's confirmed start.
    """

    min_level_dbfs: float = -26.0
    """Speech quieter than this (dBFS over the onset window) is not a barge-in."""
    enabled: bool = True
    onset_windows: int = 2
    """Silero windows (32 ms each) in a row rated speech, at least ``min_level_dbfs`` loud over
    those windows, that stop the bot before the VAD confirms the start; 0: only the VAD's
    confirmed start (``start_secs``) may."""

    def stops_early(self, *, speech_windows: int, level_dbfs: float) -> bool:
        """Whether the first windows of speech during the bot's audio already stop it."""
        return (
            self.enabled
            and self.onset_windows > 0
            and speech_windows >= self.onset_windows
            and level_dbfs >= self.min_level_dbfs
        )

    def decide(self, *, onset_level_dbfs: float) -> tuple[bool, str]:
        """Return (interrupt?, reason) for speech that started while the bot speaks."""
        if not self.enabled:
            return False, "barge-in disabled"
        if onset_level_dbfs < self.min_level_dbfs:
            return False, f"too quiet ({onset_level_dbfs:.1f} dBFS < {self.min_level_dbfs:.1f})"
        return True, "speech"
