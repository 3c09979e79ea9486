"""Administrators' content: flows and intent data as drafts, their checks and tests, the
simulator, publishing and rollback."""
