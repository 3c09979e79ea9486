"""Which devices of a room get the keys to the bot's encrypted answers.

Two policies, chosen by the operator (MITREDEN_MATRIX_TRUST):
- "tofu", trust on first use: a device is trusted the first time the bot sees it. A device
  that joins a citizen's account later is trusted too, with a warning in the log; a known
  device whose keys change is refused by matrix-nio.
- "verified": only devices whose Ed25519 key the operator listed
  (MITREDEN_MATRIX_VERIFIED_KEYS) get the keys; every other device is blacklisted and sees
  the bot's answers as messages it cannot decrypt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from nio import AsyncClient, MatrixRoom
from nio.crypto import OlmDevice

log = logging.getLogger(__name__)

Mode = Literal["tofu", "verified"]


def key_of(text: str) -> str:
    """An Ed25519 key as Element shows it ("abcd efgh …") or as matrix-nio holds it."""
    return "".join(text.split())


@dataclass(frozen=True)
class TrustPolicy:
    mode: Mode = "tofu"
    verified_keys: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, mode: Mode, keys: str) -> TrustPolicy:
        listed = frozenset(key_of(key) for key in keys.split(",") if key.strip())
        return cls(mode, listed)


def decide_devices(client: AsyncClient, room: MatrixRoom, policy: TrustPolicy) -> None:
    """Trust or blacklist every device in the room not decided yet (the bot's own excepted).

    The room's members and their device keys must be current (members.py)."""
    for user_id in room.users:
        if user_id == client.user_id:
            continue
        devices = list(client.device_store.active_user_devices(user_id))
        if policy.mode == "verified":
            for device in devices:
                _by_list(client, device, policy.verified_keys)
            continue
        first_use = not any(device.verified for device in devices)
        for device in devices:
            if device.verified or device.blacklisted:
                continue
            client.verify_device(device)
            if not first_use:
                log.warning(
                    "Matrix: %s has a new device %s (key %s); it gets the bot's answers "
                    "from now on (trust on first use)",
                    user_id,
                    device.id,
                    device.ed25519,
                )


def _by_list(client: AsyncClient, device: OlmDevice, keys: frozenset[str]) -> None:
    if key_of(device.ed25519) in keys:
        if device.blacklisted:
            client.unblacklist_device(device)
        if not device.verified:
            client.verify_device(device)
        return
    if device.verified:
        client.unverify_device(device)
    if not device.blacklisted:
        client.blacklist_device(device)
        log.warning(
            "Matrix: device %s of %s (key %s) is not verified; it gets no keys",
            device.id,
            device.user_id,
            device.ed25519,
        )
