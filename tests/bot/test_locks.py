from __future__ import annotations

import asyncio

from bot.locks import KeyedLocks


async def test_messages_of_one_conversation_are_handled_one_after_another() -> None:
    locks = KeyedLocks()
    order: list[str] = []
    first_inside = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with locks.hold("anna"):
            order.append("first starts")
            first_inside.set()
            await release_first.wait()
            order.append("first ends")

    async def second() -> None:
        await first_inside.wait()
        async with locks.hold("anna"):
            order.append("second")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await first_inside.wait()
    await asyncio.sleep(0)
    assert order == ["first starts"]
    release_first.set()
    await asyncio.gather(*tasks)
    assert order == ["first starts", "first ends", "second"]
    assert len(locks) == 0


async def test_different_conversations_do_not_wait_for_each_other() -> None:
    locks = KeyedLocks()
    async with locks.hold("anna"), locks.hold("bernd"):
        assert len(locks) == 2
    assert len(locks) == 0
