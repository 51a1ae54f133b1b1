"""Every dialog validator, fed whatever a person might type, answers with None or a clear message.

Each dialog is prepared for real people of the demo trust (a colleague for their own dialogs, their
line manager or head for the ones about a colleague), its steps are listed from that context, and
each step with a validator gets the reply parsed as the engine parses it, then validated. A
validator may refuse; it may not raise.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dialogs.answers import parse_answer
from bot.dialogs.base import Ctx, Dialog, Step
from bot.dialogs.errors import Refusal
from bot.dialogs.registry import all_dialogs
from bot.messages import Channel
from tests.badinput.conftest import BOUNDED, Demo
from tests.badinput.strategies import answers
from tests.conftest import TODAY

# (speaker, subject) pairs tried in turn until a dialog's prepare accepts one
PAIRS = (("sam.patel@hillside.example", None), ("priya.shah@hillside.example", "sam.patel@hillside.example"),
         ("helen.hart@hillside.example", "priya.shah@hillside.example"),
         ("helen.hart@hillside.example", "sam.patel@hillside.example"),
         ("mark.lee@hillside.example", "alex.green@hillside.example"),
         ("mark.lee@hillside.example", "chris.wood@hillside.example"), ("jo.brown@hillside.example", None),
         ("ravi.singh@riverside.example", "lucy.moss@riverside.example"))


def _choices(step: Step, ctx: Ctx) -> tuple[Any, ...]:
    return step.choices(ctx) if callable(step.choices) else step.choices


async def _contexts(demo: Demo, dialog: Dialog) -> list[Ctx]:
    repos = demo.app.repos
    out = []
    for speaker, about in PAIRS:
        person = await repos.people.context((await repos.people.person_by_email(speaker)).id)
        subject = await repos.people.context((await repos.people.person_by_email(about)).id) if about else person
        data: dict[str, Any] = {}
        if dialog.prepare is not None:
            try:
                prepared = await dialog.prepare(demo.app.services, person, subject)
            except Refusal:
                continue
            if isinstance(prepared, str):
                continue
            data = prepared
        out.append(Ctx(answers={}, data=data, person=person, subject=subject, today=TODAY.date(),
                       now=TODAY, channel=Channel.CONSOLE))
    return out


async def _planning_meeting_held(demo: Demo) -> None:
    """Chris Wood's planning meeting is held, so that objectives may be set for him (Policy 3.2) and the
    objective dialog's validators are reached from scratch."""
    from tests.dialogs.review.conftest import CHRIS, held_meeting

    chris = await demo.app.repos.people.person_by_email(CHRIS)
    review = await demo.app.repos.reviews.current_review(chris.id)  # type: ignore[union-attr]
    if not any(m.status == "held" for m in await demo.app.repos.reviews.meetings_for(review.id)):  # type: ignore[union-attr,arg-type]
        await held_meeting(demo.app, CHRIS)


def validated_steps(demo: Demo) -> list[tuple[str, Step, Ctx]]:
    async def collect() -> list[tuple[str, Step, Ctx]]:
        await _planning_meeting_held(demo)
        found = []
        for dialog in all_dialogs():
            for ctx in await _contexts(demo, dialog):
                for step in dialog.steps_for(ctx):
                    if step.validate is not None:
                        found.append((dialog.id, step, ctx))
        return found

    return demo.run(collect())


def test_the_validators_reached_cover_the_dialogs_that_have_them(demo: Demo) -> None:
    reached = {(dialog_id, step.key) for dialog_id, step, _ in validated_steps(demo)}
    dialogs = {dialog_id for dialog_id, _ in reached}
    assert len(reached) >= 5 and {"schedule_meeting", "objectives"} <= dialogs, sorted(reached)


@pytest.fixture(scope="module")
def steps(demo: Demo) -> list[tuple[str, Step, Ctx]]:
    return validated_steps(demo)


@BOUNDED
@given(data=st.data(), raw=answers)
def test_any_reply_to_a_validated_step_is_accepted_or_refused_with_a_message(steps, demo: Demo, data, raw: str) -> None:
    dialog_id, step, ctx = data.draw(st.sampled_from(steps), label="step")
    parsed = parse_answer(step.kind, raw, _choices(step, ctx), max_length=step.max_length, today=ctx.today)
    if not parsed.ok:
        return
    problem = step.validate(parsed.value, ctx)  # type: ignore[misc]
    assert problem is None or (isinstance(problem, str) and problem.strip()), (dialog_id, step.key, problem)


@BOUNDED
@given(data=st.data(), when=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 12, 31)))
def test_any_date_or_time_is_accepted_or_refused_with_a_message(steps, data, when: datetime) -> None:
    from bot.messages import PromptKind

    dated = [s for s in steps if s[1].kind in (PromptKind.DATE, PromptKind.DATETIME)]
    dialog_id, step, ctx = data.draw(st.sampled_from(dated), label="step")
    value = when.date().isoformat() if step.kind == PromptKind.DATE else when.replace(microsecond=0).isoformat()
    problem = step.validate(value, ctx)  # type: ignore[misc]
    assert problem is None or (isinstance(problem, str) and problem.strip()), (dialog_id, step.key, problem)
