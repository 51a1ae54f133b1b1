"""The trust's time zone is a setting (CADENCE_TIMEZONE): meeting times read in it everywhere."""

from __future__ import annotations

from pathlib import Path

from bot.app import build_app
from bot.clock import FixedClock
from bot.messages import Address, Channel, Inbound
from tests.conftest import TODAY, _copy_db, make_settings

SAM = "sam.patel@hillside.example"


async def test_status_shows_sams_meeting_in_the_trusts_own_time_zone(db_url: str, demo_db: Path) -> None:
    """Sam's planning meeting is at 14:00 London time (14:00 UTC in winter); a trust that sets its
    zone to New York reads the same moment as 09:00."""
    said = {}
    for zone in ("Europe/London", "America/New_York"):
        _copy_db(demo_db, Path(db_url.removeprefix("sqlite:///")))
        app = build_app(make_settings(db_url, timezone=zone), clock=FixedClock(TODAY))
        try:
            assert app.services.zone.key == zone
            replies = await app.engine.handle(Inbound(Address(Channel.CONSOLE, SAM), text="status",
                                                      platform_identity=f"console:{SAM}"))
            said[zone] = "\n".join(r.text for r in replies)
        finally:
            await app.close()
    assert ", 14:00" in said["Europe/London"] and ", 14:00" not in said["America/New_York"]
    assert ", 09:00" in said["America/New_York"]


def test_no_module_names_the_time_zone_but_the_default() -> None:
    """Two known exceptions: the calendar invite carries Europe/London's own VTIMEZONE rules, and
    the subject access copy still prints its times in UK time (both from issue 20's rewrite)."""
    root = Path(__file__).resolve().parents[1]
    named = [str(p.relative_to(root)) for p in [*root.glob("bot/**/*.py"), *root.glob("store/**/*.py")]
             if 'ZoneInfo("Europe/London")' in p.read_text(encoding="utf-8")
             or '= "Europe/London"' in p.read_text(encoding="utf-8")]
    assert sorted(named) == ["bot/documents/invites.py", "bot/documents/subject_access.py", "bot/policy/workdays.py"]
