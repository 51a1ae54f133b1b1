"""Status and help: where my review stands, what comes next and by when, with the clause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.messages import Card, Choice, Inbound, Reply
from store.repo import PersonContext

if TYPE_CHECKING:
    from bot.dialogs.engine import Engine

STAGE_LABELS = {
    "preparation": "Preparing for your planning meeting (Policy 3.2)",
    "planning": "Planning meeting booked or held; form being completed (3.2)",
    "objectives_agreed": "Objectives agreed and signed (Annex 1)",
    "mid_year_done": "Mid-year review done (3.2)",
    "end_of_year_done": "End-of-year review done (7.1)",
    "closed": "Closed",
}


async def status_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    repo = engine.repo
    review = await repo.current_review(person.id)
    if review is None:
        return [Reply("You don't have a review in this cycle. If you think you should, please ask HR "
                      "(Policy 1.1 explains who the cycle applies to).", clause="1.1")]
    await repo.audit(actor_id=person.id, action="read", record_type="review", record_id=review.id,
                     subject_person_id=person.id, channel=inbound.address.channel.value)
    facts: list[tuple[str, str]] = [("Stage", STAGE_LABELS.get(review.stage, review.stage))]
    reviewer = await repo.person(review.reviewer_id) if review.reviewer_id else None
    if reviewer:
        facts.append(("Reviewer", reviewer.name))
    meetings = [m for m in await repo.meetings_for(review.id) if m.status == "scheduled"]  # type: ignore[arg-type]
    if meetings:
        m = meetings[-1]
        facts.append(("Next meeting", f"{m.starts_at:%a %d %b %Y %H:%M} UTC, {m.location or 'location to follow'}"))
    objectives = await repo.objectives(review.id)  # type: ignore[arg-type]
    facts.append(("Objectives", str(len(objectives)) if objectives else "none yet"))
    prep = await repo.preparation_answers(review.id, "colleague")  # type: ignore[arg-type]
    facts.append(("Your preparation", f"{len(prep)} of 23 questions answered"))
    text = "\n".join(f"{k}: {v}" for k, v in facts)
    return [Reply(text, card=Card("Your review", tuple(facts)),
                  choices=(Choice("prep", "Prepare"), Choice("checkin", "Check in")))]


async def help_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    return [engine.registry.router.help_reply(person)]
