"""One small module per aggregate: plain async functions taking an AsyncSession."""
