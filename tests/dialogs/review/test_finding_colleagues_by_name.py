"""A headteacher names anyone in her academy (Policy 10.1): “status Sam” finds Sam Patel, who reports
to Priya, not to Helen; a shared name lists the matches; an unknown one says what to type next."""

from __future__ import annotations

from bot.app import App
from store.models import Person
from tests.dialogs.review.conftest import CHRIS, HELEN, PRIYA, SAM, Say, person_id, text_of


async def _add_colleague(app: App, name: str, email: str, like: str) -> None:
    """A second colleague in the same academy as ``like`` (a new starter on the roster)."""
    other = await app.repos.people.person_by_email(like)
    assert other is not None
    await app.repos.people.save_person(Person(name=name, email=email, job_title="Teaching Assistant",
                               organisation_id=other.organisation_id))


async def test_helen_finds_sam_by_name_though_he_reports_to_priya(demo_app: App, say: Say) -> None:
    reply = text_of(await say(HELEN, "status Sam"))
    assert reply.startswith("Sam Patel\n") and "Stage:" in reply and "Next:" in reply
    sam = await person_id(demo_app, SAM)
    helen = await person_id(demo_app, HELEN)
    assert any(e.actor_id == helen and e.action == "read" and e.record_type == "review"
               for e in await demo_app.repos.audit.audit_events(sam))
    # the surname and the full name work as well as the email
    assert text_of(await say(HELEN, "status patel")).startswith("Sam Patel\n")
    assert text_of(await say(HELEN, "status sam patel")).startswith("Sam Patel\n")


async def test_a_shared_first_name_lists_the_matches_with_what_to_type(demo_app: App, say: Say) -> None:
    await _add_colleague(demo_app, "Sam Okafor", "sam.okafor@hillside.example", SAM)
    reply = text_of(await say(HELEN, "status sam"))
    assert "More than one colleague matches “sam”" in reply
    assert "• Sam Okafor (sam.okafor@hillside.example)" in reply and "• Sam Patel (sam.patel@hillside.example)" in reply
    assert "“status sam.okafor@hillside.example”" in reply and "Policy 10.1" in reply
    # the full name settles it
    assert text_of(await say(HELEN, "status Sam Patel")).startswith("Sam Patel\n")


async def test_an_unknown_name_says_what_to_type_next(say: Say) -> None:
    reply = text_of(await say(HELEN, "status Zebedee"))
    assert "couldn't find a colleague of yours called “Zebedee”" in reply
    assert "among the colleagues whose records you can see" in reply
    assert "email address" in reply and "say status on its own" in reply and "Policy 10.1" in reply


async def test_a_line_manager_still_only_finds_her_own_team(say: Say) -> None:
    # Priya manages Sam; Chris reports to Mark, so his name means nothing to her (Policy 10.1)
    assert text_of(await say(PRIYA, "status sam")).startswith("Sam Patel\n")
    reply = text_of(await say(PRIYA, "status chris"))
    assert "couldn't find a colleague of yours called “chris”" in reply
    assert "among the colleagues you review or manage" in reply
    assert "Chris Wood" not in reply
    # an email is looked up, then refused (Policy 10.1)
    assert "only see the reviews of colleagues you review or manage" in text_of(await say(PRIYA, f"status {CHRIS}"))


async def test_helen_opens_a_manager_dialog_by_name_for_someone_outside_her_own_team(say: Say) -> None:
    # Helen may manage anyone in her academy (Policy 4.1, 10.1): “schedule sam” starts booking for Sam Patel
    reply = text_of(await say(HELEN, "schedule sam"))
    assert "Booking a meeting with Sam Patel" in reply
    await say(HELEN, "cancel")
    ambiguous = text_of(await say(HELEN, "prep s"))
    assert "More than one colleague matches “s”" in ambiguous and "“prep " in ambiguous
