"""An operator's restart of `cadence serve` loads only what serving needs (Issue 18, a lighter start).

Alembic is loaded only when the database is behind the newest migration, the Teams SDK only when
the first Teams activity arrives or the first reminder goes out by Teams, the document libraries
only when a form or report is made, icalendar only when an invite is, rapidfuzz only at the first
word Cadence does not know. Each is checked in a fresh interpreter, as a restart is.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from store.db import MIGRATIONS, alembic_config, head_revision

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("alembic", "botbuilder", "msrest", "matplotlib", "docx", "fpdf", "dateparser", "icalendar", "rapidfuzz")

START = """
import asyncio, json, sys
from bot.app import build_app
from bot.handlers.web import build_web_app
from bot.scheduler.jobs import start_scheduler, stop_scheduler
from bot.settings import Settings

async def go():
    app = build_app(Settings())
    await app.ensure_schema()
    build_web_app(app)
    scheduler = start_scheduler(app)
    await stop_scheduler(scheduler)
    await app.close()

asyncio.run(go())
print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))
"""


def loaded_on_start(db: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CADENCE_")}
    env.update(CADENCE_DATABASE_URL=f"sqlite:///{db}", CADENCE_SLACK_BOT_TOKEN="xoxb-test-not-a-token",
               CADENCE_SLACK_SIGNING_SECRET="not-a-secret", CADENCE_SLACK_API_URL="http://127.0.0.1:9/api/",
               CADENCE_TEAMS_APP_ID="00000000-0000-0000-0000-00000000b0b0", CADENCE_TEAMS_APP_PASSWORD="not-a-password")
    done = subprocess.run([sys.executable, "-c", START], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_a_restart_on_a_migrated_database_loads_neither_alembic_nor_the_teams_sdk_nor_documents(
        migrated_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cadence.db"
    shutil.copyfile(migrated_db, db)
    loaded = loaded_on_start(db)
    assert {"slack_bolt", "aiohttp", "apscheduler"} <= loaded  # it did start Slack and the scheduler
    assert not loaded & set(HEAVY)


def test_the_first_start_on_an_empty_database_still_migrates_it(tmp_path: Path) -> None:
    db = tmp_path / "cadence.db"
    loaded = loaded_on_start(db)
    assert "alembic" in loaded
    import sqlite3

    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]


def test_the_head_read_from_the_version_files_is_alembics_own() -> None:
    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert (MIGRATIONS / "versions").is_dir()
