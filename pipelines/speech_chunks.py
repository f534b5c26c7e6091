"""How an answer's first sentence is cut into pieces for speech, so the first one plays soon.

Piper synthesizes a whole piece before any of it plays, at about a fifth of the audio's
length on two cores: a 12-word sentence is about a second of silence before the clerk
hears anything. The first sentence is therefore spoken in up to three pieces:

1. a short lead-in ("Yes,", "Not yet:"), ready in tens of milliseconds;
2. the first phrase of the rest of a long sentence: up to its first comma, colon or
   semicolon, or else up to the word before a preposition or conjunction that starts a
   new phrase ("... 20 percent off | in the Weekend Running Offer.");
3. the rest, synthesized while the first pieces play.

Each piece is at least three words long (except the lead-in) and a sentence of eight
words or fewer is not cut: short pieces sound choppy and gain nothing. Text without
spaces between words (Chinese) is never cut. Later sentences are synthesized while the
first plays and are not cut.
"""

from __future__ import annotations

import re

_LEAD_IN = re.compile(r"^(?P<head>[^,:;]{1,24}[,:;])\s+(?P<rest>\S.*\S)$")
_CLAUSE = re.compile(r"^(?P<head>[^,:;]+[,:;])\s+(?P<rest>\S.*\S)$")
_LEAD_IN_MAX_WORDS = 3
_PHRASE_MIN_WORDS = 3
_PHRASE_MAX_WORDS = 7
_REST_MIN_WORDS = 3
_CUT_ABOVE_WORDS = 8
_PHRASE_STARTS = frozenset(
    {"in", "for", "until", "from", "with", "at", "on", "and", "but", "or", "except", "because"}
)
"""Words that start a new phrase: a cut before one of them falls between phrases."""


def split_lead_in(sentence: str) -> list[str]:
    """Split a short lead-in ("Yes,", "Not yet:") off: ``[lead, rest]``, or ``[sentence]``."""
    match = _LEAD_IN.match(sentence.strip())
    if (
        match is None
        or len(match["head"].split()) > _LEAD_IN_MAX_WORDS
        or len(match["rest"].split()) < _REST_MIN_WORDS
    ):
        return [sentence]
    return [match["head"], match["rest"]]


def first_sentence_pieces(sentence: str) -> list[str]:
    """The pieces speech gets for an answer's first sentence (see the module docstring)."""
    pieces = split_lead_in(sentence)
    rest = pieces.pop()
    return [*pieces, *_split_first_phrase(rest)]


def _split_first_phrase(text: str) -> list[str]:
    words = text.split()
    if len(words) <= _CUT_ABOVE_WORDS:
        return [text]
    clause = _CLAUSE.match(text.strip())
    if clause is not None:
        head_words = len(clause["head"].split())
        if (
            _PHRASE_MIN_WORDS <= head_words <= _PHRASE_MAX_WORDS
            and len(clause["rest"].split()) >= _REST_MIN_WORDS
        ):
            return [clause["head"], clause["rest"]]
    for cut in range(_PHRASE_MIN_WORDS, min(_PHRASE_MAX_WORDS, len(words) - _REST_MIN_WORDS) + 1):
        if words[cut].lower() in _PHRASE_STARTS and not words[cut - 1].endswith((",", ":", ";")):
            return [" ".join(words[:cut]), " ".join(words[cut:])]
    return [text]
