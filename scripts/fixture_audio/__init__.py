"""The audio fixture generator behind ``scripts/make_fixtures.py``, one module per concern.

``audio`` and ``wavfile`` shape and write samples, ``voices`` speaks text (``mandarin``
turns Chinese into the phonemes of its MBROLA voice), ``track`` lays
clips on a timeline, ``beds`` makes shop noise, ``takes`` writes one spoken line to a file,
``manifest`` describes what was written, ``sources`` reads the questions and feedback files
and ``paths`` says where they all live. Each other module is one fixture set: ``sets``
lists those of ``tests/fixtures/audio/``; ``heldout``, ``feedback_zh``, ``feedback_blind`` and
``long`` are the ones written elsewhere.
"""
