"""Dialog sessions (state with a revision), conversation references and Teams file offers."""


from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import select

from store.models import (
    ConversationReference,
    DialogSession,
    FileOffer,
)
from store.repos.base import (
    RepoBase,
    _now,
)
from store.repos.values import (
    StaleRevision,
)


class Conversations(RepoBase):
    async def active_session(self, person_id: int) -> DialogSession | None:
        async with self.db.session() as s:
            q = (select(DialogSession).where(DialogSession.person_id == person_id, DialogSession.status == "active")
                 .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]
            return (await s.exec(q)).first()

    async def paused_sessions(self, person_id: int) -> list[DialogSession]:
        async with self.db.session() as s:
            q = (select(DialogSession).where(DialogSession.person_id == person_id, DialogSession.status == "paused")
                 .order_by(DialogSession.updated_at.desc()))  # type: ignore[attr-defined]
            return list((await s.exec(q)).all())

    async def dialog_session(self, session_id: int) -> DialogSession | None:
        async with self.db.session() as s:
            return await s.get(DialogSession, session_id)

    async def start_session(self, person_id: int, dialog_id: str, version: int, state: dict[str, Any],
                            subject_person_id: int | None, channel: str) -> DialogSession:
        """Open a session; any other active one of this person is paused, never lost."""
        async with self.db.transaction() as s:
            await s.execute(update(DialogSession)  # type: ignore[call-overload]
                         .where(DialogSession.person_id == person_id, DialogSession.status == "active")
                         .values(status="paused", updated_at=_now(), revision=DialogSession.revision + 1))
            row = DialogSession(person_id=person_id, dialog_id=dialog_id, dialog_version=version, state=state,
                                subject_person_id=subject_person_id, channel=channel)
            s.add(row)
            await s.flush()
            return row

    async def save_session(self, session_id: int, expected_revision: int, state: dict[str, Any],
                           status: str, channel: str = "") -> int:
        """Write the state if nobody else has since; returns the new revision or raises StaleRevision."""
        async with self.db.transaction() as s:
            values: dict[str, Any] = {"state": state, "status": status, "revision": expected_revision + 1,
                                      "updated_at": _now()}
            if channel:
                values["channel"] = channel
            result = await s.execute(update(DialogSession)  # type: ignore[call-overload]
                                  .where(DialogSession.id == session_id, DialogSession.revision == expected_revision)
                                  .values(values))
            if result.rowcount != 1:
                raise StaleRevision(f"dialog session {session_id} moved past revision {expected_revision}")
            return expected_revision + 1

    async def set_session_status(self, session_id: int, status: str) -> None:
        async with self.db.transaction() as s:
            await s.execute(update(DialogSession).where(DialogSession.id == session_id)  # type: ignore[call-overload]
                         .values(status=status, updated_at=_now(), revision=DialogSession.revision + 1))

    async def conversation_reference(self, person_id: int, channel: str) -> dict[str, Any] | None:
        async with self.db.session() as s:
            row = (await s.exec(select(ConversationReference).where(
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))).first()
            return dict(row.reference) if row else None

    async def delete_conversation_reference(self, person_id: int, channel: str) -> bool:
        """Forget how to reach someone on a channel (they removed the app): reminders go another way."""
        async with self.db.transaction() as s:
            result = await s.execute(delete(ConversationReference).where(  # type: ignore[arg-type]
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))
            return bool(result.rowcount)

    async def save_conversation_reference(self, person_id: int, channel: str, reference: dict[str, Any]) -> None:
        async with self.db.transaction() as s:
            row = (await s.exec(select(ConversationReference).where(
                ConversationReference.person_id == person_id, ConversationReference.channel == channel))).first()
            if row is None:
                s.add(ConversationReference(person_id=person_id, channel=channel, reference=reference))
            else:
                row.reference, row.updated_at = reference, _now()

    async def save_file_offer(self, *, token: str, person_id: int, channel: str, filename: str, media_type: str,
                              content: bytes) -> FileOffer:
        """A document waiting for the person's consent to be saved to their own storage (Policy 10.2)."""
        offer = FileOffer(token=token, person_id=person_id, channel=channel, filename=filename,
                          media_type=media_type, content=content)
        async with self.db.transaction() as s:
            s.add(offer)
            await s.flush()
            return offer

    async def file_offer(self, token: str) -> FileOffer | None:
        async with self.db.session() as s:
            return (await s.exec(select(FileOffer).where(FileOffer.token == token))).first()

    async def delete_file_offer(self, token: str) -> bool:
        async with self.db.transaction() as s:
            result = await s.execute(delete(FileOffer).where(FileOffer.token == token))  # type: ignore[arg-type]
            return bool(result.rowcount)

    async def purge_file_offers(self, before: datetime) -> int:
        """Offers nobody accepted: they hold a copy of a confidential document, so they don't linger."""
        async with self.db.transaction() as s:
            result = await s.execute(delete(FileOffer).where(FileOffer.created_at < before))  # type: ignore[arg-type]
            return int(result.rowcount or 0)
