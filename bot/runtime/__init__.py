"""`mitreden run` as a process: the run loop, the scheduled jobs and the leader lock."""
