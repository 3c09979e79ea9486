"""Concurrent requests share one write; a failed write fails every request of its round."""

from __future__ import annotations

import asyncio

from bot.delivery.batched_writes import BatchedWrites


async def test_requests_that_arrive_together_share_a_round() -> None:
    rounds: list[list[int]] = []

    async def write(keys: list[int]) -> set[int]:
        rounds.append(keys)
        await asyncio.sleep(0)
        return {key for key in keys if key % 2 == 0}

    writes = BatchedWrites[int](write)
    results = await asyncio.gather(*(writes.submit(key) for key in range(6)))
    assert results == [True, False, True, False, True, False]
    assert rounds == [[0, 1, 2, 3, 4, 5]]
    assert await writes.submit(8) is True  # alone: written at once in a round of its own
    assert rounds[-1] == [8]


async def test_a_failed_round_fails_each_of_its_requests_and_the_next_round_works() -> None:
    calls = 0

    async def write(keys: list[int]) -> set[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database gone")
        return set(keys)

    writes = BatchedWrites[int](write)
    results = await asyncio.gather(writes.submit(1), writes.submit(2), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in results)
    assert await writes.submit(3) is True
    assert calls == 2
