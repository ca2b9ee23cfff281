"""Files in and out of a plan: CSV import and export (and later Jira, Trello and PDF)."""
