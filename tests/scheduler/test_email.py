"""Email reminders through a real SMTP conversation with a local aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.delivery import DeliveryError
from bot.handlers.email import register
from bot.handlers.email.deliverer import EmailDeliverer, SmtpConfig
from bot.scheduler.dispatcher import Dispatcher
from store.models import Reminder


@dataclass
class Inbox:
    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,  # noqa: N802
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_the_smtp_url_is_read_with_clear_errors():
    cfg = SmtpConfig.from_url("smtps://cadence%40trust.example:s3cret@mail.example:465")
    assert (cfg.host, cfg.port, cfg.username, cfg.password, cfg.use_tls) == (
        "mail.example", 465, "cadence@trust.example", "s3cret", True)
    assert SmtpConfig.from_url("smtp://127.0.0.1:2525?starttls=true").start_tls
    with pytest.raises(ValueError, match="smtp://host:25"):
        SmtpConfig.from_url("http://mail.example")


async def test_a_colleague_with_no_chat_account_gets_the_reminder_by_email(demo_app, smtp, clock):
    inbox, port = smtp
    demo_app.settings.smtp_url = f"smtp://127.0.0.1:{port}"
    demo_app.settings.mail_from = "cadence@trust.example"
    assert register(demo_app) is True
    alex = await demo_app.repos.people.person_by_email("alex.green@hillside.example")
    await demo_app.repos.outbox.enqueue(Reminder(
        dedupe_key="email:1", kind="signoff_request", recipient_id=alex.id, due_at=clock.now(), clause="Annex 1",
        subject="Please sign the planning form",
        body="The planning part of your Planning & Review Form is ready to sign. Type signoff to read it and sign. "
             "(Policy Annex 1)", action="signoff"))
    stats = await Dispatcher(demo_app, worker_id="w").tick()
    assert stats.sent == 1
    [(to, message)] = inbox.messages
    assert to == ["alex.green@hillside.example"]
    assert message["Subject"] == "Please sign the planning form"
    assert message["From"] == "cadence@trust.example"
    body = message.get_payload(decode=True).decode()
    assert "Policy Annex 1" in body and "“signoff”" in body
    row = (await demo_app.repos.outbox.reminders_by_keys(["email:1"]))["email:1"]
    assert (row.status, row.channel) == ("sent", "email")


async def test_a_refused_address_is_a_permanent_failure_and_a_dead_server_is_retried(demo_app, smtp):
    inbox, port = smtp
    inbox.refuse.add("alex.green@hillside.example")
    alex = await demo_app.repos.people.person_by_email("alex.green@hillside.example")
    deliverer = EmailDeliverer(SmtpConfig.from_url(f"smtp://127.0.0.1:{port}?timeout=5"), "cadence@trust.example")
    from bot.messages import Reply

    with pytest.raises(DeliveryError) as refused:
        await deliverer.deliver(alex, Reply(text="Hello"))
    assert refused.value.permanent
    closed = EmailDeliverer(SmtpConfig.from_url(f"smtp://127.0.0.1:{free_port()}?timeout=2"), "c@trust.example")
    with pytest.raises(DeliveryError) as down:
        await closed.deliver(alex, Reply(text="Hello"))
    assert not down.value.permanent


def test_no_smtp_url_means_no_email_channel(app):
    assert register(app) is False and "email" not in app.channels
