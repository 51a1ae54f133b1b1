"""Scheduling the appeal hearing (Policy 9.3-9.5).

Offered to the person the appeal was routed to and to the head / executive leader of the
organisation; heard by someone more senior than the reviewer and never by the reviewer (9.3);
within 15 working days of receipt of the written appeal (9.5): a later date is refused with the
clause and the last valid date. The colleague's notice says they may be accompanied (9.4).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.dialogs.answers import show
from bot.dialogs.appeals.common import (
    COMPANION_LABELS,
    appeals_i_handle,
    as_local,
    closed_days,
    hearing_deadline,
    hearing_refusal,
    local_zone,
)
from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.dialogs.diary import busy_for
from bot.dialogs.errors import Refusal
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.services import Services
from store.models import Appeal
from store.repos.diary import HEARING_MINUTES
from store.repos.values import PersonContext
from store.unit import Repositories

CLAUSE = "9.5"


async def hearing_candidates(services: Services, person: PersonContext) -> list[Appeal]:
    """Written appeals awaiting a hearing, and hearings this person arranged that are still to come
    (they can be moved: 9.5 asks for "the flexibility required for all parties to attend")."""
    now = services.clock.now()
    waiting = await appeals_i_handle(services, person, ("written",))
    booked = [a for a in await appeals_i_handle(services, person, ("hearing_scheduled",))
              if a.hearing_by_id == person.id and a.hearing_at is not None and _aware(a.hearing_at) > now]
    return waiting + booked


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    repos = services.repos
    appeals = await hearing_candidates(services, person)
    zone = local_zone(services)
    if not appeals:
        return "There's no written appeal waiting for a hearing that you can arrange (Policy 9.5)."
    today = services.clock.today()
    items = []
    for appeal in appeals:
        colleague = await repos.people.context(appeal.colleague_id)
        review = await repos.reviews.review(appeal.review_id)
        if colleague is None or review is None or appeal.written_received_on is None:
            continue
        reviewer_id = review.reviewer_id or colleague.lead_manager_id
        due = hearing_deadline(services, colleague.organisation, appeal.written_received_on)
        current = as_local(appeal.hearing_at, zone) if appeal.stage == "hearing_scheduled" else None
        items.append({"id": appeal.id, "colleague": colleague.person.name, "colleague_id": colleague.id,
                      "received": appeal.written_received_on.isoformat(), "due": due.isoformat(),
                      "current": current.replace(tzinfo=None).isoformat(timespec="minutes") if current else None,
                      "closed": closed_days(services, colleague.organisation, today, due),
                      "refusal": await _refusal(repos, person, appeal, reviewer_id, colleague)})
        await repos.audit.audit(actor_id=person.id, action="read", record_type="appeal", record_id=appeal.id,
                         subject_person_id=colleague.id)
    if len(items) == 1 and items[0]["refusal"]:
        return f"{items[0]['colleague']}'s appeal: {items[0]['refusal']}"
    return {"appeals": items, "tz": local_zone(services).key}


async def _refusal(repos: Repositories, person: PersonContext, appeal: Appeal, reviewer_id: int | None,
                   colleague: PersonContext) -> str | None:
    refusal = await hearing_refusal(repos, person.id, reviewer_id, colleague.organisation)
    if refusal and appeal.handler_id not in (None, person.id):
        handler = await repos.people.person(appeal.handler_id)
        if handler is not None:
            refusal += f" This appeal went to {handler.name}, who will arrange the hearing."
    return refusal


def chosen(ctx: Ctx) -> dict[str, Any]:
    items: list[dict[str, Any]] = ctx.data.get("appeals", [])
    if len(items) == 1:
        return items[0]
    return next((a for a in items if str(a["id"]) == str(ctx.answers.get("appeal"))), items[0])


def _appeal_valid(value: Any, ctx: Ctx) -> str | None:
    item = next((a for a in ctx.data.get("appeals", []) if str(a["id"]) == str(value)), None)
    return f"{item['colleague']}'s appeal: {item['refusal']}" if item and item["refusal"] else None


def _when_valid(value: Any, ctx: Ctx) -> str | None:
    item = chosen(ctx)
    moment = datetime.fromisoformat(str(value))
    now_local = ctx.now.astimezone(ctx.zone).replace(tzinfo=None) \
        if ctx.now.tzinfo else ctx.now
    due = date.fromisoformat(item["due"])
    if moment.date() > due:
        return (f"Policy 9.5: the hearing must be held within 15 working days of receiving the written appeal "
                f"(received {show(item['received'])}), so the last valid date is {show(item['due'])}. "
                "Please choose that date or earlier.")
    if moment <= now_local:
        return (f"That time has already passed. Please give a date and time from now on, by {show(item['due'])}, "
                f"like {due:%d/%m/%Y} 10:00.")
    why = item["closed"].get(moment.date().isoformat())
    if why:
        return f"{show(moment.date().isoformat())} is {why}. Please choose a working day, by {show(item['due'])}."
    return None


def _when_prompt(ctx: Ctx) -> str:
    item = chosen(ctx)
    moving = f"The hearing is booked for {show(item['current'])}. " if item.get("current") else ""
    return (f"{moving}When will {item['colleague']}'s appeal hearing be? It must be by {show(item['due'])}: within 15 working "
            f"days of receiving the appeal on {show(item['received'])} (Policy 9.5). For example {date.fromisoformat(item['due']):%d/%m/%Y} 10:00.")


def _label(item: dict[str, Any]) -> str:
    if item.get("current"):
        return f"{item['colleague']}: move the hearing on {show(item['current'])} (hear by {show(item['due'])})"
    return f"{item['colleague']} (received {show(item['received'])}, hear by {show(item['due'])})"


STEPS = (
    Step("appeal", "Which appeal are you arranging a hearing for?", PromptKind.CHOICE, clause="9.3",
         choices=lambda c: tuple(Choice(str(a["id"]), _label(a)) for a in c.data.get("appeals", [])),
         when=lambda c: len(c.data.get("appeals", [])) > 1, validate=_appeal_valid),
    Step("hearing_at", _when_prompt, PromptKind.DATETIME, clause=CLAUSE, validate=_when_valid, label="Hearing"),
    Step("location", "Where will it be held? Somewhere private, please.",
         PromptKind.SHORT_TEXT, max_length=300, label="Location"),
    Step("confirm", lambda c: (f"Hearing for {chosen(c)['colleague']}: {show(c.answers.get('hearing_at'))}, "
                               f"{c.answers.get('location')}. You will hear it (Policy 9.3). I'll send "
                               f"{chosen(c)['colleague'].split(' ')[0]} the notice, which says they may be accompanied "
                               "(Policy 9.4). Go ahead?"), PromptKind.CONFIRM, clause=CLAUSE),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    item = chosen(Ctx(run.answers, run.data, run.person, run.subject, services.clock.today(), services.clock.now(),
                      run.channel))
    appeal = await repos.appeals.appeal(item["id"])
    moving = appeal is not None and appeal.stage == "hearing_scheduled" and appeal.hearing_by_id == run.person.id
    if appeal is None or (appeal.stage != "written" and not moving):
        raise Refusal("That appeal's hearing has already been arranged or the appeal has closed. Nothing has changed.",
                      CLAUSE)
    colleague = await repos.people.context(appeal.colleague_id)
    review = await repos.reviews.review(appeal.review_id)
    assert colleague is not None and review is not None
    refusal = await hearing_refusal(repos, run.person.id, review.reviewer_id or colleague.lead_manager_id,
                                    colleague.organisation)
    if refusal:
        raise Refusal(refusal, "9.3")
    zone = local_zone(services)
    local = datetime.fromisoformat(run.get("hearing_at")).replace(tzinfo=zone)
    # neither the hearer nor the colleague may be double-booked with another Cadence meeting (5.3, our reading)
    busy = await busy_for(services, {run.person.id: "You", colleague.id: colleague.person.name.split(" ")[0]}, local,
                          skip_appeal=appeal.id)
    clash = next((b for b in busy if b.overlaps(local, HEARING_MINUTES)), None)
    if clash is not None:
        raise Refusal(f"{clash.label} from {clash.start.astimezone(zone):%H:%M} to {clash.end.astimezone(zone):%H:%M} "
                      "that day. Please choose another time (Policy 5.3, 9.5).", "9.5", back_to="hearing_at")
    appeal.hearing_at, appeal.hearing_by_id, appeal.stage = local, run.person.id, "hearing_scheduled"
    appeal.policy_version = POLICY_VERSION
    appeal = await repos.appeals.save_appeal(appeal)
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=appeal.id,
                     subject_person_id=colleague.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "hearing_moved" if moving else "hearing_scheduled", "hearing_at": local.isoformat(),
                             "location": run.get("location"), "policy_version": POLICY_VERSION})
    when = show(local.replace(tzinfo=None).isoformat(timespec="minutes"))
    first = colleague.person.name.split(" ")[0]
    companion = ""
    if appeal.companion_kind in COMPANION_LABELS:
        who = COMPANION_LABELS[appeal.companion_kind]
        companion = f" You've told us {appeal.companion_name or who} will come with you ({who})."
    await services.notifier.notify(
        colleague.id, f"Your appeal hearing{' has moved' if moving else ''}: {when}",
        f"Hello {first}, your appeal hearing {'has moved: it is now' if moving else 'is'} on {when} at {run.get('location')}, heard by "
        f"{run.person.person.name} (Policy 9.3). Where you appealed on more than one point, they are all heard "
        f"together (Policy 9.5). You have the right to be accompanied by a union representative or a work colleague "
        f"(Policy 9.4).{companion} If the time is difficult, please reply to {run.person.person.name} as soon as you can.",
        kind="appeal_hearing_deadline", clause="9.4", dedupe_key=f"appeal:{appeal.id}:hearing:{local.isoformat()}",
        review_id=appeal.review_id, action="appeal", subject_person_id=colleague.id)
    return [Reply(f"Booked: {colleague.person.name}'s appeal hearing on {when}, {run.get('location')}. I've sent "
                  f"{first} the notice, including their right to be accompanied (Policy 9.4). After the hearing, say "
                  "appeal to record the outcome.", clause=CLAUSE)]


DIALOG = Dialog(
    id="appeal_hearing", version=1, title="Appeal hearing", steps=STEPS, complete=complete, prepare=prepare,
    clause=CLAUSE, description="Arrange an appeal hearing within 15 working days (Policy 9.3-9.5).",
)
