"""Reminders reach people in their Slack DM, and Slack's rate limits are honoured (Retry-After)."""

from __future__ import annotations

import time

import pytest

from bot.delivery import DeliveryError
from bot.messages import Reply
from tests.slack.conftest import Slack

NUDGE = Reply("Your planning meeting is on Thursday 3 December. Say prep to get ready.", clause="5.1")


async def sam(slack: Slack):  # noqa: ANN201
    person = await slack.app.repos.people.person_by_email("sam.patel@hillside.example")
    assert person is not None
    return person


async def test_a_short_rate_limit_is_tried_again_after_retry_after_and_the_reminder_arrives_once(slack: Slack) -> None:
    """Slack answers Sam's reminder 429 twice (Retry-After 0): no worker sleeps on it inside the send;
    the dispatcher keeps the row, sends again when Slack allows, and the outbox counts three tries."""
    from bot.scheduler.dispatcher import Dispatcher
    from store.models import Reminder

    person = await sam(slack)
    await slack.app.repos.outbox.enqueue(Reminder(
        dedupe_key="test:slack:short-429", kind="prep_nudge", recipient_id=person.id, clause="5.1",
        due_at=slack.app.clock.now(), subject="Prepare for your planning meeting", body=NUDGE.text, action="prep"))
    slack.api.fail("chat.postMessage", 429, times=2, retry_after="0")
    started = time.monotonic()
    first = await Dispatcher(slack.app, worker_id="test-worker").drain(max_ticks=20)
    assert (first.sent, first.retried, first.held) == (1, 2, 0)
    assert len(slack.api.called("chat.postMessage")) == 3  # two 429s, then delivered
    assert slack.api.text_of("D0SAM").count("Prepare for your planning meeting") == 3  # every attempt is recorded
    [row] = [r for r in await slack.app.repos.outbox.reminders(status=None) if r.dedupe_key == "test:slack:short-429"]
    assert (row.status, row.attempts) == ("sent", 3)
    assert time.monotonic() - started < 20


async def test_a_long_rate_limit_goes_back_to_the_dispatcher_with_retry_after(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", 429, retry_after="120")
    with pytest.raises(DeliveryError) as raised:
        await slack.app.channels["slack"].deliver(await sam(slack), NUDGE)
    assert raised.value.retry_after == 120 and not raised.value.permanent
    assert len(slack.api.called("chat.postMessage")) == 1  # no busy-waiting on Slack


async def test_a_rate_limit_that_persists_is_reported_with_its_retry_after(slack: Slack) -> None:
    slack.api.fail("conversations.open", 429, times=5, retry_after="1")
    with pytest.raises(DeliveryError) as raised:
        await slack.app.channels["slack"].deliver(await sam(slack), NUDGE)
    assert raised.value.retry_after == 1
    assert len(slack.api.called("conversations.open")) == 3  # first try and two retries


async def test_a_slack_outage_is_a_retryable_delivery_error(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", 500)
    with pytest.raises(DeliveryError) as raised:
        await slack.app.channels["slack"].deliver(await sam(slack), NUDGE)
    assert raised.value.retry_after is None and not raised.value.permanent


async def test_someone_without_slack_is_not_reachable_there(slack: Slack) -> None:
    evan = await slack.app.repos.people.person_by_email("evan.black@hillside.example")
    channel = slack.app.channels["slack"]
    assert not await channel.can_reach(evan)
    with pytest.raises(DeliveryError) as raised:
        await channel.deliver(evan, NUDGE)
    assert raised.value.permanent
    assert slack.api.called("chat.postMessage") == []


async def test_an_answer_in_conversation_survives_a_short_rate_limit(slack: Slack) -> None:
    slack.api.fail("chat.postMessage", 429, retry_after="0")
    await slack.say("U0SAM", "checkin")
    assert "How are you feeling" in slack.api.text_of("D0SAM")


async def test_the_reminder_dispatcher_sends_through_slack_and_waits_out_a_long_retry_after(slack: Slack) -> None:
    """A real reminder row, the real dispatcher: Slack says 429 Retry-After 120, so the reminder waits at
    least two minutes, then arrives in Sam's DM with its clause and a button that does what it asks."""
    from datetime import timedelta

    from bot.scheduler.dispatcher import Dispatcher
    from store.models import Reminder

    person = await sam(slack)
    now = slack.app.clock.now()
    await slack.app.repos.outbox.enqueue(Reminder(
        dedupe_key="test:slack:prep", kind="prep_nudge", recipient_id=person.id, clause="5.1", due_at=now,
        subject="Prepare for your planning meeting", body="Your meeting is on Thursday: say prep to get ready.",
        action="prep"))
    slack.api.fail("chat.postMessage", 429, retry_after="120")
    # Slack's two minutes pass on the test's clock: the pacer, which learns the Retry-After too, reads it
    slack.app.channels["slack"].pacer.now = lambda: slack.app.clock.now().timestamp()
    dispatcher = Dispatcher(slack.app, worker_id="test-worker")
    first = await dispatcher.tick()
    assert first.retried == 1 and first.sent == 0
    [row] = [r for r in await slack.app.repos.outbox.reminders(status=None) if r.dedupe_key == "test:slack:prep"]
    assert row.status == "pending" and row.due_at >= now + timedelta(seconds=120)

    slack.app.clock.advance(timedelta(minutes=3))
    second = await dispatcher.tick()
    assert second.sent == 1
    [row] = [r for r in await slack.app.repos.outbox.reminders(status=None) if r.dedupe_key == "test:slack:prep"]
    assert row.status == "sent" and row.channel == "slack"
    dm = slack.api.text_of("D0SAM")
    assert "Prepare for your planning meeting" in dm and "5.1" in dm and "[Prepare]" in dm

    # the button does what the reminder asks: Sam's preparation starts
    await slack.click("U0SAM", slack.button("U0SAM", "Prepare"))
    assert "Have you achieved the objectives set?" in slack.api.text_of("D0SAM")
