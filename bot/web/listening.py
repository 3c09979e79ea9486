"""The web server's listening sockets, held by the bot itself so that a stop refuses new
connections at once without dropping the ones the kernel had already taken in.

Closing a listening socket resets every connection still waiting in its queue: the client
(a proxy, say) has sent its request already and gets no answer, and a proxy must not send a
POST again once it was sent. So before the socket closes, whatever waits in the queue is
taken out and answered; from the close on, a new connection is refused, which a proxy may
safely retry on another process.
"""

from __future__ import annotations

import socket


def open_listeners(host: str, port: int, backlog: int) -> list[socket.socket]:
    """Listening sockets for every address `host` names (as asyncio's own server does)."""
    found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    listeners: list[socket.socket] = []
    seen: set[tuple[int, object]] = set()
    try:
        for family, kind, protocol, _, address in found:
            if (family, address) in seen:
                continue
            seen.add((family, address))
            listener = socket.socket(family, kind, protocol)
            listeners.append(listener)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:  # "::" must not take IPv4's port as well
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            listener.bind(address)
            listener.listen(backlog)
            listener.setblocking(False)
    except OSError:
        for listener in listeners:
            listener.close()
        raise
    return listeners


def close_listeners(listeners: list[socket.socket]) -> list[socket.socket]:
    """Close the sockets; returns the connections that waited in their queues, to be
    answered. Taking them out and closing happen without a pause in between, so no
    connection can slip into the queue and be reset."""
    waiting: list[socket.socket] = []
    for listener in listeners:
        while True:
            try:
                connection, _ = listener.accept()
            except (BlockingIOError, InterruptedError):
                break
            except OSError:  # the socket is gone already: nothing waits in it
                break
            connection.setblocking(False)
            waiting.append(connection)
        listener.close()
    return waiting
