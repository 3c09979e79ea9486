"""Channel adapters: they translate between a platform and mitreden's messages, nothing more."""
