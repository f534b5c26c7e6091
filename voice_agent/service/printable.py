"""Text from requests made safe for one log line: control characters escaped, length capped."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_LOGGED_CHARS = 200


def printable(text: object, *, limit: int = MAX_LOGGED_CHARS) -> str:
    r"""``text`` with NUL, newlines and other control characters escaped (``\x00``, ``\n``).

    A log line must stay one line and never carry raw bytes a client sent; longer text is
    cut at ``limit`` characters with an ellipsis.
    """
    value = str(text)
    if len(value) > limit:
        value = value[:limit] + "…"
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), value)
