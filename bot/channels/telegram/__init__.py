"""The Telegram channel: Bot API updates in, replies out, by long polling or webhook."""
