"""After sign-off the reviewee's copy of the form reaches them as a document, not just a note (10.2)."""

from __future__ import annotations

import io
import random

from docx import Document

from bot.documents.copies import send_copy_after_signoff
from bot.scheduler.dispatcher import Dispatcher
from tests.scheduler.conftest import RecordingChannel


async def test_jo_receives_her_signed_form_as_a_word_document(demo_app, recorder: RecordingChannel) -> None:
    jo = await demo_app.repos.people.person_by_email("jo.brown@hillside.example")
    review = await demo_app.repos.reviews.current_review(jo.id)  # the demo has her planning part signed by both
    assert await send_copy_after_signoff(demo_app.services, review.id) is True
    demo_app.channels["slack"] = recorder
    await Dispatcher(demo_app, worker_id="w1", rng=random.Random(1)).tick()

    [(to, reply)] = [(to, r) for to, r in recorder.delivered if r.meta.get("kind") == "form_copy"]
    assert to == jo.id and "10.2" in reply.text
    [attachment] = reply.attachments
    assert attachment.filename.endswith(".docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(attachment.content)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(attachment.content)).tables for r in t.rows for c in r.cells)
    assert "Jo Brown" in text + tables
