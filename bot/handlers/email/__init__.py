"""Email: reminders only (DESIGN.md: "the letterbox")."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def register(app: Any) -> bool:
    """Put the SMTP Deliverer in ``app.channels["email"]`` when CADENCE_SMTP_URL is set."""
    url = app.settings.smtp_url
    if not url:
        return False
    from bot.handlers.email.deliverer import EmailDeliverer, SmtpConfig

    app.channels["email"] = EmailDeliverer(SmtpConfig.from_url(url), app.settings.mail_from)
    log.info("email reminders go through %s", url.split("@")[-1])
    return True
