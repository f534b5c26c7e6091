"""Adapters for shop-floor feedback: training-set files, the LLM classifier, the factory."""
