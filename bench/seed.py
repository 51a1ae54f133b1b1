"""A demo-trust database for the request-path benchmarks, with platform ids linked."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build_app
from bot.settings import Settings


async def _prepare(db_url: str) -> dict[str, dict[str, str]]:
    from bot.demo import seed_demo

    app = build_app(Settings(_env_file=None, database_url=db_url))  # type: ignore[call-arg]
    try:
        await app.ensure_schema()
        await seed_demo(app)
        slack: dict[str, str] = {}
        teams: dict[str, str] = {}
        for n, person in enumerate(await app.repos.people.all_people(), start=1):
            assert person.id is not None
            slack_id = person.slack_user_id or f"UB{n:05d}"
            teams_id = person.teams_user_id or f"00000000-0000-4000-8000-{n:012d}"  # an AAD object id
            if not person.slack_user_id:
                await app.repos.people.link_platform_id(person.id, "slack", slack_id)
            if not person.teams_user_id:
                await app.repos.people.link_platform_id(person.id, "teams", teams_id)
            slack[slack_id] = person.email
            teams[teams_id] = person.email
        return {"slack": slack, "teams": teams}
    finally:
        await app.close()


def prepare_demo_db(directory: Path) -> tuple[str, dict[str, dict[str, str]]]:
    """Seed the demo trust in a fresh SQLite file; returns its URL and the platform id -> email maps."""
    db_url = f"sqlite:///{directory / 'bench.db'}"
    return db_url, asyncio.run(_prepare(db_url))
