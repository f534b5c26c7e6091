"""Settings of ``voice-agent serve``: where the API listens, how many sessions, API keys.

To be merged into :class:`voice_agent.settings.Settings` as ``service: ServiceSettings``
(section ``[service]``) next to a top-level ``environment``; until then
:func:`service_settings_of` reads them from a ``Settings`` that has them, or uses the
defaults.

API keys are configured per caller, each with a role and a scope::

    [[service.api_keys]]
    key = "..."            # at least 16 characters; VOICE_AGENT_SERVICE__API_KEYS as JSON
    role = "store_manager"
    identity = "mei"
    store_id = "SH-01"

The default keys are for development only: :func:`check_production_secrets` refuses them
(and LiveKit's development secret) whenever ``environment`` is not ``development``.
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

from knowledge_base.answering import Role
from voice_agent.livekit.errors import RoomNameError
from voice_agent.livekit.rooms import validate_identity, validate_store_id

Environment = Literal["development", "production"]
MIN_KEY_LENGTH = 16
DEVELOPMENT_LIVEKIT_SECRET = "development-only-secret-change-me-000000"
"""The LiveKit secret in ``config/default.toml``; refused outside development."""


class ApiKeySettings(BaseModel):
    """One API key: who holds it, their role and the store or region they work for."""

    key: SecretStr
    """Sent as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``."""
    role: Role
    identity: str
    """Who holds the key (a clerk's identity is also their LiveKit identity)."""
    store_id: str | None = None
    """Clerks and store managers: their store."""
    region: str | None = None
    """Regional managers: their region (e.g. ``east-china``)."""

    @field_validator("key")
    @classmethod
    def _long_enough(cls, key: SecretStr) -> SecretStr:
        if len(key.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(f"API keys need at least {MIN_KEY_LENGTH} characters")
        return key

    @field_validator("identity")
    @classmethod
    def _valid_identity(cls, identity: str) -> str:
        try:
            return validate_identity(identity)
        except RoomNameError as e:
            raise ValueError(e.message) from e

    @model_validator(mode="after")
    def _scope_matches_role(self) -> Self:
        if self.role in (Role.CLERK, Role.STORE_MANAGER):
            if self.store_id is None:
                raise ValueError(f"a {self.role.value} key needs store_id")
            try:
                validate_store_id(self.store_id)
            except RoomNameError as e:
                raise ValueError(e.message) from e
        if self.role is Role.REGIONAL_MANAGER and not self.region:
            raise ValueError("a regional_manager key needs region")
        return self


DEVELOPMENT_API_KEYS: tuple[dict[str, Any], ...] = (
    {"key": "dev-clerk-ana-key-0001", "role": "clerk", "identity": "ana", "store_id": "SH-01"},
    {"key": "dev-clerk-ben-key-0002", "role": "clerk", "identity": "ben", "store_id": "SH-01"},
    {
        "key": "dev-store-manager-key-0003",
        "role": "store_manager",
        "identity": "mei",
        "store_id": "SH-01",
    },
    {
        "key": "dev-regional-manager-key-0004",
        "role": "regional_manager",
        "identity": "lin",
        "region": "east-china",
    },
    {"key": "dev-hq-admin-key-0005", "role": "hq", "identity": "hq-admin"},
)
"""DEVELOPMENT ONLY: published in this repository, refused outside development."""


def _development_keys() -> list[ApiKeySettings]:
    return [ApiKeySettings.model_validate(k) for k in DEVELOPMENT_API_KEYS]


class ServiceSettings(BaseModel):
    """The store service (``voice-agent serve``)."""

    host: str = "127.0.0.1"
    """Address the HTTP API binds to (loopback unless a proxy is in front)."""
    port: int = Field(default=8088, ge=0, le=65535)
    """Port of the HTTP API; 0 picks a free one."""
    public_url: str = ""
    """URL LiveKit posts webhooks to (``<public_url>/livekit/webhook``); empty means
    ``http://<host>:<port>``."""
    agent_dispatch: bool = True
    """Clerks get the assistant through LiveKit's agent dispatch: their tokens ask for it,
    and this process registers as an agent worker. ``false`` is the fallback for a LiveKit
    deployment without agent dispatch: the service starts a session itself when LiveKit's
    webhook reports a clerk joining (this node only; no cluster)."""
    run_worker: bool = True
    """With agent dispatch: also run an agent worker in this process. ``false`` serves only
    the API and webhooks (tokens, re-dispatch after a worker died) next to
    ``voice-agent worker`` nodes; see docs/cluster.md."""
    capacity: int = Field(default=10, ge=1)
    """Agent sessions that may run at once (each holds a pipeline and a share of the CPU)."""
    require_addressing: bool = True
    """Answer only turns with the wake phrase, a follow-up or push-to-talk (shop floors)."""
    restart_delays: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0)
    """Seconds before each restart of a crashed session; the last one repeats."""
    max_restarts: int = Field(default=5, ge=0)
    """Consecutive crashes after which a session is given up (its slot freed)."""
    events_per_session: int = Field(default=200, ge=1)
    """Session events kept in memory per session for the API."""
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    """Largest request body accepted (413 beyond; LiveKit webhooks are a few KB)."""
    clerk_absent_timeout_secs: float = Field(default=60.0, gt=0)
    """A session whose clerk is not in the room for this long ends and frees its slot."""
    session_context_secs: float = Field(default=600.0, gt=0)
    """A clerk's conversation (follow-up context, turns) is picked up by a session started
    again within this many seconds of the last answer (a worker died, the clerk rejoined),
    and a follow-up context is used this long after the last answer."""
    token_ttl_minutes: float = Field(default=60.0, gt=0, le=720)
    """Lifetime of tokens minted by ``POST /v1/tokens``."""
    api_keys: list[ApiKeySettings] = Field(default_factory=_development_keys)
    """Who may call the API. The default keys are DEVELOPMENT ONLY."""

    @field_validator("restart_delays")
    @classmethod
    def _delays(cls, delays: tuple[float, ...]) -> tuple[float, ...]:
        if not delays or any(d < 0 for d in delays):
            raise ValueError("restart_delays needs at least one non-negative number")
        return delays

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        keys = [k.key.get_secret_value() for k in self.api_keys]
        if len(keys) != len(set(keys)):
            raise ValueError("two api_keys have the same key")
        return self

    @property
    def webhook_url(self) -> str:
        """Where LiveKit must POST its webhooks."""
        base = self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"
        return f"{base}/livekit/webhook"


def development_keys_in_use(service: ServiceSettings) -> list[str]:
    """Identities whose configured key is one of the published development keys."""
    published = {k["key"] for k in DEVELOPMENT_API_KEYS}
    return [k.identity for k in service.api_keys if k.key.get_secret_value() in published]


def check_production_secrets(
    *, environment: str, service: ServiceSettings, livekit_api_secret: str
) -> None:
    """Refuse published development secrets outside ``development``.

    Raises:
        ValueError: Names every development secret still configured.
    """
    if environment == "development":
        return
    problems: list[str] = []
    identities = development_keys_in_use(service)
    if identities:
        problems.append(
            "service.api_keys uses the published development keys of "
            + ", ".join(identities)
            + " (configure your own keys)"
        )
    if livekit_api_secret == DEVELOPMENT_LIVEKIT_SECRET:
        problems.append(
            "livekit.api_secret is the development secret (set VOICE_AGENT_LIVEKIT__API_SECRET)"
        )
    if problems:
        raise ValueError(f"environment is {environment!r}: " + "; ".join(problems))


def service_settings_of(settings: object) -> ServiceSettings:
    """``settings.service`` once ``Settings`` has it; the defaults until then."""
    service = getattr(settings, "service", None)
    return service if isinstance(service, ServiceSettings) else ServiceSettings()


def environment_of(settings: object) -> str:
    """``settings.environment`` once ``Settings`` has it; ``development`` until then."""
    return str(getattr(settings, "environment", "development"))
