"""How an answer's first sentence is cut into pieces for speech, so the first one plays soon.

Piper synthesizes a whole piece before any of it plays, at about a sixteenth of the audio's
length on two cores: a sentence of twelve spoken words is a quarter of a second of silence
before the clerk hears anything, and numbers and codes are long when spoken ("1 WB-310"
is "one W B three ten"). The first sentence is therefore spoken in a few pieces:

1. a short lead-in ("Yes,", "Not yet:"), ready in tens of milliseconds;
2. the first phrase of the rest of a long sentence: up to its first comma, colon or
   semicolon, or else up to the word before a preposition or conjunction that starts a
   new phrase ("... 20 percent off | in the Weekend Running Offer.", "1 WB-310 | and 1
   WB-320 come to ..."), or else, when neither gives a phrase of at most seven words, up
   to that first comma all the same (a clause of nine words full of numbers renders in
   about 280 ms, the whole sentence in about 410 ms);
3. the rest, synthesized while the first pieces play.

Without a lead-in, a first piece that still sounds longer than nine words is cut once more
before its verb: "The WB-320 | is 1449 yuan, | down from 1599 yuan." (in replays of that
question the answer was heard 160 ms after it was ready, against 274 ms with "The WB-320 is
1449 yuan," as the first piece).

Each piece sounds at least three words long (except the lead-in; a number or a code counts
a word per digit and capital letter) and a sentence that sounds eight words or fewer is not
cut: short pieces sound choppy and gain nothing. Text without spaces between words (Chinese)
is never cut. Later sentences are synthesized while the first plays and are not cut.
"""

from __future__ import annotations

import re

_LEAD_IN = re.compile(r"^(?P<head>[^,:;]{1,24}[,:;])\s+(?P<rest>\S.*\S)$")
_CLAUSE = re.compile(r"^(?P<head>[^,:;]+[,:;])\s+(?P<rest>\S.*\S)$")
_SPELLED_OUT = re.compile(r"[0-9A-Z]")
_LEAD_IN_MAX_WORDS = 3
_PHRASE_MIN_SPOKEN = 3
_PHRASE_MAX_WORDS = 7
_REST_MIN_WORDS = 3
_CUT_ABOVE_SPOKEN = 8
_PHRASE_STARTS = frozenset(
    {"in", "for", "until", "from", "with", "at", "on", "and", "but", "or", "except", "because"}
)
"""Words that start a new phrase: a cut before one of them falls between phrases."""
_VERBS = frozenset({"is", "are", "costs", "cost", "comes", "come", "ends", "starts", "runs"})
"""The verbs answers put after what they are about: a cut before one ends the subject."""
_FIRST_PIECE_MAX_SPOKEN = 9


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
    phrase = _split_first_phrase(rest)
    if pieces:  # the lead-in plays while the phrase after it renders
        return [*pieces, *phrase]
    return [*_split_subject(phrase[0]), *phrase[1:]]


def spoken_length(words: list[str]) -> int:
    """About how many words ``words`` take to say: a digit or a code's capital letter is one."""
    return sum(_spoken_words(word) for word in words)


def _spoken_words(word: str) -> int:
    bare = word.strip(".,:;!?()\"'")
    if any(c.isdigit() for c in bare) or (len(bare) > 1 and bare.isupper()):
        return max(1, len(_SPELLED_OUT.findall(bare)))
    return 1


def _split_subject(piece: str) -> list[str]:
    """Cut a first piece that is long to say before its verb ("The WB-320 | is 1449 yuan,")."""
    words = piece.split()
    if spoken_length(words) <= _FIRST_PIECE_MAX_SPOKEN:
        return [piece]
    for cut in range(1, len(words) - _REST_MIN_WORDS + 1):
        if words[cut].lower() in _VERBS and spoken_length(words[:cut]) >= _PHRASE_MIN_SPOKEN:
            return [" ".join(words[:cut]), " ".join(words[cut:])]
        if words[cut - 1].endswith((",", ":", ";")):
            break  # the verb is in a later clause
    return [piece]


def _split_first_phrase(text: str) -> list[str]:
    words = text.split()
    if spoken_length(words) <= _CUT_ABOVE_SPOKEN:
        return [text]
    clause = _CLAUSE.match(text.strip())
    clause_cut: list[str] = []
    if clause is not None:
        head = clause["head"].split()
        if spoken_length(head) >= _PHRASE_MIN_SPOKEN and len(clause["rest"].split()) >= (
            _REST_MIN_WORDS
        ):
            clause_cut = [clause["head"], clause["rest"]]
            if len(head) <= _PHRASE_MAX_WORDS:
                return clause_cut
    for cut in range(1, min(_PHRASE_MAX_WORDS, len(words) - _REST_MIN_WORDS) + 1):
        if (
            words[cut].lower() in _PHRASE_STARTS
            and not words[cut - 1].endswith((",", ":", ";"))
            and spoken_length(words[:cut]) >= _PHRASE_MIN_SPOKEN
        ):
            return [" ".join(words[:cut]), " ".join(words[cut:])]
    return clause_cut or [text]
