"""The ideas port over the store: moderation, listing, support."""

from __future__ import annotations

from flows.ports.ideas import SupportOutcome
from tests.bot.civic.turns import (
    Clock,
    Sessions,
    new_citizen,
    services,
)


async def test_new_ideas_wait_for_moderation_but_their_author_sees_them(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock) as store:
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", "umwelt", None, "de")
        listed = [i.ref for i in await store.ideas.published("de", limit=50)]
        own = await store.ideas.find(ref, anna, "en")
        others = await store.ideas.find(ref, bernd, "de")
        subscribed = await store.subscriptions.listed(anna, "de")
    assert ref.startswith("I-") and ref not in listed
    assert own is not None and own.mine and own.summary.status == "submitted"
    assert own.summary.topic is not None and own.summary.topic.name == "Environment & climate"
    assert [h.status for h in own.history] == ["submitted"]
    assert others is None
    assert [(s.kind, s.target, s.label) for s in subscribed] == [
        ("idea", ref, f"{ref}: Trinkbrunnen")
    ]


async def test_published_ideas_newest_or_most_supported_by_topic_and_paged(
    sessions: Sessions, clock: Clock
) -> None:
    anna = await new_citizen(sessions, "anna")
    async with services(sessions, clock, publish_ideas=True) as store:
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", "umwelt", "Markt", "de")
        newest = await store.ideas.published("de")
        supported = await store.ideas.published("de", order="support", limit=3)
        second_page = await store.ideas.published("de", order="support", offset=3, limit=3)
        environment = await store.ideas.published("en", topic_slug="umwelt")
        nothing = await store.ideas.published("en", topic_slug="no-such-topic")
    assert newest[0].ref == ref and len(newest) == 5
    counts = [i.support_count for i in [*supported, *second_page]]
    assert counts == sorted(counts, reverse=True) and counts[0] == 31
    assert not {i.ref for i in supported} & {i.ref for i in second_page}
    assert {i.title for i in environment} == {"Trinkbrunnen", "Mehr Bäume in der Schulstraße"}
    assert nothing == []


async def test_support_counts_once_and_not_for_the_author(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock, publish_ideas=True) as store:
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        own = await store.ideas.find(ref, anna, "de")
        assert own is not None
        idea_id = own.summary.id
    async with services(sessions, clock) as store:
        first = await store.ideas.support(bernd, idea_id)
        second = await store.ideas.support(bernd, idea_id)
        by_author = await store.ideas.support(anna, idea_id)
        unknown = await store.ideas.support(bernd, 999_999)
        seen_by_bernd = await store.ideas.find(str(idea_id), bernd, "de")
    assert (first, second, by_author, unknown) == (
        SupportOutcome.ADDED,
        SupportOutcome.ALREADY,
        SupportOutcome.OWN_IDEA,
        SupportOutcome.NOT_FOUND,
    )
    assert seen_by_bernd is not None and seen_by_bernd.supported_by_me
    assert seen_by_bernd.summary.support_count == 1 and not seen_by_bernd.mine


async def test_unpublished_ideas_cannot_be_supported(sessions: Sessions, clock: Clock) -> None:
    anna = await new_citizen(sessions, "anna")
    bernd = await new_citizen(sessions, "bernd")
    async with services(sessions, clock) as store:
        ref = await store.ideas.create(anna, "Trinkbrunnen", "Am Markt", None, None, "de")
        own = await store.ideas.find(ref, anna, "de")
        assert own is not None
        outcome = await store.ideas.support(bernd, own.summary.id)
    assert outcome == SupportOutcome.NOT_FOUND
