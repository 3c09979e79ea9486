"""The town's concepts as staff and jobs act on them: questions, ideas, consultations, decisions,
announcements, council data and retention. Each module turns a staff action into store
changes and notices to citizens."""
