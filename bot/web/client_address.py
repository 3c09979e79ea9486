"""Who sent a request: the direct peer, or, when that peer is a trusted reverse proxy, the
client the proxy names in X-Forwarded-For (or X-Real-IP).

Only a trusted proxy's word counts: anyone can send these headers, so the address of an
untrusted peer is always its own. In X-Forwarded-For every proxy appends the address it
saw, so the list is read from the right: trusted hops are skipped, the first untrusted one
is the client (what stands left of it came from the client and may be made up). The web
chat's limits per address and the staff login's throttle use this address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(text: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8' → the networks; raises ValueError on a malformed entry."""
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in text.split(",") if item.strip()
    )


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:4711"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:4711"
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address | None, trusted: Iterable[Network]) -> bool:
    return address is not None and any(address in network for network in trusted)


def is_trusted_peer(peer: str, trusted: tuple[Network, ...]) -> bool:
    return bool(trusted) and is_trusted(_address(peer), trusted)


def real_client(
    peer: str, headers: Iterable[tuple[bytes, bytes]], trusted: tuple[Network, ...]
) -> str:
    """The client's address for a request that came from `peer`."""
    if not is_trusted_peer(peer, trusted):
        return peer
    forwarded: list[str] = []
    real_ip = None
    for name, value in headers:
        if name == b"x-forwarded-for":
            forwarded += value.decode("latin-1").split(",")
        elif name == b"x-real-ip":
            real_ip = value.decode("latin-1")
    if forwarded:
        client = peer
        for hop in reversed(forwarded):
            address = _address(hop)
            if address is None:  # garbage: keep the last address a trusted hop vouched for
                return client
            client = str(address)
            if not is_trusted(address, trusted):
                return client
        return client  # every hop was a proxy of ours: the leftmost is the client
    if real_ip is not None:
        address = _address(real_ip)
        if address is not None:
            return str(address)
    return peer


def forwarded_scheme(headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """X-Forwarded-Proto of a trusted proxy: the scheme the client used (for Secure cookies)."""
    for name, value in headers:
        if name == b"x-forwarded-proto":
            scheme = value.decode("latin-1").split(",")[0].strip().lower()
            return scheme if scheme in ("http", "https") else None
    return None
