"""Pure planning logic: categories, items, ranking, filtering. Never imports Qt or peewee."""
