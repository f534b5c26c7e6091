"""LiveKit edge: the local server process, tokens, room names, webhooks and a simulated clerk.

Modules: ``server`` (run livekit-server), ``tokens`` (least-privilege tokens per role),
``rooms`` (one room per clerk), ``webhooks`` (verified, typed events), ``clerk``
(``SimulatedClerk``), ``activity`` (energy onsets/offsets), ``cli`` (``token``, ``clerk``).
Import the module you need; nothing is re-exported here, so importing ``tokens`` does not
load the native WebRTC library.
"""
