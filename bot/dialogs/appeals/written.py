"""Policy 9.2-9.5: the written appeal, routed by the reporting line.

To the Headteacher (9.2); to the Chair of Governors when the colleague reports to the Headteacher
(9.3); in a central team to the Executive Leadership Team member (1.3). The colleague names who
will accompany them (9.4); the person receiving it is told the 15-working-day deadline (9.5).
"""

from __future__ import annotations

from typing import Any

from bot.dialogs.answers import show
from bot.dialogs.appeals.common import (
    COMPANION_LABELS,
    colleague_view,
    handler_title,
    hearing_deadline,
    holders,
    route_for,
    window_note,
)
from bot.dialogs.base import Dialog, Run, Step
from bot.dialogs.errors import Refusal
from bot.dialogs.plans.common import labelled_summary
from bot.messages import Choice, PromptKind, Reply
from bot.policy.deadlines import POLICY_VERSION
from bot.policy.routing import role_title
from bot.services import Services
from store.models import Appeal, Role
from store.repos.values import PersonContext

CLAUSE = "9.2"
COMPANIONS = (
    Choice("union_rep", "A union representative"),
    Choice("colleague", "A work colleague"),
    Choice("undecided", "I haven't decided yet"),
    Choice("none", "No one"),
)


async def prepare(services: Services, person: PersonContext, _subject: PersonContext | None) -> dict[str, Any] | str:
    view = await colleague_view(services, person)
    if not view:
        return "There's no performance management review on record for you yet, so there's nothing to appeal (Policy 9.2)."
    appeal = view["appeal"]
    if appeal is not None and appeal["stage"] != "informal":
        return "You've already appealed in writing; say appeal to see where it stands (Policy 9.5)."
    if appeal is None and not view["late"]:
        return (f"{window_note(view)} Say appeal and choose “Raise concerns with my reviewer” to start there; "
                "if that doesn't settle it, you can then appeal in writing (Policy 9.2).")
    route, people = await route_for(services.repos, person, view["reviewer_id"])
    view.update({"route": route.message, "route_clause": route.clause,
                 "handler": handler_title(route, person.organisation),
                 "handler_names": [p.name for p in people]})
    return view


def _confirm(ctx: Any) -> str:
    names = ctx.data.get("handler_names") or []
    to = f"{', '.join(names)} ({ctx.data['handler']})" if names else f"the {ctx.data['handler']}"
    return (f"Your appeal:\n{labelled_summary(STEPS, ctx)}\n"
            f"Shall I send it to {to} now? The 15 working days (Policy 9.5) start today.")


STEPS = (
    Step("grounds", "Please set out your appeal: each point you disagree with, and why. Several points are heard "
         "together at one hearing (Policy 9.5).", PromptKind.LONG_TEXT, clause=CLAUSE, max_length=5000,
         label="Your appeal"),
    Step("companion", "You have the right to be accompanied to the hearing by a union representative or a work "
         "colleague (Policy 9.4). Who will come with you?", PromptKind.CHOICE, choices=COMPANIONS, clause="9.4",
         label="Companion"),
    Step("companion_name", "What is their name?", PromptKind.SHORT_TEXT, max_length=200, label="Companion's name",
         when=lambda c: c.answers.get("companion") in COMPANION_LABELS),
    Step("confirm", _confirm, PromptKind.CONFIRM, clause="9.5"),
)


async def complete(run: Run) -> list[Reply]:
    services, repos = run.services, run.services.repos
    view = await colleague_view(services, run.person)
    current = view.get("appeal") if view else None
    if not view or (current is not None and current["stage"] != "informal"):
        raise Refusal("You've already appealed in writing; say appeal to see where it stands.", "9.5")
    org = run.person.organisation
    route, people = await route_for(repos, run.person, view["reviewer_id"])
    today = services.clock.today()
    due = hearing_deadline(services, org, today)
    companion = run.get("companion")
    row = await repos.appeals.appeal(current["id"]) if current else None
    if row is None:
        row = Appeal(review_id=view["review_id"], colleague_id=run.person.id)
    row.stage, row.written_received_on, row.grounds = "written", today, run.get("grounds")
    row.handler_role = route.handler_role
    row.handler_id = people[0].id if people else None
    row.companion_kind = companion if companion in COMPANION_LABELS else ""
    row.companion_name = run.get("companion_name", "") if companion in COMPANION_LABELS else ""
    row.policy_version = POLICY_VERSION
    row = await repos.appeals.save_appeal(row)
    await repos.audit.audit(actor_id=run.person.id, action="change", record_type="appeal", record_id=row.id,
                     subject_person_id=run.person.id, channel=run.channel.value, actor_identity=run.platform_identity,
                     detail={"event": "written_appeal", "handler_role": route.handler_role,
                             "handler_id": row.handler_id, "hearing_by": due.isoformat(),
                             "policy_version": POLICY_VERSION})
    name = run.person.person.name
    title = handler_title(route, org)
    reviewer = view["reviewer"]
    body = (f"{name} has appealed in writing against their performance management review (Policy {route.clause}). "
            f"Please arrange the hearing by {show(due.isoformat())}: within 15 working days of receiving the appeal "
            f"today (Policy 9.5). It must be heard by someone more senior than the reviewer, {reviewer}, and never by "
            f"the reviewer (Policy 9.3). {name} may be accompanied by a union representative or a work colleague "
            f"(Policy 9.4){_companion(row)}.\n\nTheir appeal: {row.grounds}\n\nSay appeal to schedule the hearing.")
    recipients = list(people)
    forwarded = ""
    if not recipients:
        recipients = [p for p in await holders(repos, Role.HR_ADMIN, org) if p.id != run.person.id]
        forwarded = f" Nobody holds the role of {title} in Cadence yet, so I've sent it to HR to pass on."
        body = f"(For the {title}: nobody holds that role in Cadence, please pass this on.)\n" + body
    for person in recipients:
        await services.notifier.notify(
            person.id, f"Written appeal from {name}: hearing by {show(due.isoformat())}", body,  # type: ignore[arg-type]
            kind="appeal_hearing_deadline", clause="9.5", dedupe_key=f"appeal:{row.id}:written:{person.id}",
            review_id=row.review_id, action="appeal", subject_person_id=run.person.id)
    to = f"{', '.join(p.name for p in people)} ({title})" if people else f"the {title}"
    if route.clause == "9.3":
        heard = f"{to} will arrange for a panel drawn from the {role_title(route.panel, org.kind)} to hear it (Policy 9.3)"
    else:
        heard = "It will be heard by a manager more senior than your reviewer (Policy 9.3)"
    return [Reply(f"Your written appeal has gone to {to} (Policy {route.clause}).{forwarded} {heard}, by "
                  f"{show(due.isoformat())} at the latest (Policy 9.5). You may bring a union representative or a "
                  "work colleague (Policy 9.4). Say appeal any time to see where it stands.", clause=route.clause)]


def _companion(appeal: Appeal) -> str:
    if appeal.companion_kind in COMPANION_LABELS:
        who = COMPANION_LABELS[appeal.companion_kind]
        return f"; they have named {who}: {appeal.companion_name}" if appeal.companion_name else f"; they will bring {who}"
    return ""


DIALOG = Dialog(
    id="appeal_written", version=1, title="Written appeal", steps=STEPS, complete=complete, prepare=prepare,
    clause=CLAUSE,
    intro=lambda c: (f"{window_note(c.data) if c.data.get('late') else ''} {c.data.get('route', '')}").strip(),
    description="Appeal in writing after trying to resolve it with your reviewer (Policy 9.2-9.5).",
)
