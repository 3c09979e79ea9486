"""The administrators' pages: the flow editor and the intent data editor."""
