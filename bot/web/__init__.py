"""The web side of mitreden: the staff app and the web chat, served by `mitreden run`."""
