"""Voice briefings as they run: the assistant in the briefing room, the desk, the decisions."""
