"""Getting messages out: the outbox worker, platform rate limits, notices to citizens and
whether a chat is still reachable."""
