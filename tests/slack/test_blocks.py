"""Block Kit limits are kept and long content is split, never cut (pure renderer)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from bot.handlers.slack import blocks
from bot.messages import Card, Choice, Form, FormField, PromptKind, Reply


def section_texts(messages: list[blocks.SlackMessage]) -> list[str]:
    return [b["text"]["text"] for m in messages for b in m.blocks if b["type"] == "section" and "text" in b]


def normalised(text: str) -> str:
    return " ".join(text.split())


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12000))
def test_any_text_is_split_into_sections_of_at_most_3000_and_nothing_is_lost(text: str) -> None:
    pieces = blocks.split_text(text)
    assert all(0 < len(p) <= 3000 for p in pieces)
    assert normalised(" ".join(pieces)) == normalised(text)


def test_a_long_answer_read_back_arrives_whole_over_several_sections_and_messages() -> None:
    paragraph = "Sam led the phonics catch-up group & kept the <log> up to date. " * 60  # ~3,900 characters
    reply = Reply("\n\n".join([paragraph] * 20))  # ~78,000 characters: 26+ sections
    messages = blocks.render_reply(reply)
    assert all(len(m.blocks) <= 50 for m in messages)
    texts = section_texts(messages)
    assert all(len(t) <= 3000 for t in texts)
    joined = normalised(" ".join(texts)).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert joined == normalised(reply.text)
    assert all(len(m.text) <= 3000 for m in messages)


def test_more_than_50_blocks_become_more_messages() -> None:
    card = Card("Team", facts=tuple((f"Colleague {i}", "planning") for i in range(400)),
                sections=tuple(f"Note {i}" for i in range(30)))
    messages = blocks.render_reply(Reply("Your team", card=card))
    assert len(messages) == 2 and [len(m.blocks) for m in messages] == [50, 21]
    shown = "\n".join(f["text"] for m in messages for b in m.blocks for f in b.get("fields", []))
    assert all(f"Colleague {i}*" in shown for i in range(400))


def test_buttons_carry_the_value_the_session_and_the_revision() -> None:
    reply = Reply("Pick one", prompt=PromptKind.CHOICE, choices=(Choice("mood", "Share my mood only", "primary"),),
                  session_id=12, revision=3, step="share")
    [message] = blocks.render_reply(reply)
    [button] = message.blocks[-1]["elements"]
    assert json.loads(button["value"]) == {"v": "mood", "s": 12, "r": 3, "k": "share"}
    assert button["style"] == "primary" and button["action_id"] == "cadence_choice_1"


def test_thirty_colleagues_in_a_picker_fit_and_long_names_are_listed_in_full() -> None:
    names = tuple(Choice(str(i), f"Colleague number {i} with a very long job title: Senior Higher Level Teaching "
                                 f"Assistant for Inclusion") for i in range(30))
    [message] = blocks.render_reply(Reply("Who is this for?", choices=names, session_id=1, revision=1))
    actions = [b for b in message.blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 5]
    assert all(len(e["text"]["text"]) <= 75 for a in actions for e in a["elements"])
    listing = "\n".join(section_texts([message]))
    assert all(c.label in listing for c in names)  # the full label is there to read


def test_answers_cannot_ping_the_channel() -> None:
    [message] = blocks.render_reply(Reply("Note: <!channel> look at this"))
    assert "<!channel>" not in json.dumps(message.blocks)


def test_a_form_becomes_a_modal_within_slacks_limits() -> None:
    fields = (FormField("what", "What is the objective?", PromptKind.LONG_TEXT, max_length=5000),
              FormField("due", "Completed by", PromptKind.DATE),
              FormField("when", "Meeting time", PromptKind.DATETIME),
              FormField("mins", "Length in minutes", PromptKind.NUMBER),
              FormField("agreed", "Agreed together?", PromptKind.YES_NO),
              FormField("notes", "Anything else?" * 200, PromptKind.SHORT_TEXT, optional=True))
    reply = Reply("Objectives: what is the objective?", form=Form("objectives:o1a", "Objective setting for a colleague",
                                                                 fields), session_id=5, revision=2, step="what")
    view = blocks.modal_view(reply, "D0MARK")
    assert view["type"] == "modal" and all(len(view[k]["text"]) <= 24 for k in ("title", "submit", "close"))
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert [b["element"]["type"] for b in inputs.values()] == [
        "plain_text_input", "datepicker", "datetimepicker", "number_input", "static_select", "plain_text_input"]
    assert inputs["what"]["element"]["max_length"] == 3000 and inputs["what"]["element"]["multiline"]
    assert inputs["notes"]["optional"] is True and len(inputs["notes"]["label"]["text"]) <= 2000
    assert "Anything else?" * 200 in json.dumps(view)  # the whole question is shown above a short label
    assert json.loads(view["private_metadata"]) == {"s": 5, "r": 2, "k": "what", "f": "objectives:o1a", "c": "D0MARK"}


def test_a_form_longer_than_a_modal_says_the_rest_follows() -> None:
    fields = tuple(FormField(f"q{i}", f"Question {i}") for i in range(120))
    view = blocks.modal_view(Reply("Lots", form=Form("f", "Survey", fields), session_id=1, revision=1), None)
    assert len(view["blocks"]) <= 100
    assert "more questions follow in the chat" in json.dumps(view)


def test_a_choice_field_with_more_options_than_a_select_holds_lists_them_all() -> None:
    many = tuple(Choice(str(i), f"Option {i}") for i in range(150))
    view = blocks.modal_view(Reply("Pick", form=Form("f", "Pick", (FormField("pick", "Which?", PromptKind.CHOICE,
                                                                              choices=many),)),
                                   session_id=1, revision=1), None)
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["element"]["type"] == "plain_text_input"
    assert all(f"{i + 1}. Option {i}" in json.dumps(view) for i in range(150))
