"""Benchmarks for Cadence: ``make bench`` (``python -m bench``) prints one table of figures.

Every figure is a ratio against a baseline measured in the same run on the same machine, so the
table travels between machines: a bare slack-bolt app for the Slack path, a bare botbuilder bot for
the Teams path, a plain aiohttp server for start-up, the floor cost of reading the same rows for
planning, a primary-key update for the dispatch claim, and an ideal paced sender for delivery.
"""
