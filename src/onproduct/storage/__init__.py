"""Plan files: one SQLite database per plan, opened, upgraded and written through peewee."""
