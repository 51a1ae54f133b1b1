"""Long forms as modals, the colleague's preparation in DMs, the App Home, and files in the DM."""

from __future__ import annotations

from datetime import timedelta

from bot.policy.questions import COLLEAGUE_QUESTIONS
from store.models import Reminder
from tests.dialogs.review.conftest import CHRIS, held_meeting
from tests.slack.conftest import SAM, Slack, buttons, render

MARK, PRIYA = "U0MARK", "U0PRIYA"
GOOD = ("Answer the school office phone and email within agreed times, logging every enquiry on the new system",
        "95% of enquiries answered within one working day, measured monthly from the log")


def inputs(view: dict) -> list[str]:
    return [b["block_id"] for b in view["blocks"] if b["type"] == "input"]


async def test_mark_sets_an_objective_for_chris_in_modals_and_a_stale_form_changes_nothing(slack: Slack) -> None:
    slack.api.users.update({MARK: "mark.lee@hillside.example"})
    await held_meeting(slack.app, CHRIS)  # objectives follow the planning meeting (3.2)
    status, _ = await slack.command(MARK, "objectives chris", channel_id="D0MARK")
    assert status == 200
    [opened] = slack.api.called("views.open")
    assert opened["trigger_id"] == "1111111111.2222222222.trigger0cmd"  # the slash command's own trigger
    first = opened["view"]
    assert first["type"] == "modal" and first["callback_id"] == "cadence_form" and len(first["title"]["text"]) <= 24
    assert inputs(first) == ["o1_text", "o1_criteria", "o1_due"]
    due = next(b for b in first["blocks"] if b.get("block_id") == "o1_due")
    assert due["element"]["type"] == "datepicker"
    # the DM says what is happening and keeps a way back to the form
    dm = slack.api.text_of("D0MARK")
    assert "Objectives for Chris Wood" in dm and "[Open the form" in dm

    # a missing field and a bad date: what was valid is kept, the rest is asked again in a new modal
    await slack.submit(MARK, first, {"o1_text": GOOD[0], "o1_criteria": "", "o1_due": None})
    assert "Success criteria: this one is needed" in slack.api.text_of("D0MARK")
    second = slack.api.called("views.open")[-1]
    assert second["trigger_id"] == "1111111111.2222222222.trigger0view"  # the submission's trigger
    assert inputs(second["view"]) == ["o1_criteria", "o1_due"]

    await slack.submit(MARK, second["view"], {"o1_criteria": GOOD[1], "o1_due": "2027-07-31"})
    third = slack.api.called("views.open")[-1]["view"]
    assert inputs(third) == ["o1_support", "o1_kinds", "o1_milestones"]

    # the first modal, submitted again (a double click, a second tab), is recognised as stale
    await slack.submit(MARK, first, {"o1_text": "Something else", "o1_criteria": "x", "o1_due": "2027-01-01"})
    assert "earlier message" in slack.api.text_of("D0MARK")
    from sqlmodel import select

    from store.models import DialogSession

    async with slack.app.db.session() as s:
        session = (await s.exec(select(DialogSession).where(DialogSession.dialog_id == "objectives"))).one()
    assert session.state["answers"]["o1_text"] == GOOD[0] and session.state["answers"]["o1_due"] == "2027-07-31"

    # closed the modal by mistake? The button in the DM opens the current form again
    opens = len(slack.api.called("views.open"))
    await slack.click(MARK, slack.button(MARK, "Open the form: Objective setting"))
    assert len(slack.api.called("views.open")) == opens + 1
    assert inputs(slack.api.called("views.open")[-1]["view"]) == ["o1_support", "o1_kinds", "o1_milestones"]


async def test_sam_prepares_for_his_meeting_in_dms(slack: Slack) -> None:
    await slack.say(SAM, "prep")
    assert "Have you achieved the objectives set?" in slack.api.text_of("D0SAM")
    for i in range(len(COLLEAGUE_QUESTIONS)):
        await slack.say(SAM, f"Answer {i + 1}" if i % 3 == 0 else "skip")
    last = slack.last_message(SAM)
    assert "reviewer to see these answers" in render(last["blocks"])
    assert buttons(last), "sharing is a choice: buttons"
    await slack.click(SAM, buttons(last)[0])
    assert "8 of 23 questions answered" in slack.api.text_of("D0SAM")
    review = await slack.app.repos.reviews.current_review((await slack.app.repos.people.person_by_email("sam.patel@hillside.example")).id)
    saved = await slack.app.repos.forms.preparation_answers(review.id, "colleague")
    assert [a.answer for a in saved][:2] == ["Answer 1", "Answer 4"] and len(saved) == 8
    events = [e for e in await slack.app.repos.audit.audit_events(review.colleague_id) if e.record_type == "preparation"]
    assert events and events[0].actor_identity.startswith("slack:U0SAM")


async def test_the_app_home_shows_sams_cycle_and_starts_what_is_due(slack: Slack) -> None:
    sam = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    await slack.app.repos.outbox.enqueue(Reminder(
        dedupe_key="test:prep-nudge", kind="prep_nudge", recipient_id=sam.id, clause="5.1",
        due_at=slack.app.clock.now() + timedelta(days=2), subject="Prepare for your planning meeting",
        body="Your planning meeting is coming up: say prep to get ready.", action="prep"))
    assert await slack.open_home(SAM) == 200
    [published] = slack.api.called("views.publish")
    assert published["user_id"] == SAM and published["view"]["type"] == "home"
    home = render(published["view"]["blocks"])
    assert "Hi Sam" in home and "Planning meeting booked" in home and "Priya Shah" in home
    assert "0 of 23 questions answered" in home
    assert "Next:" in home and "(Policy 5.1)" in home
    assert "Objectives: none agreed yet" in home
    assert "[Prepare for my review]" in home and "[Check in]" in home
    assert len(published["view"]["blocks"]) <= 100

    prepare = next(b for b in buttons({"blocks": published["view"]["blocks"]}) if b["text"]["text"] == "Check in")
    await slack.click_home(SAM, prepare)
    assert slack.api.called("conversations.open")[-1]["users"] == SAM
    assert "How are you feeling this week" in slack.api.text_of("D0SAM")


async def test_someone_unknown_opening_the_app_home_sees_the_refusal_and_no_data(slack: Slack) -> None:
    await slack.open_home("U0STRANGER")
    [published] = slack.api.called("views.publish")
    home = render(published["view"]["blocks"])
    assert "don't recognise your Slack account" in home and "Stage" not in home


async def test_files_a_reply_carries_are_uploaded_into_the_dm(slack: Slack) -> None:
    """``export`` uploads the document to the person's DM (files.getUploadURLExternal, upload, complete)."""
    from bot.dialogs.router import Command
    from bot.messages import Attachment, Reply

    router = slack.app.engine.registry.router
    if not slack.app.engine.registry.has("export"):  # until the export dialog lands: the same Reply shape
        async def export(engine, person, argument, inbound):  # noqa: ANN001, ANN202
            from bot.documents.exports import export_form

            attachment = await export_form(engine.repos, person, person.id, fmt="md")
            return [Reply("Here is your Planning & Review Form (Policy 10.2).", attachments=(attachment,))]

        router.commands["export"] = Command("export", "your form", handler=export)
    before = set(slack.api.uploads)
    status, _ = await slack.command("U0JO", "export", channel_id="D0JO")
    assert status == 200
    for _ in range(6):  # the export dialog, once landed, may ask a question or two: take the first offer
        if set(slack.api.uploads) - before or not buttons(slack.last_message("U0JO")):
            break
        await slack.click("U0JO", buttons(slack.last_message("U0JO"))[0])
    new = set(slack.api.uploads) - before
    assert len(new) == 1
    [complete] = slack.api.called("files.completeUploadExternal")
    assert complete["channel_id"] == "D0JO"
    content = slack.api.uploads[new.pop()]
    if content.startswith(b"PK"):  # the export dialog sends DOCX by default: read it as Word would
        import io

        import docx

        content = "\n".join(c.text for t in docx.Document(io.BytesIO(content)).tables
                            for r in t.rows for c in r.cells).encode()
    assert b"Jo Brown" in content
    assert "Form" in slack.api.text_of("D0JO")
    assert Attachment


async def test_when_slack_cannot_open_the_form_the_button_in_the_dm_still_can(slack: Slack) -> None:
    slack.api.users.update({MARK: "mark.lee@hillside.example"})
    slack.api.fail("views.open", 500)
    await held_meeting(slack.app, CHRIS)
    await slack.command(MARK, "objectives chris", channel_id="D0MARK")
    assert "[Open the form: Objective setting]" in slack.api.text_of("D0MARK")
    await slack.click(MARK, slack.button(MARK, "Open the form: Objective setting"))
    assert inputs(slack.api.called("views.open")[-1]["view"]) == ["o1_text", "o1_criteria", "o1_due"]


async def test_the_headteachers_app_home_adds_the_academy_overview(slack: Slack) -> None:
    from tests.slack.conftest import HELEN

    await slack.open_home(HELEN)
    [published] = slack.api.called("views.publish")
    home = render(published["view"]["blocks"])
    assert "Hi Helen" in home
    assert "Co-op Academy Hillside:" in home and "colleagues" in home and "overdue" in home
    assert "Sam Patel" in home  # progress only: the overview never shows review content (Policy 10.1)
    assert len(published["view"]["blocks"]) <= 100


def test_an_overview_larger_than_a_home_says_how_much_more_there_is() -> None:
    from bot.dialogs.status import HomeSummary
    from bot.handlers.slack import blocks
    from bot.messages import Card, Reply

    big = Reply("Trust", card=Card("Trust: 2,000 colleagues", tuple((f"Colleague {i}", "planning")
                                                                     for i in range(2000))))
    view = blocks.home_view(HomeSummary("Sarah", False), [big])
    assert len(view["blocks"]) == 100
    note = render(view["blocks"])
    shown = sum(1 for i in range(2000) if f"Colleague {i}*" in str(view["blocks"]))
    assert f"and {2000 - shown} more lines than fit here" in note
