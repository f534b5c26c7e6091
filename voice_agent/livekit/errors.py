"""Errors of the LiveKit edge, each with a machine-readable ``code``."""

from __future__ import annotations


class LiveKitError(Exception):
    """Base error of the LiveKit edge (server process, tokens, webhooks, clerk)."""

    code = "livekit_error"

    def __init__(self, message: str, *, code: str | None = None, retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.retryable = retryable


class LiveKitServerError(LiveKitError):
    """The local livekit-server binary is missing, or did not start or stop."""

    code = "server_failed"


class LiveKitBinaryNotFoundError(LiveKitServerError):
    """No livekit-server binary was found; ``scripts/install_livekit_server.sh`` builds one."""

    code = "server_binary_not_found"


class TokenPolicyError(LiveKitError):
    """A token was requested that the role may not have (wrong room, missing store, bad TTL)."""

    code = "token_not_allowed"


class RoomNameError(LiveKitError):
    """A room name does not follow ``store-<STORE>-clerk-<identity>``."""

    code = "bad_room_name"


class WebhookError(LiveKitError):
    """A webhook request could not be accepted."""

    code = "webhook_invalid"


class WebhookSignatureError(WebhookError):
    """A webhook's token is missing, forged or expired, or the body does not match its hash."""

    code = "webhook_bad_signature"


class ClerkError(LiveKitError):
    """The simulated clerk could not join, read its audio or finish its script."""

    code = "clerk_failed"


class AudioFileError(ClerkError):
    """A WAV file is missing or unreadable."""

    code = "bad_audio_file"
