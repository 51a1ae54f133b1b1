"""Wellbeing check-in (Policy 3.3): done in under 30 seconds.

Check-in answers are kept apart from the performance record: they never appear in a review, a form
or a plan unless the colleague says so. The colleague chooses what their manager sees; asking for
support (a one-to-one) nudges the manager.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.base import Dialog, Run, Step
from bot.messages import Choice, PromptKind, Reply
from bot.services import Services
from store.models import CheckIn
from store.repos.values import PersonContext

CLAUSE = "3.3"

SHARE_CHOICES = (
    Choice("nothing", "Keep it to myself"),
    Choice("mood", "Share my mood only"),
    Choice("everything", "Share all of it"),
)

STEPS = (
    Step("mood", "How are you feeling this week, from 1 (low) to 5 (great)?", PromptKind.RATING, clause=CLAUSE),
    Step("note", "Anything you'd like to add? A sentence is plenty.", PromptKind.LONG_TEXT, optional=True,
         max_length=1000),
    Step("one_to_one", "Would you like a one-to-one with your manager?", PromptKind.YES_NO, clause=CLAUSE),
    Step("on_track", "Are your objectives on track?", PromptKind.YES_NO,
         when=lambda ctx: bool(ctx.data.get("has_objectives"))),
    Step("share", "What may your manager see?", PromptKind.CHOICE, choices=SHARE_CHOICES,
         help="Check-ins stay out of your performance record unless you choose otherwise."),
)


async def prepare(services: Services, person: PersonContext, subject: PersonContext | None) -> dict[str, Any]:
    """Whether the colleague has objectives this cycle: nobody is asked if objectives they don't have
    are on track."""
    review = await services.repos.reviews.current_review(person.id)
    has = review is not None and review.id is not None and bool(await services.repos.forms.objectives(review.id))
    return {"has_objectives": has}


async def complete(run: Run) -> list[Reply]:
    repos = run.services.repos
    wants = bool(run.get("one_to_one"))
    checkin = await repos.records.save_checkin(CheckIn(person_id=run.person.id, mood=int(run.get("mood")), note=run.get("note", ""),
                                      wants_one_to_one=wants, objectives_on_track=run.get("on_track"),
                                      share_with_manager=run.get("share", "nothing")))
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="check_in", record_id=checkin.id,
                     subject_person_id=run.person.id, channel=run.channel.value, actor_identity=run.platform_identity)
    manager_id = run.person.lead_manager_id
    told = ""
    if manager_id is not None and (wants or run.get("share") != "nothing"):
        name = run.person.person.name
        lines = []
        if wants:
            lines.append(f"{name} would like a one-to-one (Policy 3.3). Please arrange a time together.")
        if run.get("share") in ("mood", "everything"):
            lines.append(f"Mood this week: {run.get('mood')}/5.")
        if run.get("share") == "everything":
            if run.get("note"):
                lines.append(f"Note: {run.get('note')}")
            if run.answers.get("on_track") is not None:
                lines.append(f"Objectives on track: {'yes' if run.get('on_track') else 'no'}.")
        await run.services.notifier.notify(
            manager_id, f"Check-in from {name}", "\n".join(lines), kind="one_to_one_checkin", clause=CLAUSE,
            dedupe_key=f"checkin:{checkin.id}:manager", subject_person_id=run.person.id, action="schedule")
        told = " I've let your manager know you'd like a one-to-one." if wants else " I've shared it with your manager."
    return [Reply(f"Thanks, that's saved.{told} It stays out of your performance record.", clause=CLAUSE)]


DIALOG = Dialog(
    id="checkin", version=1, title="Wellbeing check-in", steps=STEPS, complete=complete, clause=CLAUSE,
    prepare=prepare,
    description="A quick wellbeing check-in: five taps, under 30 seconds (Policy 3.3).",
)
