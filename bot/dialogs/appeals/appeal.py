"""The `appeal` command (Policy 9.1-9.5), context-sensitive.

A colleague: raise concerns with the reviewer first (9.1, within 10 days of the report); then, or
once those 10 days have passed, appeal in writing (9.2); see where an appeal stands. A headteacher,
executive leader, or a chair of governors an appeal was routed to: schedule the hearing (9.5) or
record the outcome. When only one thing applies, it starts straight away.
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.answers import show
from bot.dialogs.appeals.common import appeals_i_handle, as_local, colleague_view, local_zone, window_note
from bot.dialogs.appeals.hearing import hearing_candidates
from bot.dialogs.appeals.settle import close_as_resolved, concerns_i_hear
from bot.dialogs.base import Ctx, Dialog, Run, Step
from bot.messages import Choice, PromptKind, Reply
from bot.services import Services
from store.repos.values import PersonContext

OPTIONS: dict[str, tuple[str, str | None]] = {
    "written": ("Appeal in writing (Policy 9.2)", "appeal_written"),
    "concerns": ("Raise concerns with my reviewer (Policy 9.1)", "appeal_concerns"),
    "resolved": ("My concerns are resolved: close it", None),
    "where": ("Where my appeal stands", None),
    "hearing": ("Schedule or move an appeal hearing (Policy 9.5)", "appeal_hearing"),
    "outcome": ("Record the outcome of a hearing", "appeal_outcome"),
    "settle": ("A colleague's concerns are resolved: record it (Policy 9.1)", "appeal_settle"),
}


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    view = await colleague_view(services, person)
    options: list[str] = []
    if view:
        appeal = view["appeal"]
        if appeal is None:
            options += ["written", "concerns"] if view["late"] else ["concerns"]
        elif appeal["stage"] == "informal":
            options += ["written", "resolved"]
        else:
            options.append("where")
    if await hearing_candidates(services, person):
        options.append("hearing")
    if await appeals_i_handle(services, person, ("hearing_scheduled",)):
        options.append("outcome")
    if await concerns_i_hear(services.repos, person):
        options.insert(0, "settle")  # a colleague is waiting on this (Policy 9.1)
    if not options:
        return ("There's no performance management review on record for you yet, so there's nothing to appeal. "
                "If you disagree with something, talk to your line manager first (Policy 9.1).")
    return {"options": options, "view": view, "decided": await _last_decision(services, view)}


async def _last_decision(services: Services, view: dict[str, Any]) -> str:
    """The latest decided appeal on this review, so a colleague who says appeal after the hearing
    reads where it ended before being offered a new one (Policy 9.3)."""
    if not view or view.get("appeal") is not None:
        return ""
    review = await services.repos.reviews.review(view["review_id"])
    if review is None:
        return ""
    decided = [a for a in await services.repos.appeals.appeals_of(review.colleague_id)
               if a.review_id == review.id and a.stage == "decided"]
    if not decided:
        return ""
    last = decided[-1]
    on = f" on {show(last.decided_on.isoformat())}" if last.decided_on else ""
    return f"Your appeal was decided{on}: {last.outcome} (Policy 9.3)"


def _prompt(ctx: Ctx) -> str:
    view = ctx.data.get("view") or {}
    note = ""
    if ctx.data.get("decided"):
        note = ctx.data["decided"] + "\n"
    elif view and view.get("appeal") is None:
        note = window_note(view) + "\n"
    elif view and (view.get("appeal") or {}).get("stage") == "informal":
        note = (f"You raised your concerns with {view['reviewer']} (Policy 9.1). If you can't resolve them together, "
                "you can appeal in writing (Policy 9.2).\n")
    return f"{note}What would you like to do?"


STEPS = (
    Step("what", _prompt, PromptKind.CHOICE, clause="9.1",
         choices=lambda c: tuple(Choice(v, OPTIONS[v][0]) for v in c.data.get("options", [])),
         when=lambda c: len(c.data.get("options", [])) > 1),
)


async def complete(run: Run) -> list[Reply]:
    what = run.get("what") or run.data["options"][0]
    target = OPTIONS[what][1]
    if target is not None:
        run.then = (target, None)
        return []
    services, repos = run.services, run.services.repos
    view = await colleague_view(services, run.person)
    appeal_info = view.get("appeal") if view else None
    if appeal_info is None:
        return [Reply("You have no open appeal. Say appeal to start one (Policy 9.1).", clause="9.1")]
    appeal = await repos.appeals.appeal(appeal_info["id"])
    assert appeal is not None
    if what == "resolved":
        appeal = await close_as_resolved(repos, appeal, services.clock.today())
        await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=appeal.id,
                         subject_person_id=run.person.id, channel=run.channel.value,
                         actor_identity=run.platform_identity, detail={"event": "resolved_informally"})
        if view["reviewer_id"]:
            await services.notifier.notify(
                view["reviewer_id"], f"{run.person.person.name}'s concerns are resolved",
                f"{run.person.person.name} says the concerns about their review are now resolved (Policy 9.1). "
                "Thank you for talking it through.", kind="informal_resolution", clause="9.1",
                dedupe_key=f"appeal:{appeal.id}:resolved", review_id=appeal.review_id,
                subject_person_id=run.person.id)
        return [Reply("I'm glad it's sorted. I've closed it and let your reviewer know (Policy 9.1).", clause="9.1")]
    await repos.audit.audit(actor_id=run.person.id, action="read", record_type="appeal", record_id=appeal.id,
                     subject_person_id=run.person.id, channel=run.channel.value, actor_identity=run.platform_identity)
    held = as_local(appeal.hearing_at, local_zone(services))
    if appeal.stage == "hearing_scheduled" and held is not None:
        status = (f"Your appeal hearing is on {show(held.replace(tzinfo=None).isoformat(timespec='minutes'))}. "
                  "You may bring a union representative or a work colleague (Policy 9.4).")
    else:
        received = show(appeal.written_received_on.isoformat()) if appeal.written_received_on else "—"
        status = (f"Your written appeal was received on {received}; the hearing will be arranged within 15 working "
                  "days of that (Policy 9.5). You'll get a notice with the date.")
    return [Reply(status, clause="9.5")]


DIALOG = Dialog(
    id="appeal", version=1, title="Appeal", steps=STEPS, complete=complete, prepare=prepare, clause="9.1",
    description="Concerns about your review: resolve them with your reviewer, or appeal (Policy 9.1-9.5).",
)
