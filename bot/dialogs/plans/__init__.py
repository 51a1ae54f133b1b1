"""Dialogs for support plans and improvement action plans (Annex 4, seed 000).

`plan` (dialog id ``support_plan``, the `plan` command) is a menu whose first step hands over to
the dialog the person chose; no new command words are needed.

``DIALOGS`` (in registry order) is built on first use, so that importing one dialog module of the
package (``status`` imports ``appeals.settle``) does not import every other one first.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

MODULES = ("plan", "support", "improvement", "review", "close", "acknowledge", "view")


def __getattr__(name: str) -> Any:
    if name == "DIALOGS":
        return tuple(import_module(f"{__name__}.{module}").DIALOG for module in MODULES)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
