"""Which processors each clerk's voice loop carries beside the answers.

A part (the feedback capture, the briefing requests) says per clerk and caller which
processors it adds, or none; :func:`all_session_processors` joins the parts in order.
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.answer_processor import CallerProfile
from pipelines.voice_loop import SessionProcessorFactory, combine_session_processors

SessionProcessorsFor = Callable[[str, CallerProfile], SessionProcessorFactory | None]
"""Per clerk identity and caller: the processors built into that clerk's voice loop."""


def all_session_processors(*parts: SessionProcessorsFor) -> SessionProcessorsFor:
    """Per clerk, every part's processors in the order given (parts may give none)."""

    def for_clerk(identity: str, caller: CallerProfile) -> SessionProcessorFactory | None:
        built = [f for part in parts if (f := part(identity, caller)) is not None]
        return combine_session_processors(*built) if built else None

    return for_clerk
