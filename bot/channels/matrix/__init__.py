"""The Matrix channel: room events in, m.notice replies out, login and end-to-end encryption."""
