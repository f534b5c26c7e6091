"""LiveKit edge: the local server process, tokens, room names, webhooks and a simulated clerk.

Modules: ``server`` (run livekit-server), ``tokens`` (least-privilege tokens per role,
after the ``room_access`` policy for the ``roles``), ``rooms`` (one room per clerk),
``webhooks`` (verified, typed events), ``earpiece`` (the earpiece's data messages), ``clerk``
(``SimulatedClerk``) with ``clerk_script`` (what it says), ``clerk_report`` (what it heard,
timed) and ``clerk_recording``, ``activity`` (energy onsets/offsets), ``cancel_safe`` (a join
that survives cancellation).
Import the module you need; nothing is re-exported here, so importing ``tokens`` does not
load the native WebRTC library.
"""
