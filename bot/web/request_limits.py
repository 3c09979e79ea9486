"""Limits on how a client sends its request, for every page of the web server: headers
within `header_seconds` and at most 64 KB, then the body within `body_seconds`; otherwise
408 or 431 and the connection is closed.

uvicorn itself waits for a half-sent request as long as the client keeps the connection
open, and keeps any amount of header bytes, so a few hundred slow connections could hold
the server's sockets and memory. This is uvicorn's own HTTP protocol with a timer per
phase of a request: from its first byte (or the connection's start, or the end of the
previous answer) to the end of its headers, from there to the end of its body. While the
application works on a request no timer runs: answers such as event streams last long.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

DEFAULT_HEADER_SECONDS = 10.0
DEFAULT_BODY_SECONDS = 30.0
MAX_HEADER_BYTES = 64 * 1024  # browsers send a few KB; proxies refuse far less than this
LINGER_SECONDS = 2.0


def _refusal(status: bytes, text: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"content-length: " + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n" + text
    )


TOO_SLOW = _refusal(b"408 Request Timeout", b"The request took too long to arrive.\r\n")
TOO_LARGE = _refusal(
    b"431 Request Header Fields Too Large", b"The request's headers are too large.\r\n"
)


class _LimitedHttp(HttpToolsProtocol):
    header_seconds = DEFAULT_HEADER_SECONDS
    body_seconds = DEFAULT_BODY_SECONDS
    _timer: asyncio.TimerHandle | None = None
    _header_bytes: int | None = 0  # None while no request's headers are awaited
    _refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_seconds, TOO_SLOW)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # read and dropped, so closing does not reset the connection (below)
        super().data_received(data)
        if self._header_bytes is not None and not self.transport.is_closing():
            self._header_bytes += len(data)  # headers still incomplete after this chunk
            if self._header_bytes > MAX_HEADER_BYTES:
                self._refuse(TOO_LARGE)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._arm(self.header_seconds, TOO_SLOW)

    def on_headers_complete(self) -> None:
        self._header_bytes = None
        self._arm(self.body_seconds, TOO_SLOW)
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()  # the application has the whole request: its answer may take long
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            # a kept-alive connection: closed quietly unless the next request comes in time
            # (uvicorn's own keep-alive timer ends with any byte, even a stray line break)
            self._header_bytes = 0
            self._arm(self.header_seconds, None)

    def _arm(self, seconds: float, answer: bytes | None) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, self._refuse, answer)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _refuse(self, answer: bytes | None) -> None:
        self._disarm()
        if self.transport.is_closing() or self._refused:
            return
        cycle = self.cycle
        if cycle is not None:  # the application's own answer goes nowhere now
            cycle.disconnected = True
            cycle.message_event.set()
        if answer is None:
            self.transport.close()
            return
        if cycle is None or cycle.response_complete or not cycle.response_started:
            self.transport.write(answer)
        # Closing a socket with unread bytes makes the kernel reset the connection, and the
        # client may then never see the answer: end the writing side, keep dropping what
        # still comes for a moment, then close.
        self._refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)


def limited_http(header_seconds: float, body_seconds: float) -> type[HttpToolsProtocol]:
    """uvicorn's HTTP protocol with these limits (for `uvicorn.Config(http=…)`)."""
    return type(
        "LimitedHttp",
        (_LimitedHttp,),
        {"header_seconds": header_seconds, "body_seconds": body_seconds},
    )


def http_for(asgi: Any) -> type[HttpToolsProtocol]:
    """The protocol for a server of the bot (its settings name the timeouts), or the
    defaults for any other application."""
    settings = getattr(getattr(getattr(asgi, "state", None), "mitreden", None), "settings", None)
    return limited_http(
        getattr(settings, "web_header_timeout", DEFAULT_HEADER_SECONDS),
        getattr(settings, "web_body_timeout", DEFAULT_BODY_SECONDS),
    )
