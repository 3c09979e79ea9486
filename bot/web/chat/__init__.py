"""The web chat: a page, an embeddable widget and a REST channel in Rasa's convention."""
