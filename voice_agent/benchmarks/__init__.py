"""Benchmarks: each module measures one thing and registers one ``bench`` command."""
