"""Email reminders for colleagues with no Slack or Teams account (aiosmtplib).

``CADENCE_SMTP_URL``: ``smtp://[user:password@]host[:port]`` (plain, or STARTTLS with
``?starttls=true``) or ``smtps://…`` (TLS from the first byte). ``CADENCE_MAIL_FROM`` is the sender.
Email is one-way: the message names the command to type in Cadence, since there is no button.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from bot.delivery import DeliveryError, Person
from bot.messages import Channel, Reply

TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    start_tls: bool = False
    timeout: float = 30.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"CADENCE_SMTP_URL must look like smtp://host:25 or smtps://user:pass@host:465 "
                             f"(got {parts.scheme or 'no'} scheme).")
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        tls = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if tls else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   use_tls=tls, start_tls=query.get("starttls", "") in TRUE,
                   timeout=float(query.get("timeout", "30")))


def to_text(reply: Reply) -> str:
    """The plain-text email body: the message, then the command that does what it asks."""
    text = reply.text.replace("*", "")
    if reply.choices:
        words = ", ".join(f"“{c.value}”" for c in reply.choices)
        text += f"\n\nTo do this, open Cadence (or ask your manager) and type {words}."
    return text + "\n\n— Cadence, on behalf of your school's performance management (confidential, Policy 10.1)\n"


class EmailDeliverer:
    channel = Channel.EMAIL

    def __init__(self, config: SmtpConfig, mail_from: str) -> None:
        self.config = config
        self.mail_from = mail_from

    async def can_reach(self, person: Person) -> bool:
        return bool(person.email and "@" in person.email)

    async def deliver(self, person: Person, reply: Reply) -> None:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = person.email
        message["Subject"] = str(reply.meta.get("subject") or reply.text.splitlines()[0].replace("*", ""))[:200]
        message.set_content(to_text(reply))
        cfg = self.config
        try:
            await aiosmtplib.send(message, hostname=cfg.host, port=cfg.port, username=cfg.username,
                                  password=cfg.password, use_tls=cfg.use_tls, start_tls=cfg.start_tls,
                                  timeout=cfg.timeout)
        except aiosmtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(f"mail server refused {person.email}: {error}", permanent=True) from error
        except aiosmtplib.SMTPResponseException as error:
            permanent = 500 <= error.code < 600
            raise DeliveryError(f"mail server said {error.code} {error.message}", permanent=permanent) from error
        except (aiosmtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"mail server unreachable: {error}") from error
