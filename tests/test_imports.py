"""Every module of the project imports on its own, first, as a fresh interpreter would import it.

An import circle hides in a full test run (whichever module came first broke the circle), and
shows only when someone runs one test file or a tool imports one module first.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import pytest

import bot

OURS = ("bot",)  # store keeps its tables: SQLModel's metadata cannot define them twice


def _modules() -> list[str]:
    names: list[str] = []
    for package in (bot,):
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            if ".migrations" not in info.name and not info.name.endswith("__main__"):
                names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_a_module_imports_first_on_its_own(name: str) -> None:
    saved = {key: module for key, module in sys.modules.items() if key.split(".")[0] in OURS}
    for key in saved:
        del sys.modules[key]
    try:
        module = importlib.import_module(name)
        assert module.__name__ == name and name in sys.modules
    finally:
        for key in [key for key in sys.modules if key.split(".")[0] in OURS]:
            del sys.modules[key]
        sys.modules.update(saved)
