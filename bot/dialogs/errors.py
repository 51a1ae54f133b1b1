"""Refusals a dialog raises: the message says why (with its clause) and what to do next."""

from __future__ import annotations


class Refusal(Exception):
    def __init__(self, message: str, clause: str | None = None, *, back_to: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.clause = clause
        self.back_to = back_to  # re-ask from this step instead of pausing
