"""Answerers at the edge: the OpenAI-compatible LLM answerer and the factory that picks one."""
