"""Which addresses the council sync may ask: its own server's hosts, public networks, http(s).

The council's data names the addresses the sync follows (lists, referenced objects,
redirects), so a broken or hostile server could otherwise point it at the town's internal
services. Every address is checked before a request; host names are checked again on the
addresses they resolve to, by the resolver of the connection itself, so a name that resolves
differently a second time cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from bot.civic.council.errors import Refused

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_PORTS = frozenset({80, 443})
HOSTS_SETTING = "MITREDEN_OPARL_ALLOWED_HOSTS"
NETWORKS_SETTING = "MITREDEN_OPARL_ALLOWED_NETWORKS"


@dataclass(frozen=True)
class Policy:
    """The hosts (with the ports allowed on each) and the extra networks the sync may reach."""

    hosts: tuple[tuple[str, frozenset[int]], ...]
    networks: tuple[IpNetwork, ...]


def policy_of(system_url: str, allowed_hosts: str, allowed_networks: str) -> Policy:
    """The policy for a configured server. Raises Refused for settings that cannot be read."""
    hosts = [_host_rule(system_url, "MITREDEN_OPARL_SYSTEM_URL", from_url=True)]
    hosts += [_host_rule(entry, HOSTS_SETTING) for entry in _entries(allowed_hosts)]
    networks = []
    for entry in _entries(allowed_networks):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError as error:
            raise Refused(
                f"{NETWORKS_SETTING}: {entry!r} is not an address or network "
                "(write e.g. 10.20.0.0/16 or 192.168.5.7)"
            ) from error
    return Policy(tuple(hosts), tuple(networks))


def _entries(setting: str) -> list[str]:
    return [entry.strip() for entry in setting.split(",") if entry.strip()]


def _host_rule(entry: str, setting: str, from_url: bool = False) -> tuple[str, frozenset[int]]:
    """("ratsinfo.example", {80, 443}) for a host (or one on port 80 or 443), and
    ("ratsinfo.example", {8080}) for one with another port."""
    parts = urlsplit(entry if from_url else f"//{entry}")
    try:
        port = parts.port
    except ValueError as error:
        raise Refused(f"{setting}: {entry!r} has no valid port") from error
    if not parts.hostname:
        raise Refused(f"{setting}: {entry!r} names no host")
    if port is None or port in DEFAULT_PORTS:
        return parts.hostname, DEFAULT_PORTS
    return parts.hostname, frozenset({port})


def check_url(url: str, policy: Policy) -> None:
    """Raise Refused unless `url` is http(s) on an allowed host and port, and, when the host
    is written as an address, that address is allowed."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:  # a broken IPv6 address or port
        raise Refused(f"{url} is not a valid address") from error
    if scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"{url} is not an http(s) address")
    host = parts.hostname
    if not any(host == name and port in ports for name, ports in policy.hosts):
        known = ", ".join(name for name, _ in policy.hosts)
        raise Refused(
            f"{url} is not on the council's server ({known}); "
            f"if it belongs to it, add {parts.netloc} to {HOSTS_SETTING}"
        )
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: the resolver checks what it resolves to
    problem = address_problem(literal, policy.networks)
    if problem:
        raise Refused(f"{url}: {literal} is {problem}; {_how_to_allow(literal)}")


def address_problem(address: IpAddress, allowed: tuple[IpNetwork, ...]) -> str | None:
    """What makes an address unfit to ask ("a loopback address"), or None when it is fine."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    plain: IpAddress = mapped or address
    if any(plain in network or address in network for network in allowed):
        return None
    if plain.is_global and not plain.is_multicast:
        return None
    if plain.is_loopback:
        return "a loopback address"
    if plain.is_link_local:
        return "a link-local address"
    if plain.is_multicast:
        return "a multicast address"
    if plain.is_private:
        return "a private address"
    return "a special-purpose address"


def _how_to_allow(address: IpAddress) -> str:
    return f"if the council's server really is there, add {address} to {NETWORKS_SETTING}"


class RefusedAddress(OSError):
    """A host name resolved to an address the policy does not allow."""


class GuardedResolver(AbstractResolver):
    """The default resolver, refusing a host when any of its addresses is not allowed."""

    def __init__(self, allowed: tuple[IpNetwork, ...]) -> None:
        self._inner = DefaultResolver()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for entry in found:
            address = ipaddress.ip_address(entry["host"].split("%", 1)[0])
            problem = address_problem(address, self._allowed)
            if problem:
                raise RefusedAddress(
                    f"{host} resolves to {address}, {problem}; {_how_to_allow(address)}"
                )
        return found

    async def close(self) -> None:
        await self._inner.close()


__all__ = ["GuardedResolver", "Policy", "RefusedAddress", "check_url", "policy_of"]
