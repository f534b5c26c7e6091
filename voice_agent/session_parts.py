"""What every clerk's session carries besides the answers, on ``serve`` and on worker nodes.

One place, so a node never runs sessions that lack a part the single-node service has: the
spoken feedback capture and the briefing requests ("what did I miss?").
"""

from __future__ import annotations

from voice_agent.agent.session_processors import SessionProcessorsFor, all_session_processors
from voice_agent.briefing.library import briefings_for_clerks
from voice_agent.feedback.desk import FeedbackDesk
from voice_agent.feedback.live import feedback_for_clerks
from voice_agent.runtime import Runtime
from voice_agent.storage.engine import Database


def clerk_session_processors(
    *, runtime: Runtime, database: Database, feedback: FeedbackDesk
) -> SessionProcessorsFor:
    """Per clerk, the feedback capture and the briefing-request processor of their sessions."""
    return all_session_processors(
        feedback_for_clerks(desk=feedback, runtime=runtime),
        briefings_for_clerks(
            database=database,
            knowledge=lambda: runtime.knowledge,
            output_sample_rate=runtime.loop_config.output_sample_rate,
        ),
    )
