"""The `mitreden` command, one module per command group."""
