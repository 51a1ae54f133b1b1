"""Appeals (Policy 9.1-9.5): informal concerns first, then a written appeal routed by the reporting
line, a companion named, and a hearing within 15 working days arranged by someone more senior than
the reviewer, never by the reviewer."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.messages import PromptKind
from bot.policy.deadlines import POLICY_VERSION
from store.models import Reminder
from tests.dialogs.support.conftest import Trust, text_of

LONDON = ZoneInfo("Europe/London")
SAM = "sam.patel@hillside.example"  # reports to Priya (Inclusion Lead)
PRIYA = "priya.shah@hillside.example"  # reports to Helen, the headteacher
HELEN = "helen.hart@hillside.example"
COLIN = "colin.chair@hillside.example"  # Chair of Governors, Hillside
IAN = "ian.finch@central.example"  # central team, reports to Elaine (ELT), who reports to Sarah (CEO)
ELAINE = "elaine.exec@central.example"
SARAH = "sarah.moore@trust.example"


async def outbox(trust: Trust, to: str) -> list[Reminder]:
    return [r for r in await trust.app.repos.outbox.reminders(status=None) if r.recipient_id == trust.ids[to]]


async def written_appeal(trust: Trust, email: str, grounds: str = "My rating on objective 2 ignores the evidence",
                         companion: tuple[str, ...] = ("A union representative", "Pat Okoro")) -> list:
    replies = await trust.say(email, "appeal")
    if replies[-1].step == "what":
        replies = await trust.say(email, "Appeal in writing")
    assert replies[-1].step == "grounds", text_of(replies)
    await trust.say(email, grounds)
    for answer in companion:
        replies = await trust.say(email, answer)
    assert replies[-1].prompt == PromptKind.CONFIRM
    return replies + await trust.say(email, "confirm")


async def test_an_ordinary_colleague_raises_concerns_first_then_appeals_to_the_headteacher(trust: Trust):
    await trust.deliver_report(SAM, date(2026, 11, 20))
    replies = await trust.say(SAM, "appeal")
    assert "You received your report on Fri 20 Nov 2026" in replies[0].text
    assert "by Mon 30 Nov 2026" in replies[0].text and "Policy 9.1" in replies[0].text
    assert replies[-1].step == "concerns"  # within the 10 days the only way in is the reviewer
    await trust.say(SAM, "The rating on objective 2 ignores the phonics results")
    replies = await trust.say(SAM, "confirm")
    assert "I've sent your concerns to Priya Shah" in text_of(replies)
    [to_priya] = await outbox(trust, PRIYA)
    assert (to_priya.kind, to_priya.clause) == ("informal_resolution", "9.1")
    assert "phonics results" in to_priya.body and "by Mon 30 Nov 2026" in to_priya.body
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert (appeal.stage, appeal.informal_raised_on, appeal.policy_version) == ("informal", date(2026, 11, 23),
                                                                                POLICY_VERSION)

    replies = await trust.say(SAM, "appeal")
    assert [c.label for c in replies[-1].choices] == ["Appeal in writing (Policy 9.2)",
                                                      "My concerns are resolved: close it"]
    await trust.say(SAM, "1")
    await trust.say(SAM, "Objective 2: the evidence was not considered")
    await trust.say(SAM, "A union representative")
    replies = await trust.say(SAM, "Pat Okoro")
    assert "Shall I send it to Helen Hart (Headteacher) now?" in replies[-1].text
    assert "• Companion: A union representative" in replies[-1].text
    replies = await trust.say(SAM, "confirm")
    assert "Your written appeal has gone to Helen Hart (Headteacher) (Policy 9.2)" in text_of(replies)
    assert "by Mon 14 Dec 2026 at the latest (Policy 9.5)" in text_of(replies)

    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert (appeal.stage, appeal.written_received_on, appeal.handler_role, appeal.handler_id) == (
        "written", date(2026, 11, 23), "headteacher", trust.ids[HELEN])
    assert (appeal.companion_kind, appeal.companion_name) == ("union_rep", "Pat Okoro")
    [to_helen] = await outbox(trust, HELEN)
    assert (to_helen.kind, to_helen.clause, to_helen.action) == ("appeal_hearing_deadline", "9.5", "appeal")
    assert "by Mon 14 Dec 2026" in to_helen.body and "never by the reviewer (Policy 9.3)" in to_helen.body
    assert "named a union representative: Pat Okoro" in to_helen.body
    changes = [e.detail.get("event") for e in await trust.app.repos.audit.audit_events(trust.ids[SAM])
               if e.record_type == "appeal" and e.action == "change"]
    assert set(changes) == {"informal_raised", "written_appeal"}


async def test_within_ten_days_a_written_appeal_waits_for_the_informal_step(trust: Trust):
    await trust.deliver_report(SAM, date(2026, 11, 20))
    replies = await trust.app.engine.start(await trust.app.repos.people.context(trust.ids[SAM]), "appeal_written",
                                           _inbound(SAM))
    assert "Policy 9.1 asks you first to raise your concerns with Priya Shah directly, by Mon 30 Nov 2026" \
        in text_of(replies)
    assert await trust.app.repos.appeals.appeals_of(trust.ids[SAM]) == []


async def test_after_ten_days_it_says_so_kindly_and_still_allows_a_written_appeal(trust: Trust):
    await trust.deliver_report(SAM, date(2026, 11, 2))
    replies = await trust.say(SAM, "appeal")
    assert "the 10 days for sorting it out informally with Priya Shah ended on Thu 12 Nov 2026 (Policy 9.1)" \
        in replies[-1].text
    assert "That's okay: you can still appeal in writing (Policy 9.2)" in replies[-1].text
    assert [c.value for c in replies[-1].choices] == ["written", "concerns"]
    replies = await written_appeal(trust, SAM)
    assert "Helen Hart (Headteacher)" in text_of(replies)


async def test_a_colleague_reporting_to_the_headteacher_appeals_to_the_chair_of_governors(trust: Trust):
    await trust.deliver_report(PRIYA, date(2026, 11, 2))
    replies = await written_appeal(trust, PRIYA)
    assert ("Your written appeal has gone to Colin Chambers (Chair of Governors) (Policy 9.3). Colin Chambers "
            "(Chair of Governors) will arrange for a panel drawn from the Local Governing Body to hear it") \
        in text_of(replies)
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[PRIYA])
    assert (appeal.handler_role, appeal.handler_id) == ("chair_of_governors", trust.ids[COLIN])
    assert [r.kind for r in await outbox(trust, COLIN)] == ["appeal_hearing_deadline"]

    # Helen reviewed Priya: she is refused as the hearer (9.3) and told who arranges it
    replies = await trust.say(HELEN, "appeal")
    assert "Policy 9.3: the reviewer cannot hear an appeal against their own review" in text_of(replies)
    assert "This appeal went to Colin Chambers" in text_of(replies)
    # the chair arranges it
    replies = await trust.say(COLIN, "appeal")
    assert "When will Priya Shah's appeal hearing be? It must be by Mon 14 Dec 2026" in replies[-1].text
    await trust.say(COLIN, "10/12/2026 16:00")
    await trust.say(COLIN, "Governors' room")
    replies = await trust.say(COLIN, "confirm")
    assert "Booked: Priya Shah's appeal hearing on Thu 10 Dec 2026, 16:00" in text_of(replies)
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[PRIYA])
    assert appeal.stage == "hearing_scheduled" and appeal.hearing_by_id == trust.ids[COLIN]
    assert appeal.hearing_at == datetime(2026, 12, 10, 16, 0, tzinfo=LONDON)


async def test_a_central_colleague_appeals_to_a_more_senior_executive_leader(trust: Trust):
    await trust.deliver_report(IAN, date(2026, 11, 2))
    replies = await trust.say(IAN, "appeal")
    replies = await trust.say(IAN, "Appeal in writing")
    assert "Send your appeal in writing to the Executive Leadership Team member (Policy 9.2)" in text_of(replies)
    await trust.say(IAN, "The budget objective was outside my control")
    await trust.say(IAN, "No one")
    replies = await trust.say(IAN, "confirm")
    assert "gone to Sarah Moore (Executive Leadership Team member) (Policy 9.2)" in text_of(replies)
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[IAN])
    assert (appeal.handler_role, appeal.handler_id) == ("executive_leader", trust.ids[SARAH])
    assert appeal.companion_kind == "" and appeal.companion_name == ""
    # Elaine is Ian's reviewer: she may not hear it
    replies = await trust.say(ELAINE, "appeal")
    if replies[-1].step == "what":
        replies = await trust.say(ELAINE, "Schedule or move an appeal hearing")
    assert "Policy 9.3: the reviewer cannot hear an appeal against their own review" in text_of(replies)
    assert (await trust.app.repos.appeals.appeal(appeal.id)).stage == "written"
    # Sarah, the executive leader above Elaine, arranges it
    replies = await trust.say(SARAH, "appeal")
    if replies[-1].step == "appeal":
        replies = await trust.say(SARAH, "Ian Finch")
    assert "When will Ian Finch's appeal hearing be?" in replies[-1].text
    await trust.say(SARAH, "02/12/2026 11:00")
    await trust.say(SARAH, "Trust office, room 1")
    replies = await trust.say(SARAH, "confirm")
    assert "Booked: Ian Finch's appeal hearing on Wed 02 Dec 2026, 11:00" in text_of(replies)


async def test_a_hearing_past_15_working_days_is_refused_across_christmas_2026(trust: Trust):
    """Received Monday 14 December 2026: 15 working days, skipping Christmas Day (Fri 25), the Boxing
    Day substitute (Mon 28 Dec) and New Year's Day (Fri 1 Jan), end on Thursday 7 January 2027."""
    await trust.deliver_report(SAM, date(2026, 11, 20))
    trust.set_now(datetime(2026, 12, 14, 9, 0))
    await written_appeal(trust, SAM)
    [to_helen] = await outbox(trust, HELEN)
    assert "hearing by Thu 07 Jan 2027" in to_helen.subject

    replies = await trust.say(HELEN, "appeal")
    assert "It must be by Thu 07 Jan 2027: within 15 working days of receiving the appeal on Mon 14 Dec 2026" \
        in replies[-1].text
    replies = await trust.say(HELEN, "08/01/2027 10:00")
    assert replies[0].clause == "9.5"
    assert replies[0].text == ("Policy 9.5: the hearing must be held within 15 working days of receiving the written "
                               "appeal (received Mon 14 Dec 2026), so the last valid date is Thu 07 Jan 2027. "
                               "Please choose that date or earlier.")
    replies = await trust.say(HELEN, "25/12/2026 10:00")
    assert "Fri 25 Dec 2026 is a bank holiday (Christmas Day)" in replies[0].text
    replies = await trust.say(HELEN, "28/12/2026 10:00")
    assert "Mon 28 Dec 2026 is a bank holiday" in replies[0].text
    replies = await trust.say(HELEN, "11/12/2026 10:00")
    assert "That time has already passed" in replies[0].text
    replies = await trust.say(HELEN, "next Tuesday-ish")
    assert "I couldn't read that as a date and time" in replies[0].text
    assert (await trust.app.repos.appeals.appeals_of(trust.ids[SAM]))[0].hearing_at is None  # nothing stored yet
    replies = await trust.say(HELEN, "07/01/2027 14:00")
    assert "Where will it be held?" in replies[-1].text
    await trust.say(HELEN, "Meeting room 2")
    replies = await trust.say(HELEN, "confirm")
    assert "Booked: Sam Patel's appeal hearing on Thu 07 Jan 2027, 14:00" in text_of(replies)

    notice = [r for r in await outbox(trust, SAM) if r.subject.startswith("Your appeal hearing")][0]
    assert notice.kind == "appeal_hearing_deadline"
    assert "You have the right to be accompanied by a union representative or a work colleague (Policy 9.4)" \
        in notice.body
    assert "Pat Okoro will come with you" in notice.body and "Meeting room 2" in notice.body

    # the hearing can be moved, still within the 15 working days
    replies = await trust.say(HELEN, "appeal")
    assert [c.label for c in replies[-1].choices] == ["Schedule or move an appeal hearing (Policy 9.5)",
                                                      "Record the outcome of a hearing"]
    replies = await trust.say(HELEN, "Schedule or move")
    assert "The hearing is booked for Thu 07 Jan 2027, 14:00." in replies[-1].text
    replies = await trust.say(HELEN, "11/01/2027 14:00")
    assert "the last valid date is Thu 07 Jan 2027" in replies[0].text
    await trust.say(HELEN, "06/01/2027 09:30")
    await trust.say(HELEN, "Meeting room 2")
    await trust.say(HELEN, "confirm")
    moved = [r for r in await outbox(trust, SAM) if r.subject.startswith("Your appeal hearing has moved")]
    assert len(moved) == 1 and "it is now on Wed 06 Jan 2027, 09:30" in moved[0].body

    # the outcome waits for the hearing, then goes to Sam in writing
    await trust.say(HELEN, "appeal")
    replies = await trust.say(HELEN, "Record the outcome")
    assert "Please record the outcome after the hearing" in text_of(replies)
    trust.set_now(datetime(2027, 1, 7, 16, 0))
    replies = await trust.say(HELEN, "appeal")
    assert "What did you decide on Sam Patel's appeal?" in replies[-1].text
    await trust.say(HELEN, "Appeal partly upheld")
    await trust.say(HELEN, "Objective 2 is re-rated Partially Met.")
    replies = await trust.say(HELEN, "confirm")
    assert "Recorded: appeal partly upheld" in text_of(replies)
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert (appeal.stage, appeal.decided_on) == ("decided", date(2027, 1, 7))
    assert appeal.outcome.startswith("Appeal partly upheld. Objective 2")
    assert any("The outcome of your appeal" in r.subject for r in await outbox(trust, SAM))


async def test_concerns_resolved_informally_close_the_matter(trust: Trust):
    await trust.deliver_report(SAM, date(2026, 11, 20))
    await trust.say(SAM, "appeal")
    await trust.say(SAM, "I'd like my rating looked at again")
    await trust.say(SAM, "confirm")
    await trust.say(SAM, "appeal")
    replies = await trust.say(SAM, "My concerns are resolved")
    assert "I'm glad it's sorted" in text_of(replies)
    [appeal] = await trust.app.repos.appeals.appeals_of(trust.ids[SAM])
    assert appeal.stage == "withdrawn"
    assert any(r.kind == "informal_resolution" and "resolved" in r.subject for r in await outbox(trust, PRIYA))


async def test_someone_with_no_review_is_told_kindly(trust: Trust):
    replies = await trust.say(COLIN, "appeal")
    assert "There's no performance management review on record for you yet" in text_of(replies)


def _inbound(email: str):
    from bot.messages import Address, Channel, Inbound

    return Inbound(Address(Channel.CONSOLE, email), "appeal")


async def test_written_appeals_awaiting_a_hearing_can_be_listed_for_reminders(trust: Trust):
    await trust.deliver_report(IAN, date(2026, 11, 2))
    await written_appeal(trust, IAN, companion=("No one",))
    waiting = await trust.app.repos.appeals.appeals_at_stage(["written"])
    assert [a.colleague_id for a in waiting] == [trust.ids[IAN]]
    assert await trust.app.repos.appeals.appeals_at_stage(["decided"]) == []
