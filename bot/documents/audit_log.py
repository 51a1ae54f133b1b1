"""The audit log as people read it (Policy 10.1): who, what, when, channel, platform identity."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.documents.layout import EMPTY
from bot.services import DEFAULT_ZONE
from store.unit import Repositories

ACTIONS = {"read": "read", "change": "changed", "export": "exported", "refused": "was refused",
           "hold": "legal hold", "purge": "purged", "import": "imported"}


def when(dt: datetime | None, zone: ZoneInfo) -> str:
    """A moment in the trust's time zone as people read it: 5 March 2027, 14:00."""
    if dt is None:
        return EMPTY
    local = dt.astimezone(zone)
    return f"{local.day} {local:%B %Y, %H:%M}"


async def audit_rows(repos: Repositories, subject_id: int, zone: ZoneInfo = DEFAULT_ZONE) -> list[dict[str, Any]]:
    """Every event about one colleague's records, oldest first, with the actor's name resolved."""
    events = await repos.audit.audit_about(subject_id)
    people = await repos.people.people(e.actor_id for e in events if e.actor_id is not None)
    rows = []
    for e in events:
        actor = people.get(e.actor_id) if e.actor_id is not None else None
        who = f"{actor.name} <{actor.email}>" if actor else ("Cadence (system)" if e.actor_id is None
                                                            else "a former colleague")
        what = e.record_type.replace("_", " ") + (f" #{e.record_id}" if e.record_id is not None else "")
        document = e.detail.get("document") if isinstance(e.detail, dict) else None
        if document:
            what += f" ({str(document).replace('_', ' ')}, {e.detail.get('format', '')})".replace(", )", ")")
        rows.append({"when": when(e.at, zone), "who": who,
                     "actor_id": e.actor_id, "action": ACTIONS.get(e.action, e.action), "what": what,
                     "channel": e.channel or "—", "identity": e.actor_identity or "—"})
    return rows
