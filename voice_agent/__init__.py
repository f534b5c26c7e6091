"""The application: settings, CLI, service adapters, LiveKit rooms and the composition root."""
