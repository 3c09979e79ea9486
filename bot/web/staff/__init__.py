"""The staff app's own pages: login, dashboard, questions, ideas, exports and administration."""
