"""The explicit registry of dialog ids. Add a dialog by listing it in its package
(``bot.dialogs.review``, ``plans``, ``appeals``); ``catalogue`` gathers them with the command words."""

from __future__ import annotations

from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING

from bot.dialogs.base import Dialog
from bot.dialogs.errors import Refusal

if TYPE_CHECKING:
    from bot.dialogs.router import Router


class Registry:
    def __init__(self, dialogs: Iterable[Dialog], router: Router, access: ModuleType) -> None:
        self.dialogs: dict[str, Dialog] = {}
        for d in dialogs:
            if d.id in self.dialogs:
                raise ValueError(f"dialog id {d.id!r} registered twice")
            self.dialogs[d.id] = d
        self.router = router
        self.access = access

    def get(self, dialog_id: str) -> Dialog:
        try:
            return self.dialogs[dialog_id]
        except KeyError:
            raise Refusal("That conversation isn't available any more. Say help to see what you can do.") from None

    def has(self, dialog_id: str) -> bool:
        return dialog_id in self.dialogs


def all_dialogs() -> list[Dialog]:
    from bot.dialogs import catalogue

    return list(catalogue.DIALOGS)


def build_registry() -> Registry:
    from bot import access
    from bot.dialogs.router import Router

    return Registry(all_dialogs(), Router(), access)
