"""The assistant as a LiveKit participant: one session per clerk room.

``connection`` (one join of a room), ``session`` (one clerk's session, rejoining after
failures), ``manager`` (the sessions of one process, within its capacity), ``history``
(what each session did), ``errors`` and ``health``. The store service and the worker both
run their sessions through this package; it imports neither.
"""
