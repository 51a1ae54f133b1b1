"""The reviewee's own copy of their form after sign-off (Policy 10.2).

``send_copy_after_signoff(services, review_id)`` is called by the sign-off dialog once both
signatures of a part are in. It writes one durable notice through ``services.notifier`` (the
outbox), kind ``form_copy``, deduplicated per review and part, so a double click or a retry
never sends two copies. The outbox stores text only; the dispatcher asks
``attachment_for_reminder(services, reminder)`` for the document at delivery time, so the copy
carries the form as it stands when it is delivered, and nothing confidential sits in the outbox.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.documents.form import PARTS, build_form, form_filename, load_form
from bot.documents.render import MEDIA_TYPES, render
from bot.messages import Attachment
from bot.policy.calendar import academic_year_label

if TYPE_CHECKING:
    from bot.services import Services
    from store.models import Reminder

COPY_KIND = "form_copy"
COPY_CLAUSE = "10.2"
PART_NAMES = {"planning": "planning", "mid_year": "mid-year review", "end_of_year": "end-of-year review"}


async def send_copy_after_signoff(services: Services, review_id: int) -> bool:
    """Queue the reviewee's copy of the form for each part signed by both; True if one was queued."""
    repos = services.repos
    review = await repos.reviews.review(review_id)
    if review is None:
        return False
    signed = {(s.part, s.role) for s in await repos.forms.signatures("review", review_id)}
    complete = [p for p in PARTS if (p, "reviewee") in signed and (p, "reviewer") in signed]
    if not complete:
        return False
    part = complete[-1]
    cycle = await repos.reviews.cycle_by_id(review.cycle_id)
    year = academic_year_label(cycle.year) if cycle else ""
    await services.notifier.notify(
        review.colleague_id, f"Your signed Planning & Review Form {year}",
        f"Your {PART_NAMES[part]} is signed by you and your reviewer. Your copy of the Planning & Review "
        f"Form is attached: please keep it safe (Policy 10.2). Say export any time for another copy.",
        kind=COPY_KIND, clause=COPY_CLAUSE, dedupe_key=f"form_copy:{review_id}:{part}", review_id=review_id,
        action="export", subject_person_id=review.colleague_id)
    await repos.audit.audit(actor_id=None, action="export", record_type="review", record_id=review_id,
                     subject_person_id=review.colleague_id, channel="system",
                     actor_identity="cadence:signoff-copy", detail={"document": "planning_review_form",
                                                                     "format": "docx", "part": part,
                                                                     "to": "reviewee"})
    return True


async def attachment_for_reminder(services: Services, reminder: Reminder) -> Attachment | None:
    """The document a queued notice carries, built when it is delivered (None for plain notices).

    Only the reviewee's own copy is attached, and only to the reviewee (10.2)."""
    if reminder.kind != COPY_KIND or reminder.review_id is None:
        return None
    review = await services.repos.reviews.review(reminder.review_id)
    if review is None or review.colleague_id != reminder.recipient_id:
        return None
    data = await load_form(services.repos, reminder.review_id, services.zone)
    return Attachment(form_filename(data, "docx"), render(build_form(data), "docx", services.extras.get("branding")), MEDIA_TYPES["docx"],
                      title=f"Planning & Review Form {academic_year_label(data.cycle.year)}")
