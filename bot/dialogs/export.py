"""The ``export`` chat command: a Planning & Review Form (or plan) as a document (Policy 10.2).

``export`` alone gives the colleague their own current form as a Word document straight away
(dialog ``export``, no questions: on a phone, one word should be enough). Words after it choose:

* a format: ``pdf``, ``md`` / ``markdown``, ``docx`` / ``word`` (DOCX by default);
* a cycle: ``2025`` or ``2025-26`` (the latest by default);
* ``plan``: the support plan / improvement action plan instead of the form;
* a colleague's name or email: for reviewers, line managers, the headteacher and HR (bot.access).

The reply carries the document as an Attachment: Slack and Teams upload it, the console saves it.
Every export and every refusal is audited (10.1).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot import access
from bot.dialogs.base import Dialog, Run
from bot.dialogs.errors import Refusal
from bot.dialogs.router import match_names
from bot.documents.exports import NothingToExport, export_form, export_plan
from bot.messages import Attachment, Inbound, Reply, echo
from bot.services import Services
from store.repos.values import PersonContext
from store.unit import Repositories

if TYPE_CHECKING:
    from bot.dialogs.engine import Engine

CLAUSE = "10.2"
FORMAT_WORDS = {"docx": "docx", "word": "docx", "doc": "docx", "pdf": "pdf", "md": "md", "markdown": "md",
                "text": "md"}
FILLER = {"form", "my", "own", "mine", "for", "of", "the", "a", "as", "copy", "please", "me", "in", "format",
          "cycle", "year"}
FORMAT_NAMES = {"docx": "Word document", "pdf": "PDF", "md": "Markdown text"}
_YEAR = re.compile(r"^(20\d\d)(?:[-/](\d\d))?$")


def parse(argument: str) -> tuple[str, int | None, bool, str]:
    """(format, cycle year, plan?, colleague) from the words after ``export``."""
    fmt, year, plan, rest = "docx", None, False, []
    for word in argument.replace(",", " ").split():
        low = word.lower().strip(".")
        if low in FORMAT_WORDS:
            fmt = FORMAT_WORDS[low]
        elif _YEAR.match(low):
            year = int(_YEAR.match(low).group(1))  # type: ignore[union-attr]
        elif low in ("plan", "plans", "support", "improvement"):
            plan = True
        elif low not in FILLER:
            rest.append(word)
    return fmt, year, plan, " ".join(rest)


async def find_colleague(repos: Repositories, person: PersonContext, needle: str) -> int:
    """Resolve a name or email to a colleague whose record the person may read.

    An email is looked up everywhere (access is then decided, and a refusal audited); a name is
    matched only among colleagues the person may read, so nobody learns who else works where.
    """
    needle = needle.strip()
    if "@" in needle:
        found = await repos.people.person_by_email(needle)
        if found is None or found.id is None:
            raise Refusal(f"I couldn't find anyone with the email {echo(needle)}. Please check the address.")
        return found.id
    low = needle.lower()
    if low in {person.person.name.lower(), person.person.email.lower()}:
        return person.id
    matches = match_names(await access.readable_subjects(repos, person), low)
    if len(matches) == 1 and matches[0].id is not None:
        return matches[0].id
    if not matches:
        raise Refusal(f"I couldn't find “{echo(needle)}” among the colleagues whose records you can see "
                      "(Policy 10.1). Try their email address, or say export for your own form.", "10.1")
    listed = "\n".join(f"• {p.name} ({p.email})" for p in matches[:8])
    raise Refusal(f"More than one colleague matches “{echo(needle)}”:\n{listed}\nPlease say it again with their email "
                  f"address, for example “export {matches[0].email}” (Policy 10.1).", "10.1")


async def produce(services: Services, person: PersonContext, subject_id: int, fmt: str, year: int | None,
                  plan: bool, channel: str, identity: str) -> list[Reply]:
    repos, zone, branding = services.repos, services.zone, services.extras.get("branding")
    try:
        if plan:
            attachment = await export_plan(repos, person, subject_id, fmt=fmt, channel=channel, identity=identity,
                                           branding=branding, zone=zone)
        else:
            attachment = await export_form(repos, person, subject_id, cycle_year=year, fmt=fmt, channel=channel,
                                           identity=identity, branding=branding, zone=zone)
    except access.AccessDenied as denied:
        return [Reply(denied.message + " Say export for your own form.", clause=denied.clause)]
    except NothingToExport as missing:
        hint = " To export a colleague's form, say “export” and their name." if subject_id == person.id else ""
        return [Reply(missing.message + hint, clause=missing.clause)]
    return [Reply(_sent_text(person, subject_id, attachment, fmt), attachments=(attachment,), clause=CLAUSE)]


def _sent_text(person: PersonContext, subject_id: int, attachment: Attachment, fmt: str) -> str:
    kind = FORMAT_NAMES[fmt]
    if subject_id == person.id:
        return (f"Here's your {attachment.title.split(':')[0]} as a {kind}. Please keep your own copy safe "
                "(Policy 10.2). Say “export pdf” or “export 2025” for another format or cycle.")
    return (f"Here's {attachment.title} as a {kind}. It's confidential (Policy 10.1): please store it "
            "securely and don't forward it.")


async def export_command(engine: Engine, person: PersonContext, argument: str, inbound: Inbound) -> list[Reply]:
    """The ``export`` command word: start the dialog for one's own form, or export a named colleague's."""
    fmt, year, plan, who = parse(argument)
    channel = inbound.address.channel.value
    identity = inbound.platform_identity or f"{channel}:{inbound.address.user_id}"
    if not who and fmt == "docx" and year is None and not plan:
        return await engine.start(person, DIALOG.id, inbound)
    try:
        subject_id = await find_colleague(engine.repos, person, who) if who else person.id
    except Refusal as refusal:
        return [Reply(refusal.message, clause=refusal.clause)]
    return await produce(engine.services, person, subject_id, fmt, year, plan, channel, identity)


async def complete(run: Run) -> list[Reply]:
    """``export`` with nothing after it: the colleague's own current form, as DOCX (10.2)."""
    return await produce(run.services, run.person, run.person.id, "docx", None, False, run.channel.value,
                         run.platform_identity)


DIALOG = Dialog(
    id="export", version=1, title="Export your form", steps=(), complete=complete, clause=CLAUSE,
    description="Your Planning & Review Form as a Word document; add pdf, md, a year, plan, or a colleague's "
                "name (Policy 10.2).",
)
