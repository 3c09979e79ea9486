"""The bot core: channels, dispatcher, delivery, CLI and the wiring between them."""
