"""Transports our pipelines run over (besides Pipecat's LiveKit transport)."""
