"""Every card Cadence can send validates against Adaptive Card 1.5 and fits in a Teams message."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.handlers.teams import cards
from bot.messages import Address, Card, Channel, Choice, Form, FormField, Inbound, PromptKind, Reply
from tests.teams.conftest import SCHEMA_DIR, people_of

SCHEMA_FILE = SCHEMA_DIR / "adaptive-card-1.5.json"


def load_schema(path: Path, ci: str | None) -> dict[str, Any]:
    """The schema; without it the card tests skip on a developer's machine, but fail under CI=true, so a
    checkout missing shared/schemas/ cannot pass CI with the cards unchecked."""
    if not path.exists():
        message = f"Adaptive Card schema not found at {path.resolve()} (shared/ beside the repo)"
        if (ci or "").strip().lower() in ("1", "true", "yes"):
            pytest.fail(message + "; under CI the cards must be checked", pytrace=False)
        pytest.skip(message)
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> Any:
    import jsonschema

    return jsonschema.Draft6Validator(load_schema(SCHEMA_FILE, os.environ.get("CI")))


def test_a_missing_schema_fails_under_ci_and_skips_elsewhere(tmp_path: Path) -> None:
    missing = tmp_path / "adaptive-card-1.5.json"
    with pytest.raises(pytest.fail.Exception, match="under CI"):
        load_schema(missing, "true")
    with pytest.raises(pytest.skip.Exception):
        load_schema(missing, None)


def check(validator: Any, reply: Reply) -> list[dict[str, Any]]:
    """Render a reply; every card must validate and every message must fit under 28 KB."""
    activities = cards.render(reply)
    assert activities, reply
    for activity in activities:
        assert cards.size_of(activity) <= cards.TEAMS_MESSAGE_LIMIT, (cards.size_of(activity), reply.text[:80])
        assert activity.get("text") or activity.get("attachments")
        for card in cards.cards_in(activity):
            errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(card)]
            assert not errors, (errors[:3], reply.text[:80])
    return activities


def in_session(**fields: Any) -> dict[str, Any]:
    return {"session_id": 7, "revision": 3, "step": "q", **fields}


EVERY_KIND_FORM = Form("review:overall", "End of year review", tuple(
    FormField(f"f_{kind.value}", f"A {kind.value.replace('_', ' ')} question", kind, optional=i % 2 == 1,
              choices=(Choice("met", "Met"), Choice("partly", "Partially met"), Choice("not", "Not met"))
              if kind == PromptKind.CHOICE else (),
              initial={"date": "2027-07-16", "datetime": "2027-07-16T15:30", "number": "60"}.get(kind.value, ""))
    for i, kind in enumerate(PromptKind)))


def synthetic_replies() -> Iterator[Reply]:
    yield Reply("Plain text, with a second line.\n• and a bullet", clause="3.3")
    for kind in PromptKind:
        from bot.dialogs.answers import default_choices

        yield Reply(f"A {kind.value} question?", prompt=kind, choices=default_choices(kind), **in_session())
    yield Reply("Who is this for?", prompt=PromptKind.CHOICE, **in_session(),
                choices=tuple(Choice(str(i), f"Colleague number {i} (Teaching Assistant)") for i in range(1, 31)))
    yield Reply("Your review", card=Card("Sam Patel — 2026-27", facts=(("Stage", "Planning"), ("Reviewer", "Priya")),
                                         sections=("Next: book the meeting (Policy 5.3).",)), clause="5.3")
    yield Reply("End of year review: first question", form=EVERY_KIND_FORM, **in_session(), clause="7.1")
    yield Reply("Here's what I can do", choices=(Choice("status", "status"), Choice("prep", "prep")))


@pytest.mark.parametrize("reply", list(synthetic_replies()), ids=lambda r: r.text[:30])
def test_every_prompt_kind_renders_as_a_valid_card(validator, reply):
    assert check(validator, reply)  # at least one activity, each card valid and under 28 KB


def test_a_form_card_has_one_input_per_field_and_one_submit(validator):
    (activity,) = check(validator, Reply("Form", form=EVERY_KIND_FORM, **in_session()))
    (card,) = cards.cards_in(activity)
    types = {e["id"]: e["type"] for e in card["body"] if e["type"].startswith("Input.")}
    assert types == {
        "f_short_text": "Input.Text", "f_long_text": "Input.Text", "f_choice": "Input.ChoiceSet",
        "f_yes_no": "Input.ChoiceSet", "f_date": "Input.Date", "f_datetime": "Input.Date",
        "f_datetime__time": "Input.Time", "f_number": "Input.Number", "f_rating": "Input.ChoiceSet",
        "f_confirm": "Input.Toggle"}
    (submit,) = card["actions"]
    assert submit["data"] == {"cadence": {"form": "review:overall", "session_id": 7, "revision": 3, "step": "q",
                                          "q": "End of year review", "label": "Sent"}}


def test_a_card_too_big_for_one_message_is_split_with_the_buttons_last(validator):
    sections = tuple(f"Objective {i}: " + "evidence of impact on pupils' reading. " * 60 for i in range(40))
    reply = Reply("Your record", card=Card("Sam Patel", sections=sections),
                  choices=(Choice("confirm", "Confirm"), Choice("change", "Go back")), **in_session())
    activities = check(validator, reply)
    assert len(activities) > 2
    assert all("actions" not in card for a in activities[:-1] for card in cards.cards_in(a))
    assert [a["title"] for a in cards.cards_in(activities[-1])[0]["actions"]] == ["Confirm", "Go back"]
    shown = "".join(e["text"] for a in activities for c in cards.cards_in(a) for e in c["body"])
    assert all(f"Objective {i}:" in shown for i in range(40))  # nothing lost in the split


def test_a_long_plain_message_is_split_too(validator):
    activities = check(validator, Reply("\n".join(f"• Reminder {i}: " + "x" * 200 for i in range(300))))
    assert len(activities) > 1 and all("Reminder" in a["text"] for a in activities)


def test_the_answered_card_is_valid_too(validator):
    assert not list(validator.iter_errors(cards.answered("How are you feeling this week?", "4")))


def test_a_broken_card_is_caught_by_the_schema(validator):
    broken = cards.card([{"type": "Input.Toggle", "id": "sign"}], [])  # a toggle needs a title
    assert list(validator.iter_errors(broken))


SCRIPTS = {
    "sam.patel@hillside.example": ["help", "status", "checkin", "4", "skip", "no", "yes", "everything",
                                   "prep", "Phonics group", "back", "help", "pause", "resume", "cancel",
                                   "agenda", "appeal", "cancel", "plan", "cancel", "objectives", "export",
                                   "what's next?"],
    "priya.shah@hillside.example": ["objectives", "Sam", "cancel", "schedule", "1", "cancel", "midyear", "2",
                                    "endyear", "Sam", "plan", "1", "cancel", "prep Sam", "skip", "cancel",
                                    "signoff", "cancel", "status"],
}


async def test_every_reply_of_a_scripted_run_renders_as_valid_cards_under_28kb(validator, demo_app):
    """Colleague and manager conversations through the engine as Teams: each Reply rendered and checked."""
    await people_of(demo_app)
    seen: list[Reply] = []
    for email, script in SCRIPTS.items():
        person = await demo_app.repos.people.person_by_email(email)
        await demo_app.repos.people.link_platform_id(person.id, "teams", f"aad-{person.id}")
        for text in script:
            replies = await demo_app.engine.handle(Inbound(Address(Channel.TEAMS, f"aad-{person.id}"), text=text))
            assert replies, text
            seen += replies
    # the objective form, submitted as a card would submit it
    priya = await demo_app.repos.people.person_by_email("priya.shah@hillside.example")
    started = await demo_app.engine.handle(Inbound(Address(Channel.TEAMS, f"aad-{priya.id}"), text="objectives Sam"))
    seen += started
    assert any(r.form for r in seen), "the scripted run should include a form"
    kinds = {r.prompt for r in seen if r.prompt}
    assert {PromptKind.CHOICE, PromptKind.RATING, PromptKind.YES_NO, PromptKind.LONG_TEXT} <= kinds
    for reply in seen:
        check(validator, reply)


def test_a_reminder_title_is_bold_in_teams_and_asterisks_inside_text_are_left_alone():
    (message,) = cards.render(Reply("*Preparation for your meeting*\nAnswer 2*3 questions (Policy 5.1)"))
    assert message["text"] == "**Preparation for your meeting**\n\nAnswer 2*3 questions (Policy 5.1)"
