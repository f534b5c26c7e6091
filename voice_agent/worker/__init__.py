"""Agent workers: LiveKit dispatches clerk rooms to them (``livekit-agents``' AgentServer)."""
