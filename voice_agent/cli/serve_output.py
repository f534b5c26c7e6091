"""What ``voice-agent serve`` prints: how to talk to the running service, the demo's result.

Both as text for a person, or as one JSON document with ``--json``.
"""

from __future__ import annotations

import shlex
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from voice_agent.cli.common import print_json
from voice_agent.settings import Settings

if TYPE_CHECKING:
    from voice_agent.service.demo import DemoResult
    from voice_agent.service.runner import StoreService
    from voice_agent.service_settings import ApiKeySettings, ServiceSettings

SAMPLE_QUESTION = Path(__file__).resolve().parent.parent / "data" / "sample_question.wav"
"""A spoken 'Hey promo, is the AX-200 in the weekend offer?' shipped in the package."""


def print_instructions(
    store_service: StoreService, settings: Settings, service: ServiceSettings, json_output: bool
) -> None:
    """How to reach the service, a clerk command with a development token, a token request."""
    from voice_agent.livekit.roles import ParticipantRole
    from voice_agent.livekit.rooms import clerk_room_name
    from voice_agent.livekit.tokens import mint_token
    from voice_agent.service_settings import development_keys_in_use, environment_of

    endpoint = store_service.endpoint
    clerk_key = _first_clerk_key(service.api_keys)
    development = environment_of(settings) == "development"
    document: dict[str, Any] = {
        "api_url": store_service.api_url,
        "livekit_url": endpoint.url,
        "webhook_url": store_service.webhook_url,
        "capacity": service.capacity,
    }
    if clerk_key is not None and clerk_key.store_id is not None and development:
        room = clerk_room_name(store_id=clerk_key.store_id, identity=clerk_key.identity)
        token = mint_token(
            api_key=endpoint.api_key,
            api_secret=endpoint.api_secret,
            identity=clerk_key.identity,
            role=ParticipantRole.CLERK,
            room=room,
            store_id=clerk_key.store_id,
            ttl=timedelta(minutes=service.token_ttl_minutes),
            dispatch_agent=service.agent_dispatch,
        )
        say = SAMPLE_QUESTION if SAMPLE_QUESTION.exists() else Path("question.wav")
        document["clerk_command"] = shlex.join(
            ["voice-agent", "clerk", "--room", room, "--url", endpoint.url, "--token", token]
            + ["--say", str(say)]
        )
    shown_key = (
        clerk_key.key.get_secret_value()
        if clerk_key is not None and clerk_key.identity in development_keys_in_use(service)
        else "<your API key>"
    )
    document["token_curl"] = (
        f"curl -s -X POST {store_service.api_url}/v1/tokens "
        f"-H 'Authorization: Bearer {shown_key}' -H 'Content-Type: application/json' -d '{{}}'"
    )
    if json_output:
        print_json(document)
        return
    typer.echo(f"API:      {document['api_url']}  (GET /healthz)")
    typer.echo(f"LiveKit:  {document['livekit_url']}")
    typer.echo(f"Webhooks: {document['webhook_url']}")
    if "clerk_command" in document:
        typer.echo(f"\nTalk to it as clerk {clerk_key.identity if clerk_key else ''} (dev token):")
        typer.echo(f"  {document['clerk_command']}")
    typer.echo("\nMint a token over the API:")
    typer.echo(f"  {document['token_curl']}")
    typer.echo("\nCtrl-C stops the service.")


def _first_clerk_key(keys: list[ApiKeySettings]) -> ApiKeySettings | None:
    return next((k for k in keys if k.role.value == "clerk"), None)


def print_demo(result: DemoResult | None, json_output: bool) -> None:
    """What the demo's clerk said and heard (``None``: the demo was interrupted)."""
    if result is None:
        typer.echo("demo interrupted", err=True)
        return
    utterance = result.report.utterances[0]
    if json_output:
        print_json(
            {
                "room": result.room,
                "question": result.question,
                "answer": result.answer,
                "heard": result.heard,
                "voice_to_voice_secs": result.voice_to_voice_secs,
                "replied": result.report.replied,
                "question_wav": str(result.question_wav),
                "heard_wav": str(result.heard_wav),
                "ok": result.ok,
                "why_not": result.why_not,
            }
        )
        return
    typer.echo(f"clerk said:  {result.question}")
    typer.echo(f"agent said:  {result.answer or '(nothing)'}")
    typer.echo(f"clerk heard: {result.heard or '(nothing)'}")
    if utterance.voice_to_voice_secs is not None:
        typer.echo(f"voice-to-voice {utterance.voice_to_voice_secs * 1000:.0f} ms over LiveKit")
    typer.echo(f"recording: {result.heard_wav}")
    if not result.ok:
        why = f": {result.why_not}" if result.why_not else ""
        typer.echo(f"error: the clerk heard no answer{why}", err=True)
