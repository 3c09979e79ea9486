"""Building the Telegram channel from the operator's settings (MITREDEN_TELEGRAM_*)."""

from __future__ import annotations

from bot.channels.base import ChannelAdapter
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.webhook import WebhookConfig, derived_secret
from bot.config import Settings


def telegram_channels(settings: Settings) -> dict[str, ChannelAdapter]:
    """The Telegram channel when a token is set, else nothing."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        return {}
    token = settings.telegram_token.get_secret_value()
    webhook = None
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        webhook = WebhookConfig(
            url=settings.telegram_webhook_url,
            secret=secret.get_secret_value() if secret else derived_secret(token),
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
        )
    channel = TelegramChannel(
        token,
        api_url=settings.telegram_api_url,
        default_language=settings.default_language,
        webhook=webhook,
        max_photo_bytes=settings.report_photo_max_bytes,
    )
    return {channel.name: channel}
