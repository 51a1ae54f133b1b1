"""Reply -> Bot Framework message activities (dicts) with Adaptive Cards 1.5. Pure: no I/O.

What a Teams user sees for each part of a :class:`~bot.messages.Reply`:

* plain text -> a markdown text message (single line breaks become paragraph breaks, because Teams'
  markdown joins lines that are separated by a single newline);
* ``choices`` (choice, yes/no, rating, confirm steps, help shortcuts) -> an Adaptive Card with one
  ``Action.Submit`` button per choice; more than :data:`MAX_BUTTONS` choices become one compact
  ``Input.ChoiceSet`` plus a single button, because Teams shows at most six card actions;
* a single date / date-and-time / number step -> a card with the matching input and a button (typing
  the answer in the chat works too);
* ``card`` -> a title, a ``FactSet`` and text sections;
* ``form`` -> ONE card with an input per field (``Input.Text`` / ``Input.Date`` (+ ``Input.Time``) /
  ``Input.ChoiceSet`` / ``Input.Number`` / ``Input.Toggle`` for a confirmation) and one submit button;
* the clause is shown as a subtle "Policy X" line when the text does not already cite it.

Every button carries ``{"cadence": {"value", "session_id", "revision", "step"}}`` so the engine can
recognise a click on an old card as stale (``translate.py`` reads it back). Buttons of a dialog step
also carry the question (``q``, at most 300 characters) and their label: Teams does not send the card
back with a click, and once the answer is applied the bot redraws that card as the question with
"✓ answer" and no buttons (:func:`answered`), as Slack does with chat.update.

Teams refuses messages over about 28 KB, so a card whose JSON would pass :data:`CARD_BUDGET` bytes
is split into several cards: the read-only parts first, the inputs and buttons together on the last
card (a submit only collects the inputs of its own card). Attachments (files) are not rendered here;
see ``files.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from bot.messages import Card, Choice, Form, FormField, PromptKind, Reply

SCHEMA_URL = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"
TEAMS_MESSAGE_LIMIT = 28 * 1024  # Teams' limit for one message, card included
CARD_BUDGET = 24 * 1024  # what a card's JSON may use, leaving room for the activity envelope
MAX_BUTTONS = 5
CHOICE_INPUT_ID = "_cadence_choice"
VALUE_INPUT_ID = "_cadence_value"
TIME_SUFFIX = "__time"
CHUNK_CHARS = 4000  # longest single TextBlock we send (a long section is cut at line ends)
QUESTION_CHARS = 300  # question text carried in each button, for the answered card
TEXT_CHUNK_CHARS = 7000  # longest plain text message (7,000 characters stay under 28 KB even in UTF-8)

_STYLE = {"primary": "positive", "danger": "destructive"}


def render(reply: Reply) -> list[dict[str, Any]]:
    """The message activities (without addressing) that show ``reply`` in Teams."""
    if reply.form is not None:
        return _as_messages(_form_body(reply, reply.form), _form_actions(reply, reply.form), reply)
    needs_card = bool(reply.choices or reply.card or reply.prompt in _INPUT_PROMPTS)
    if not needs_card:
        return [text_message(piece) for piece in _chunks(_with_clause(reply.text, reply.clause), TEXT_CHUNK_CHARS)]
    body = _text_blocks(reply.text)
    if reply.card is not None:
        body += _card_body(reply.card)
    body += _clause_block(reply)
    inputs: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    if reply.choices and len(reply.choices) <= MAX_BUTTONS:
        actions = [_button(reply, c) for c in reply.choices]
    elif reply.choices:
        inputs = [{"type": "Input.ChoiceSet", "id": CHOICE_INPUT_ID, "style": "compact", "isRequired": True,
                   "label": "Choose one", "errorMessage": "Please choose one.",
                   "choices": [{"title": c.label, "value": c.value} for c in reply.choices]}]
        actions = [_submit("Choose", _data(reply, pick=CHOICE_INPUT_ID,
                                           labels={c.value: c.label[:80] for c in reply.choices}), style="positive")]
    elif reply.prompt in _INPUT_PROMPTS:
        inputs = _single_input(reply.prompt)  # type: ignore[arg-type]
        actions = [_submit("Send", _data(reply, pick=VALUE_INPUT_ID), style="positive")]
    return _as_messages(body + inputs, actions, reply, keep_last=len(inputs))


def render_all(replies: Iterable[Reply]) -> list[dict[str, Any]]:
    return [activity for reply in replies for activity in render(reply)]


def text_message(text: str) -> dict[str, Any]:
    return {"type": "message", "text": _markdown(text), "textFormat": "markdown"}


def cards_in(activity: dict[str, Any]) -> list[dict[str, Any]]:
    """The Adaptive Cards attached to a rendered activity (used by tests and the size check)."""
    return [a["content"] for a in activity.get("attachments", []) if a.get("contentType") == CARD_CONTENT_TYPE]


def size_of(activity: dict[str, Any]) -> int:
    return len(json.dumps(activity, ensure_ascii=False).encode("utf-8"))


# --- building blocks ---------------------------------------------------------------------------

_INPUT_PROMPTS = (PromptKind.DATE, PromptKind.DATETIME, PromptKind.NUMBER)


_WHOLE_LINE_BOLD = re.compile(r"^\*([^*\n]+)\*$")


def _markdown(text: str) -> str:
    """Teams markdown: paragraph breaks for line breaks, and a line in Slack-style ``*bold*`` (as the
    reminder titles are written) made ``**bold**``, which Teams renders bold rather than italic."""
    return "\n\n".join(_WHOLE_LINE_BOLD.sub(r"**\1**", line) for line in text.split("\n"))


def _with_clause(text: str, clause: str | None) -> str:
    if clause and f"Policy {clause}" not in text and f"({clause})" not in text:
        return f"{text}\n(Policy {clause})"
    return text


def _clause_block(reply: Reply) -> list[dict[str, Any]]:
    clause = reply.clause
    if not clause or f"Policy {clause}" in reply.text or f"({clause})" in reply.text:
        return []
    return [{"type": "TextBlock", "text": f"Policy {clause}", "isSubtle": True, "size": "Small", "wrap": True,
             "spacing": "Small"}]


def _chunks(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Cut a long text at line ends into pieces of at most ``size`` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > size:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:size])
            line = line[size:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > size:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def _text_blocks(text: str, **style: Any) -> list[dict[str, Any]]:
    if not text.strip():
        return []
    return [{"type": "TextBlock", "text": _markdown(piece), "wrap": True, **style} for piece in _chunks(text)]


def _card_body(card: Card) -> list[dict[str, Any]]:
    body = _text_blocks(card.title, weight="Bolder", size="Medium")
    if card.facts:
        body.append({"type": "FactSet", "facts": [{"title": str(k)[:200], "value": str(v) or "—"}
                                                  for k, v in card.facts]})
    for section in card.sections:
        body += _text_blocks(section, separator=True)
    return body


def _data(reply: Reply, *, value: str | None = None, pick: str | None = None, form: str | None = None,
          label: str | None = None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    cadence: dict[str, Any] = {}
    if value is not None:
        cadence["value"] = value
    if pick is not None:
        cadence["pick"] = pick
    if form is not None:
        cadence["form"] = form
    if reply.session_id is not None:
        cadence["session_id"] = reply.session_id
        cadence["revision"] = reply.revision
        cadence["step"] = reply.step
        # what the answered card will show once the click is applied (Teams doesn't send the card back)
        cadence["q"] = _question(reply)
        if label is not None:
            cadence["label"] = label[:80]
        if labels:
            cadence["labels"] = labels
    return {"cadence": cadence}


def _question(reply: Reply) -> str:
    text = reply.form.title if reply.form is not None else reply.text
    return text if len(text) <= QUESTION_CHARS else text[:QUESTION_CHARS - 1] + "…"


def answered(question: str, answer: str) -> dict[str, Any]:
    """The card that replaces a question once it is answered: its buttons give way to the answer."""
    body = _text_blocks(question) + [{"type": "TextBlock", "text": f"✓ {answer}", "wrap": True,
                                      "weight": "Bolder", "color": "Good"}]
    return card(body, [])


def answered_message(question: str, answer: str) -> dict[str, Any]:
    return _message(answered(question, answer), answer)


def _submit(title: str, data: dict[str, Any], style: str | None = None) -> dict[str, Any]:
    action: dict[str, Any] = {"type": "Action.Submit", "title": title[:80], "data": data}
    if style:
        action["style"] = style
    return action


def _button(reply: Reply, choice: Choice) -> dict[str, Any]:
    return _submit(choice.label, _data(reply, value=choice.value, label=choice.label), _STYLE.get(choice.style or ""))


def _single_input(kind: PromptKind) -> list[dict[str, Any]]:
    if kind == PromptKind.NUMBER:
        return [{"type": "Input.Number", "id": VALUE_INPUT_ID, "label": "Number", "isRequired": True,
                 "errorMessage": "Please give a whole number."}]
    date_input = {"type": "Input.Date", "id": VALUE_INPUT_ID, "label": "Date", "isRequired": True,
                  "errorMessage": "Please pick a date."}
    if kind == PromptKind.DATETIME:
        return [date_input, {"type": "Input.Time", "id": VALUE_INPUT_ID + TIME_SUFFIX, "label": "Time",
                             "isRequired": True, "errorMessage": "Please pick a time."}]
    return [date_input]


def _field_inputs(field: FormField) -> list[dict[str, Any]]:
    common: dict[str, Any] = {"id": field.key, "label": field.label[:300], "isRequired": not field.optional}
    if not field.optional:
        common["errorMessage"] = "This one is needed."
    kind = field.kind
    if kind in (PromptKind.CHOICE, PromptKind.RATING, PromptKind.YES_NO) or (
            field.choices and kind != PromptKind.CONFIRM):
        choices = field.choices or _default_choices(kind)
        style = "expanded" if len(choices) <= MAX_BUTTONS else "compact"
        element = {"type": "Input.ChoiceSet", **common, "style": style,
                   "choices": [{"title": c.label, "value": c.value} for c in choices]}
        if field.initial:
            element["value"] = field.initial
        return [element]
    if kind == PromptKind.CONFIRM:
        # unticked sends "", which the engine reads as "not answered" (required) rather than "no"
        return [{"type": "Input.Toggle", **common, "title": "I confirm", "valueOn": "confirm", "valueOff": ""}]
    if kind == PromptKind.NUMBER:
        element = {"type": "Input.Number", **common, "min": 0}
        if field.initial.isdigit():
            element["value"] = int(field.initial)
        return [element]
    if kind in (PromptKind.DATE, PromptKind.DATETIME):
        element = {"type": "Input.Date", **common}
        if field.initial:
            element["value"] = field.initial[:10]
        if kind == PromptKind.DATE:
            return [element]
        time_input = {"type": "Input.Time", "id": field.key + TIME_SUFFIX, "label": "Time",
                      "isRequired": not field.optional}
        if not field.optional:
            time_input["errorMessage"] = "Please pick a time."
        if len(field.initial) >= 16:
            time_input["value"] = field.initial[11:16]
        return [element, time_input]
    limit = min(field.max_length, 300) if kind == PromptKind.SHORT_TEXT else field.max_length
    element = {"type": "Input.Text", **common, "maxLength": limit,
               "isMultiline": kind == PromptKind.LONG_TEXT}
    if field.initial:
        element["value"] = field.initial
    return [element]


def _default_choices(kind: PromptKind) -> tuple[Choice, ...]:
    from bot.dialogs.answers import default_choices

    return default_choices(kind)


def _form_body(reply: Reply, form: Form) -> list[dict[str, Any]]:
    body = _text_blocks(form.title, weight="Bolder", size="Medium")
    if reply.text and reply.text != form.title:
        intro = reply.text.removeprefix(f"{form.title}: ")
        body += _text_blocks(intro) if intro != form.fields[0].label else []
    body += _clause_block(reply)
    for field in form.fields:
        body += _field_inputs(field)
    return body


def _form_actions(reply: Reply, form: Form) -> list[dict[str, Any]]:
    return [_submit(form.submit_label, _data(reply, form=form.form_id, label="Sent"), style="positive")]


def _inputs_count(body: list[dict[str, Any]]) -> int:
    return sum(1 for element in body if element["type"].startswith("Input."))


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    content: dict[str, Any] = {"type": "AdaptiveCard", "$schema": SCHEMA_URL, "version": VERSION, "body": body}
    if actions:
        content["actions"] = actions
    return content


def _message(content: dict[str, Any], fallback: str) -> dict[str, Any]:
    return {"type": "message", "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
            "summary": fallback[:120]}


def _as_messages(body: list[dict[str, Any]], actions: list[dict[str, Any]], reply: Reply,
                 keep_last: int | None = None) -> list[dict[str, Any]]:
    """One card when it fits; else read-only parts spread over cards and inputs + buttons on the last."""
    whole = _message(card(body, actions), reply.text)
    if size_of(whole) <= CARD_BUDGET:
        return [whole]
    inputs = _inputs_count(body) if keep_last is None else keep_last
    first_input = next((i for i, e in enumerate(body) if e["type"].startswith("Input.")), len(body))
    if inputs:
        head, tail = body[:first_input], body[first_input:]
    else:
        head, tail = body, []
    messages: list[dict[str, Any]] = []
    current: list[dict[str, Any]] = []
    for element in head:
        trial = _message(card([*current, element], []), reply.text)
        if current and size_of(trial) > CARD_BUDGET:
            messages.append(_message(card(current, []), reply.text))
            current = []
        current.append(element)
    last = _message(card([*current, *tail], actions), reply.text)
    if current and size_of(last) > CARD_BUDGET:
        messages.append(_message(card(current, []), reply.text))
        last = _message(card(tail or [{"type": "TextBlock", "text": "Please choose:", "wrap": True}], actions),
                        reply.text)
    messages.append(last)
    return messages
