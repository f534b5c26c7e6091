"""ScriptedOpenAIServer: a real HTTP server on loopback that plays scripted chat completions.

Why it exists: the protocol cases the answerer must survive (a tool call with its arguments
split over chunks, "25 percent" when the facts say 20, a first token 3 s late, an HTTP 500)
cannot be produced on demand by the tiny real model (SmolLM2-135M) that the llama.cpp tests
run. This server speaks the OpenAI streaming protocol over real TCP and HTTP/1.1, so the
real ``openai`` client, its SSE parser and its error handling are exercised end to end; only
the *content* of each reply is scripted. It is not a mock of the client: nothing inside the
answerer or the client is replaced. What the model says freely is tested against the real
llama.cpp server.

Each incoming ``POST /v1/chat/completions`` takes the next :class:`ScriptedReply`; the
request bodies are kept in :attr:`ScriptedOpenAIServer.requests` so tests can check what the
answerer sent (for example that tool results were fed back).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class ScriptedToolCall:
    """A tool call the scripted model makes; arguments are streamed in ``pieces`` chunks."""

    name: str
    arguments: dict[str, Any]
    id: str = "call_scripted_1"
    pieces: int = 3


@dataclass(frozen=True, slots=True)
class ScriptedReply:
    """One scripted response to one chat-completions request."""

    text: list[str] = field(default_factory=list)
    """Content deltas, streamed in order."""
    tool_calls: list[ScriptedToolCall] = field(default_factory=list)
    headers_delay: float = 0.0
    """Seconds before the HTTP response headers are sent."""
    first_token_delay: float = 0.0
    """Seconds between the headers and the first chunk."""
    chunk_delay: float = 0.0
    """Seconds between chunks."""
    status: int = 200
    """A non-200 status answers with an OpenAI-style JSON error instead of a stream."""
    finish_reason: str | None = None
    """Defaults to ``tool_calls`` when there are tool calls, else ``stop``."""
    hang_after_chunks: int | None = None
    """Stop sending (without closing) after this many chunks: a stalled stream."""


class ScriptedOpenAIServer:
    """``async with ScriptedOpenAIServer([...]) as server: server.base_url``."""

    def __init__(self, replies: list[ScriptedReply], *, model: str = "scripted") -> None:
        self._replies = list(replies)
        self._model = model
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self.requests: list[dict[str, Any]] = []
        """JSON bodies received, in order."""
        self.port = 0

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    async def __aenter__(self) -> ScriptedOpenAIServer:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        try:
            await self._handle(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away (cancelled answer): nothing to clean up but the socket
        except asyncio.CancelledError:
            pass  # the server is shutting down (__aexit__ cancels what is still playing)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, path, _ = lines[0].split(" ", 2)
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in lines[1:] if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        if method != "POST" or not path.endswith("/chat/completions"):
            await self._error(writer, 404, f"no route {method} {path}")
            return
        self.requests.append(json.loads(body))
        if not self._replies:
            await self._error(writer, 500, "the script has no reply left")
            return
        reply = self._replies.pop(0)
        await _pause(reader, reply.headers_delay)
        if reply.status != 200:
            await self._error(writer, reply.status, f"scripted error {reply.status}")
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
            b"Connection: close\r\n\r\n"
        )
        await writer.drain()
        await _pause(reader, reply.first_token_delay)
        for number, chunk in enumerate(self._chunks(reply)):
            if reply.hang_after_chunks is not None and number >= reply.hang_after_chunks:
                await _pause(reader, 3600)
            if number:
                await _pause(reader, reply.chunk_delay)
            writer.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await writer.drain()
        writer.write(b"data: [DONE]\n\n")
        await writer.drain()

    def _chunks(self, reply: ScriptedReply) -> list[dict[str, Any]]:
        deltas: list[dict[str, Any]] = []
        first = True
        for piece in reply.text:
            delta: dict[str, Any] = {"content": piece}
            if first:
                delta["role"] = "assistant"
                first = False
            deltas.append(delta)
        for index, call in enumerate(reply.tool_calls):
            arguments = json.dumps(call.arguments)
            size = max(1, -(-len(arguments) // call.pieces))
            deltas.append(
                {
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ]
                }
            )
            for start in range(0, len(arguments), size):
                deltas.append(
                    {
                        "tool_calls": [
                            {
                                "index": index,
                                "function": {"arguments": arguments[start : start + size]},
                            }
                        ]
                    }
                )
        finish = reply.finish_reason or ("tool_calls" if reply.tool_calls else "stop")
        created = int(time.time())
        chunks = [
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": created,
                "model": self._model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
            }
            for delta in deltas
        ]
        chunks.append(
            {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": created,
                "model": self._model,
                "choices": [{"index": 0, "delta": {}, "finish_reason": finish}],
            }
        )
        return chunks

    async def _error(self, writer: asyncio.StreamWriter, status: int, message: str) -> None:
        body = json.dumps(
            {"error": {"message": message, "type": "scripted_error", "code": status}}
        ).encode()
        reason = {404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error"}.get(
            status, "Error"
        )
        writer.write(
            f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()


async def _pause(reader: asyncio.StreamReader, seconds: float) -> None:
    """Sleep, but stop as soon as the client closes the connection (as a real server would)."""
    if seconds <= 0:
        return
    try:
        data = await asyncio.wait_for(reader.read(1), timeout=seconds)
    except TimeoutError:
        return
    if not data:
        raise ConnectionResetError("client closed the connection")
