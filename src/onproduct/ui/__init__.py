"""Widgets, item models, delegates and undo commands."""
