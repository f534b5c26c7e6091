"""What the assistant knows and decides: promotions, catalogue, pricing, grounded answers.

This package is dependency-neutral: stdlib, pydantic and PyYAML only. It never imports
Pipecat, LiveKit, HTTP or database code; adapters in ``pipelines`` and ``voice_agent``
depend on it, not the other way round.
"""
