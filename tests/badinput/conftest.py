"""Bad input: one demo trust per module on its own event loop, so hypothesis can drive it example by example.

Hypothesis calls a plain function many times; the async app lives on a loop made here and each
example runs to completion on it (``demo.run(coro)``). Settings stay bounded so the suite is fast.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from bot.app import App, build_app
from bot.clock import FixedClock
from tests.conftest import TODAY, make_settings

BOUNDED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                           HealthCheck.function_scoped_fixture])

# tables whose rows a rejected answer must leave exactly as they were (dialog sessions and the audit
# trail are where a conversation legitimately writes)
PROTECTED = ("organisation", "person", "line_management", "role_grant", "cycle", "review", "meeting",
             "preparation_answer", "objective", "objective_progress", "signature", "check_in", "reminder")


@dataclass
class Demo:
    app: App
    loop: asyncio.AbstractEventLoop

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        from sqlalchemy import text

        async def read() -> dict[str, list[tuple[Any, ...]]]:
            out = {}
            async with self.app.db.engine.connect() as conn:
                for table in PROTECTED:
                    rows = (await conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))).all()
                    out[table] = [tuple(r) for r in rows]
            return out

        return self.run(read())


@pytest.fixture(scope="module")
def demo(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    path = tmp_path_factory.mktemp("badinput") / "cadence.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{demo_db}{suffix}").exists():
            shutil.copyfile(f"{demo_db}{suffix}", f"{path}{suffix}")
    loop = asyncio.new_event_loop()
    app = build_app(make_settings(f"sqlite:///{path}", teams_emulator=True), clock=FixedClock(TODAY))
    try:
        yield Demo(app, loop)
    finally:
        loop.run_until_complete(app.close())
        loop.close()
