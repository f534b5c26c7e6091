"""One router per resource: health, tokens, sessions, gaps, LiveKit webhooks."""
