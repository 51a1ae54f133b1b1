"""Queries by aggregate, one small module each (see DESIGN.md)."""
