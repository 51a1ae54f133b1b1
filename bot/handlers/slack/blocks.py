"""Reply -> Block Kit (pure). Slack's limits are kept and long content is split, never cut.

Limits used (Block Kit reference): a section's text is at most 3,000 characters, a message at
most 50 blocks, a modal or App Home at most 100; an actions block holds at most 25 elements;
a button's text at most 75 characters and its value at most 2,000; a header at most 150; a
modal title, submit and close label at most 24. Where a label must be shortened to fit, the full
text is shown in a section next to it, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.handlers.slack.translate import (
    CHOICE_ACTION,
    FORM_CALLBACK,
    HOME_ACTION,
    OPEN_FORM_ACTION,
    encode_value,
    form_metadata,
)
from bot.messages import Choice, FormField, PromptKind, Reply

SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
ACTIONS_PER_BLOCK = 25
BUTTON_TEXT = 75
OPTION_TEXT = 75
OPTIONS_PER_SELECT = 100
HEADER_TEXT = 150
VIEW_TITLE = 24
INPUT_LABEL = 2000
FALLBACK_TEXT = 3000

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage: ``text`` is the notification fallback, ``blocks`` the whole content."""

    text: str
    blocks: list[Block]


# --- text -----------------------------------------------------------------------------------


def escape(text: str) -> str:
    """Slack mrkdwn control characters (so an answer like ``<!channel>`` is shown, not acted on)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split at paragraph, line or word boundaries into pieces of at most ``limit`` characters.

    Nothing is dropped: joining the pieces with whitespace gives the text back (only the
    whitespace at a split point is not repeated). An HTML entity is never cut in half.
    """
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            at = window.rfind(sep)
            if at > limit // 3:
                cut = at
                break
        if cut <= 0:
            cut = limit
            amp = rest.rfind("&", max(0, cut - 8), cut)
            if amp != -1 and ";" not in rest[amp:cut]:
                cut = amp
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _plain(text: str, limit: int) -> Block:
    return {"type": "plain_text", "text": _shorten(text or " ", limit), "emoji": True}


def sections(text: str, *, mrkdwn_ok: bool = False) -> list[Block]:
    """Text as section blocks of at most 3,000 characters (escaped unless it is our own mrkdwn)."""
    body = text if mrkdwn_ok else escape(text)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": piece}} for piece in split_text(body)]


# --- messages -------------------------------------------------------------------------------


def reply_blocks(reply: Reply) -> list[Block]:
    """All the blocks a reply needs, in order, before splitting into messages."""
    blocks: list[Block] = []
    if reply.card is not None:
        blocks.extend(card_blocks(reply.card.title, reply.card.facts, reply.card.sections))
    else:
        blocks.extend(sections(reply.text))
    if reply.form is not None:
        blocks.append({"type": "actions", "block_id": "cadence_form",
                       "elements": [{"type": "button", "action_id": OPEN_FORM_ACTION, "style": "primary",
                                     "text": _plain(f"Open the form: {reply.form.title}", BUTTON_TEXT),
                                     "value": encode_value(None, reply.session_id, reply.revision, reply.step)}]})
    elif reply.choices:
        blocks.extend(choice_blocks(reply.choices, reply.session_id, reply.revision, reply.step))
    if reply.clause and f"{reply.clause}" not in reply.text:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Policy {escape(reply.clause)}"}]})
    return blocks


def card_blocks(title: str, facts: Sequence[tuple[str, str]], extra: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    if not title:
        pass
    elif len(title) <= HEADER_TEXT:
        blocks.append({"type": "header", "text": _plain(title, HEADER_TEXT)})
    else:
        blocks.extend(sections(title))
    fields: list[Block] = []
    for label, value in facts:
        text = f"*{escape(label)}*\n{escape(value)}"
        if len(text) > FIELD_LIMIT:  # too long for a field: a section of its own, split if need be
            blocks.extend(_flush(fields))
            blocks.extend(sections(f"{label}:\n{value}"))
            continue
        fields.append({"type": "mrkdwn", "text": text})
        if len(fields) == 10:
            blocks.extend(_flush(fields))
    blocks.extend(_flush(fields))
    for part in extra:
        blocks.extend(sections(part))
    return blocks


def _flush(fields: list[Block]) -> list[Block]:
    if not fields:
        return []
    block = {"type": "section", "fields": list(fields)}
    fields.clear()
    return [block]


def choice_blocks(choices: Sequence[Choice], session_id: int | None, revision: int | None,
                  step: str | None) -> list[Block]:
    """Buttons, 25 to an actions block. Long labels: numbered buttons under the full list."""
    blocks: list[Block] = []
    long_labels = any(len(c.label) > BUTTON_TEXT for c in choices)
    if long_labels:
        listing = "\n".join(f"{i}. {c.label}" for i, c in enumerate(choices, 1))
        blocks.extend(sections(listing))
    elements: list[Block] = []
    for i, choice in enumerate(choices, 1):
        label = f"{i}. {choice.label}" if long_labels else choice.label
        button: Block = {"type": "button", "action_id": f"{CHOICE_ACTION}_{i}", "text": _plain(label, BUTTON_TEXT),
                         "value": encode_value(choice.value, session_id, revision, step)}
        if choice.style in ("primary", "danger"):
            button["style"] = choice.style
        elements.append(button)
    for start in range(0, len(elements), ACTIONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start: start + ACTIONS_PER_BLOCK]})
    return blocks


def answered(message_blocks: Sequence[Block], label: str) -> list[Block]:
    """The clicked message with its buttons replaced by the answer given (so an old message reads
    as answered, not as a question still waiting)."""
    kept = [b for b in message_blocks if b.get("type") != "actions"]
    kept.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"✓ {escape(label)}"}]})
    return kept[:MESSAGE_BLOCKS]


def render_reply(reply: Reply) -> list[SlackMessage]:
    """A reply as one or more messages of at most 50 blocks each."""
    return pack(reply_blocks(reply), reply.text)


def pack(blocks: list[Block], text: str) -> list[SlackMessage]:
    fallback = split_text(text or " ", FALLBACK_TEXT)[0] if text.strip() else " "
    messages: list[SlackMessage] = []
    for start in range(0, max(len(blocks), 1), MESSAGE_BLOCKS):
        chunk = blocks[start: start + MESSAGE_BLOCKS]
        messages.append(SlackMessage(fallback if start == 0 else "(continued)", chunk))
    return messages


# --- modal forms ----------------------------------------------------------------------------


def modal_view(reply: Reply, channel_id: str | None) -> Block:
    """A Form as a modal (views.open). private_metadata carries the dialog state (translate.form_metadata)."""
    form = reply.form
    assert form is not None
    blocks: list[Block] = []
    if len(form.title) > VIEW_TITLE:
        blocks.append({"type": "header", "text": _plain(form.title, HEADER_TEXT)})
    blocks.extend(sections(reply.text)[:3])  # a form's lead-in is one line; the DM message carries it whole
    room = VIEW_BLOCKS - len(blocks) - 1
    shown: list[FormField] = []
    for field in form.fields:
        needed = len(field_blocks(field))
        if needed > room:
            break
        shown.append(field)
        room -= needed
    for field in shown:
        blocks.extend(field_blocks(field))
    if len(shown) < len(form.fields):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"{len(form.fields) - len(shown)} more questions follow in the chat after you save.")}]})
    if reply.clause:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"Policy {escape(reply.clause)}"}]})
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _plain(form.title, VIEW_TITLE),
        "submit": _plain(form.submit_label or "Save", VIEW_TITLE),
        "close": _plain("Cancel", VIEW_TITLE),
        "private_metadata": form_metadata(reply.session_id, reply.revision, reply.step, form.form_id, channel_id),
        "blocks": blocks[:VIEW_BLOCKS],
    }


def field_blocks(field: FormField) -> list[Block]:
    """The input for one form field (plus the full question when the label had to be shortened)."""
    before: list[Block] = []
    label = field.label
    if len(label) > INPUT_LABEL:
        before.extend(sections(label))
        label = "Your answer"
    options = field.choices or _default_options(field.kind)
    element: Block
    match field.kind:
        case PromptKind.DATE:
            element = {"type": "datepicker"}
            if field.initial:
                element["initial_date"] = field.initial
        case PromptKind.DATETIME:
            element = {"type": "datetimepicker"}
        case PromptKind.NUMBER:
            element = {"type": "number_input", "is_decimal_allowed": False}
            if field.initial:
                element["initial_value"] = field.initial
        case _ if len(options) > OPTIONS_PER_SELECT:  # too many for a select: a numbered list to answer from
            before.extend(sections("\n".join(f"{i}. {c.label}" for i, c in enumerate(options, 1))))
            element = {"type": "plain_text_input", "placeholder": _plain("The number or the name", OPTION_TEXT)}
        case _ if options:
            if any(len(c.label) > OPTION_TEXT for c in options):
                before.extend(sections("\n".join(f"{i}. {c.label}" for i, c in enumerate(options, 1))))
                opts = [(f"{i}. {c.label}", c.value) for i, c in enumerate(options, 1)]
            else:
                opts = [(c.label, c.value) for c in options]
            element = {"type": "static_select",
                       "options": [{"text": _plain(text, OPTION_TEXT), "value": value}
                                   for text, value in opts]}
            initial = next((o for o in element["options"] if o["value"] == field.initial), None)
            if initial:
                element["initial_option"] = initial
        case _:
            element = {"type": "plain_text_input", "multiline": field.kind == PromptKind.LONG_TEXT,
                       "max_length": max(1, min(field.max_length, SECTION_LIMIT))}
            if field.initial:
                element["initial_value"] = field.initial
    element["action_id"] = field.key
    block: Block = {"type": "input", "block_id": field.key, "label": _plain(label, INPUT_LABEL),
                    "element": element, "optional": bool(field.optional)}
    return [*before, block]


def _default_options(kind: PromptKind) -> tuple[Choice, ...]:
    from bot.dialogs.answers import default_choices

    return default_choices(kind)


# --- App Home -------------------------------------------------------------------------------


def home_view(summary: Any, overview: Sequence[Reply] = ()) -> Block:
    """The App Home: stage, next step with its deadline and clause, preparation, objectives, what's due;
    then, for headteachers, HR and executive leaders, the overview of the organisations they oversee.

    ``summary`` is a :class:`bot.dialogs.status.HomeSummary` (the data behind ``status``); ``overview``
    the cards of ``services.documents.home_overview``. A Home holds 100 blocks: anything beyond is
    named, with where to see it, never dropped silently.
    """
    blocks: list[Block] = [{"type": "header", "text": _plain(f"Hi {summary.first_name}: your review", HEADER_TEXT)}]
    if not summary.has_review:
        blocks.extend(sections("You don't have a review in this cycle. If you think you should, please ask HR "
                               "(Policy 1.1 explains who the cycle applies to)."))
    else:
        blocks.extend(card_blocks("", [f for f in summary.facts if f[0] != "Next"], ()))
        if summary.next_step is not None:
            blocks.extend(sections("*Next:* " + escape(summary.next_step.line()), mrkdwn_ok=True))
        if summary.objectives:
            blocks.extend(sections("Objectives:\n" + "\n".join(summary.objectives)))
        else:
            blocks.extend(sections("Objectives: none agreed yet (Policy 6.1)."))
    if summary.team:
        blocks.append({"type": "divider"})
        blocks.extend(sections("Your team's next steps:\n" + "\n".join(summary.team)))
    if summary.due:
        blocks.append({"type": "divider"})
        elements = []
        for i, choice in enumerate(summary.due, 1):
            button: Block = {"type": "button", "action_id": f"{HOME_ACTION}_{i}",
                             "text": _plain(choice.label, BUTTON_TEXT), "value": encode_value(choice.value)}
            if choice.style in ("primary", "danger"):
                button["style"] = choice.style
            elements.append(button)
        blocks.append({"type": "actions", "elements": elements[:ACTIONS_PER_BLOCK]})
    extra: list[Block] = []
    for reply in overview:
        extra.append({"type": "divider"})
        extra.extend(card_blocks(reply.card.title, reply.card.facts, reply.card.sections) if reply.card
                     else sections(reply.text))
    footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": (
        "Say *help* in the Messages tab, or type `/cadence help`, for everything I can do.")}]}
    room = VIEW_BLOCKS - len(blocks) - 1
    if len(extra) > room:
        hidden = sum(len(b.get("fields", [])) or 1 for b in extra[room - 1:])
        extra = extra[: room - 1] + [{"type": "context", "elements": [{"type": "mrkdwn", "text": (
            f"…and {hidden} more lines than fit here: type `/cadence status` for your team, or ask HR for "
            "the full overview (`cadence overview`).")}]}]
    return {"type": "home", "blocks": [*blocks, *extra, footer][:VIEW_BLOCKS]}


def refusal_home_view(text: str) -> Block:
    """The App Home of someone Cadence doesn't know: the polite refusal, no data."""
    return {"type": "home", "blocks": sections(text)[:VIEW_BLOCKS]}
