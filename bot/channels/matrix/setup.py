"""Building the Matrix channel from the operator's settings (MITREDEN_MATRIX_*)."""

from __future__ import annotations

from bot.channels.base import ChannelAdapter
from bot.channels.matrix.channel import MatrixChannel
from bot.channels.matrix.login import MatrixAccount
from bot.channels.matrix.trust import TrustPolicy
from bot.config import Settings


def _secret(value: object) -> str | None:
    get = getattr(value, "get_secret_value", None)
    secret = get() if get is not None else None
    return secret if isinstance(secret, str) and secret else None


def matrix_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The Matrix channel when a homeserver, a user and a password or token are set."""
    password = _secret(settings.matrix_password)
    token = _secret(settings.matrix_access_token)
    if not settings.matrix_homeserver or not settings.matrix_user_id or not (password or token):
        return {}
    account = MatrixAccount(
        homeserver=settings.matrix_homeserver.rstrip("/"),
        user_id=settings.matrix_user_id,
        store_dir=settings.matrix_store_dir,
        password=password,
        access_token=token,
        device_name=settings.matrix_device_name,
    )
    trust = TrustPolicy.from_settings(settings.matrix_trust, settings.matrix_verified_keys)
    channel = MatrixChannel(account, trust=trust, max_photo_bytes=settings.report_photo_max_bytes)
    return {channel.name: channel}
