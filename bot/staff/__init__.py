"""Staff accounts as the web app, the CLI and the scheduler share them: accounts, passwords,
sessions, login throttling and the audit log."""
