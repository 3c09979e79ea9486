"""The two ways reading the council's server fails, each with a message naming the address."""

from __future__ import annotations


class OParlError(Exception):
    """The server could not be read; the message says where and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status  # the HTTP status, when the server answered with an error


class Refused(OParlError):
    """mitreden would not ask this address: another host, a special network, not http(s)."""


__all__ = ["OParlError", "Refused"]
