"""Policy 9.1: a colleague who disagrees with their report first talks it through with their reviewer,
aiming to resolve it informally. When they have, the reviewer records it: status stops asking them
both to talk, shows it was resolved, and the colleague is told (and may still appeal in writing, 9.2)."""

from __future__ import annotations

from datetime import date

from bot.dialogs.status import next_step
from store.models import ReviewStage
from tests.dialogs.support.conftest import Trust, text_of

SAM = "sam.patel@hillside.example"  # reports to Priya
PRIYA = "priya.shah@hillside.example"
MARK = "mark.lee@hillside.example"


async def sam_raises_concerns(trust: Trust) -> None:
    """Sam's end of year review is signed and his report delivered on Fri 20 Nov (9.1: 10 days from then)."""
    review = await trust.review_of(SAM)
    review.stage = ReviewStage.END_OF_YEAR_DONE
    await trust.app.repos.reviews.save_review(review)
    await trust.deliver_report(SAM, date(2026, 11, 20))
    await trust.say(SAM, "appeal")
    await trust.say(SAM, "The rating on objective 2 ignores the phonics results")
    assert "I've sent your concerns to Priya Shah" in text_of(await trust.say(SAM, "confirm"))


async def test_priya_records_that_sams_concerns_were_resolved(trust: Trust) -> None:
    await sam_raises_concerns(trust)
    before = text_of(await trust.say(PRIYA, "status"))
    assert "Sam has raised concerns about their report: talk them through together; once they're resolved, " \
           "say appeal to record it" in before

    menu = await trust.say(PRIYA, "appeal")
    assert menu[-1].choices[0].label == "A colleague's concerns are resolved: record it (Policy 9.1)"
    opened = await trust.say(PRIYA, "1")
    assert "what did you and Sam agree" in text_of(opened) and opened[-1].step == "note"
    ask = await trust.say(PRIYA, "We looked at the phonics data again and updated objective 2's comment")
    assert "Record that Sam Patel's concerns were resolved informally" in ask[-1].text and ask[-1].clause == "9.1"
    done = text_of(await trust.say(PRIYA, "confirm"))
    assert "Recorded: Sam Patel's concerns were resolved informally (Policy 9.1)" in done
    assert "can still appeal in writing (9.2)" in done

    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert (appeal.stage, appeal.decided_on) == ("withdrawn", date(2026, 11, 23))
    assert appeal.outcome.startswith("Resolved informally with the reviewer (Policy 9.1): We looked at the phonics")
    [told] = [r for r in await trust.app.repos.outbox.reminders(status=None)
              if r.recipient_id == trust.ids[SAM] and r.dedupe_key == f"appeal:{appeal.id}:resolved"]
    assert told.clause == "9.1" and "We looked at the phonics data" in told.body and "say appeal" in told.body
    assert any(e.detail.get("event") == "resolved_informally" and e.actor_id == trust.ids[PRIYA]
               for e in await trust.app.repos.audit.audit_events(trust.ids[SAM]))

    after = text_of(await trust.say(PRIYA, "status"))
    assert "talk them through" not in after
    assert "Sam's concerns about the report were resolved informally on Mon 23 Nov 2026 (Policy 9.1)" in after
    own = await next_step(trust.app.engine.services, await trust.review_of(SAM), as_colleague=True)
    assert own.line().startswith("Your concerns about the report were resolved with your reviewer on Mon 23 Nov 2026")
    assert own.line().endswith("(Policy 9.1)")


async def test_nobody_else_can_mark_sams_concerns_resolved(trust: Trust) -> None:
    await sam_raises_concerns(trust)
    # Mark reviews other colleagues, not Sam: the appeal menu offers him nothing to settle
    reply = text_of(await trust.say(MARK, "appeal"))
    assert "resolved: record it" not in reply
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert appeal.stage == "informal"


async def test_with_nothing_open_priya_is_told_so(trust: Trust) -> None:
    replies = await trust.app.engine.start(await trust.app.repos.people.context(trust.ids[PRIYA]), "appeal_settle",
                                           _inbound(PRIYA))
    assert "None of the colleagues you review has open concerns about their report (Policy 9.1)" in text_of(replies)


def _inbound(email: str):
    from bot.messages import Address, Channel, Inbound

    return Inbound(Address(Channel.CONSOLE, email), text="appeal", platform_identity=f"console:{email}")
