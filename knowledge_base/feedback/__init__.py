"""Feedback from the shop floor: taxonomy, records, capture rules, classifier, insight.

Pure domain code (standard library, pydantic and PyYAML only; no I/O). The adapters in
``voice_agent.feedback`` read files, call LLMs and store records.
"""
