"""The audio fixture generator behind ``scripts/make_fixtures.py``, one module per concern.

``audio`` and ``wavfile`` shape and write samples, ``voices`` speaks text, ``track`` lays
clips on a timeline, ``beds`` makes shop noise, ``manifest`` and ``sources`` write the
manifests and read the question and feedback files, ``takes`` renders one spoken line; the
other modules are the fixture sets themselves.
"""
