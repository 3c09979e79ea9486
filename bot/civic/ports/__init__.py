"""The flow engine's ports over the store, one adapter per concept (`flows/ports/`).

`bot/civic/services.py` puts them together for one message; they share its `TurnStore`.
"""
