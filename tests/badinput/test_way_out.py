"""Nobody is ever left inside a conversation without being told how to get out of it.

Issue 17: a colleague stuck in an unfinished sign-off kept getting “Please say confirm…” and had to
guess cancel or pause. Here, for every conversation a command opens, as a colleague, a line manager and
a headteacher, on each channel, hypothesis types free text of every kind (answers, near-answers,
commands with words after them, typos, small talk, dates in words, rubbish); whenever the person is
still inside a conversation afterwards, the reply must name a way out: pause or cancel, in words or as
a button."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.dialogs.catalogue import COMMANDS
from bot.messages import Address, Channel, Inbound, Reply
from tests.badinput.conftest import BOUNDED, Demo
from tests.badinput.strategies import answers

PEOPLE = ("sam.patel@hillside.example", "priya.shah@hillside.example", "helen.hart@hillside.example",
          "alex.green@hillside.example")
WORDS = sorted(c.word for c in COMMANDS if c.word != "help")
PEOPLES_WORDS = ["four", "an hour", "1h", "90 mins", "yes pls", "yep", "nah", "Sat 12/12/2026 10:00",
                 "next Tuesday at 2", "tomorrow 9am", "stauts", "thanks", "hi", "👋", "export pdf", "status",
                 "prep", "checkin", "schedule sam", "Staff room", "no", "yes", "resume", "back"]
free_text = st.one_of(answers, st.sampled_from(PEOPLES_WORDS),
                      st.builds(lambda w, rest: f"{w} {rest}", st.sampled_from(WORDS), st.text(max_size=20)))
WAY_OUT = re.compile(r"\b(pause|cancel)\b", re.I)


def _send(demo: Demo, channel: Channel, email: str, text: str) -> list[Reply]:
    user = email if channel == Channel.CONSOLE else f"{channel.value}-{email}"
    return demo.run(demo.app.engine.handle(Inbound(Address(channel, user), text=text,
                                                   platform_identity=f"{channel.value}:{email}")))


def _link(demo: Demo) -> None:
    async def link() -> None:
        for email in PEOPLE:
            person = await demo.app.repos.people.person_by_email(email)
            assert person is not None and person.id is not None
            for channel in (Channel.SLACK, Channel.TEAMS):
                await demo.app.repos.people.link_platform_id(person.id, channel.value, f"{channel.value}-{email}")

    demo.run(link())


def names_a_way_out(replies: list[Reply]) -> bool:
    return any(WAY_OUT.search(r.text) or any(c.value in ("pause", "cancel") for c in r.choices) for r in replies)


@BOUNDED
@given(channel=st.sampled_from([Channel.CONSOLE, Channel.SLACK, Channel.TEAMS]), email=st.sampled_from(PEOPLE),
       word=st.sampled_from(WORDS), said=st.lists(free_text, min_size=1, max_size=3))
def test_whatever_is_typed_inside_a_conversation_the_reply_names_a_way_out(
        demo: Demo, channel: Channel, email: str, word: str, said: list[str]) -> None:
    _link(demo)
    for _ in range(3):  # close whatever an earlier example left open
        _send(demo, channel, email, "cancel")
    _send(demo, channel, email, word)
    for text in said:
        replies = _send(demo, channel, email, text)
        assert replies and any(r.text.strip() for r in replies), (word, text)
        person = demo.run(demo.app.repos.people.person_by_email(email))
        open_now = demo.run(demo.app.repos.conversations.active_session(person.id))
        if open_now is not None:
            assert names_a_way_out(replies), (f"{email} on {channel.value} typed {text!r} into {word!r} and was "
                                              f"left in a conversation without a way out:\n"
                                              + "\n".join(r.text for r in replies))
