"""``services.documents``: the documents facade other layers reach through Services (set in bot.app).

Dialogs, the dispatcher and the App Home / Teams views can call these without importing the
document modules themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.messages import Attachment, Reply
    from bot.services import Services
    from store.models import Reminder
    from store.repos.values import PersonContext


class Documents:
    def __init__(self, services: Services) -> None:
        self.services = services

    async def send_copy_after_signoff(self, review_id: int) -> bool:
        """Queue the reviewee's copy of their form once both have signed a part (10.2)."""
        from bot.documents.copies import send_copy_after_signoff

        return await send_copy_after_signoff(self.services, review_id)

    async def attachment_for_reminder(self, reminder: Reminder) -> Attachment | None:
        """The document a queued notice carries (the sign-off copy), built at delivery time."""
        from bot.documents.copies import attachment_for_reminder

        return await attachment_for_reminder(self.services, reminder)

    async def home_overview(self, actor: PersonContext, **kwargs: Any) -> list[Reply]:
        """The overview cards for the Slack App Home / Teams view (empty for most people)."""
        from bot.documents.overview import home_overview

        return await home_overview(self.services, actor, **kwargs)

    async def export_form(self, actor: PersonContext, subject_id: int, **kwargs: Any) -> Attachment:
        from bot.documents.exports import export_form

        kwargs.setdefault("branding", self.services.extras.get("branding"))
        kwargs.setdefault("zone", self.services.zone)
        return await export_form(self.services.repos, actor, subject_id, **kwargs)
