"""A person in the middle of any conversation types anything: a reply that says what to do, never a
crash, and nothing already stored is lost or changed.

For every command word, as a colleague, a line manager and a headteacher of the demo trust: the
command starts its dialog (or the picker of whom it is about), one reply is drawn by hypothesis,
and the database's records (everything but the dialog sessions and the audit trail) must be
exactly as they were. The conversation is then cancelled so the next example starts clean.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.dialogs.catalogue import COMMANDS
from bot.messages import Address, Channel, Inbound
from tests.badinput.conftest import BOUNDED, Demo
from tests.badinput.strategies import answers

PEOPLE = ("sam.patel@hillside.example", "priya.shah@hillside.example", "helen.hart@hillside.example",
          "harriet.ward@central.example")
WORDS = sorted(c.word for c in COMMANDS if c.word != "help")


def say(demo: Demo, email: str, text: str) -> list[str]:
    replies = demo.run(demo.app.engine.handle(Inbound(Address(Channel.CONSOLE, email), text=text)))
    return [r.text for r in replies]


@BOUNDED
@given(email=st.sampled_from(PEOPLE), word=st.sampled_from(WORDS), raw=answers)
def test_anything_typed_into_any_dialog_gets_an_answer_and_changes_no_record(demo: Demo, email: str, word: str,
                                                                              raw: str) -> None:
    say(demo, email, "cancel")
    opened = say(demo, email, word)
    assert opened and all(isinstance(t, str) for t in opened)
    before = demo.snapshot()
    replies = say(demo, email, raw)
    assert replies and any(t.strip() for t in replies), (word, raw)
    after = demo.snapshot()
    assert after == before, f"{email} typed {raw!r} into {word!r} and a stored record changed"
    say(demo, email, "cancel")
