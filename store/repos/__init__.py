"""Queries grouped by aggregate, one small module each: plain async functions taking an AsyncSession."""
