"""Consultations beyond the chat: the staff editor's form, the chat preview and the messages
around a consultation's life."""
