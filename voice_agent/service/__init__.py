"""The store service: ``voice-agent serve``.

Modules: ``errors`` (the service error family), ``health`` (LiveKit watched and restarted, the
models checked), ``auth`` (API keys and what each role may see), ``schemas`` (request and
response bodies), ``deps`` (FastAPI dependencies), ``routes`` (one router per resource), ``app``
(:func:`~voice_agent.service.app.create_app`), ``api_server`` (uvicorn serving the app on a
bound socket), ``runner`` (LiveKit, API and sessions started and stopped together) and
``demo`` (one simulated clerk end to end). The service and API-key
settings live below the package, in :mod:`voice_agent.service_settings`; the sessions it runs
(:class:`~voice_agent.agent.manager.SessionManager`, one agent session per clerk room) in
:mod:`voice_agent.agent`, shared with ``voice-agent worker``.
"""
