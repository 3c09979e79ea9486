"""Pages for operators: liveness, readiness and metrics."""
