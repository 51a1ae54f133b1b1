"""Dialogs of the review cycle (preparation, meetings, objectives, sign-off, mid-year, end of year).

``DIALOGS`` (in registry order) is built on first use, so that importing one dialog module of the
package (``status`` imports ``appeals.settle``) does not import every other one first.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

MODULES = ("colleague_prep", "reviewer_prep", "agenda", "schedule_meeting", "objectives", "signoff", "midyear_review", "end_of_year_review")


def __getattr__(name: str) -> Any:
    if name == "DIALOGS":
        return tuple(import_module(f"{__name__}.{module}").DIALOG for module in MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
