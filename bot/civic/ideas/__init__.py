"""Ideas as staff handle them: moderation and status changes, each told to the author."""
