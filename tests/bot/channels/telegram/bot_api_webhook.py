"""The double's webhook side: Telegram posting updates to the bot, with the secret header."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import aiohttp

from tests.bot.channels.telegram.bot_api_state import BotApiState


async def push_updates(
    state: BotApiState, changed: asyncio.Condition, closing: Callable[[], bool]
) -> None:
    """Deliver updates to the webhook one by one, keeping each until it is answered 200."""
    webhook = state.webhook or {}
    headers = {"Content-Type": "application/json"}
    if webhook.get("secret_token"):
        headers["X-Telegram-Bot-Api-Secret-Token"] = str(webhook["secret_token"])
    async with aiohttp.ClientSession() as client:
        while not closing():
            async with changed:
                await changed.wait_for(lambda: bool(state.queue) or closing())
            if closing():
                return
            update = state.queue[0]
            try:
                async with client.post(
                    webhook["url"], data=json.dumps(update), headers=headers
                ) as response:
                    delivered = response.status == 200
            except aiohttp.ClientError:
                delivered = False
            if delivered:
                state.queue.remove(update)
            else:
                # Telegram retries a failing webhook later; here: when something changes
                async with changed:
                    await changed.wait()
