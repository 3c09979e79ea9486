"""The shared store: SQLAlchemy models, repositories and migrations."""
