"""Conversation flows: YAML definitions and the engine that walks a citizen through them."""
