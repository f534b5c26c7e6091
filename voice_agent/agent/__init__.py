"""The assistant as a LiveKit participant: one session per clerk room."""
