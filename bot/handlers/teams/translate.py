"""Bot Framework Activity -> Inbound. Pure: no I/O, no store.

* A typed message becomes ``Inbound.text`` with any ``<at>Cadence</at>`` mention of the bot removed
  (Teams includes it when someone @-mentions the bot) and HTML entities decoded.
* A card button (``Action.Submit``) arrives as a message whose ``value`` holds the button's data:
  ``{"cadence": {"value", "session_id", "revision", "step"}}`` -> ``Inbound.action``.
  ``"pick"`` names the input holding the value (a long choice list, a date or number input).
* A form card's submit carries ``{"cadence": {"form", ...}}`` plus one value per input ->
  ``Inbound.form`` (a date input and its time input are joined as "YYYY-MM-DD HH:MM").
"""

from __future__ import annotations

import html
import re
from typing import Any

from botbuilder.schema import Activity

from bot.handlers.teams.cards import TIME_SUFFIX
from bot.messages import Action, Address, Channel, Inbound

_AT_TAG = re.compile(r"<at>.*?</at>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


TEAMS_CHANNEL = "msteams"
EMULATOR_CHANNEL = "emulator"


def user_key(activity: Activity) -> str:
    """The id we know a Teams user by: the Entra (AAD) object id, which Teams sets and no client chooses.

    ``from.id`` is never an identity in Teams: on another channel of the same Azure Bot (Web Chat,
    Direct Line) the client picks its own ``from.id``, so it could name a colleague's object id. Only
    the Bot Framework Emulator (channel ``emulator``, taken in Emulator mode only) is known by it.
    An empty answer means "ask the Teams roster" (bot.py).
    """
    sender = activity.from_property
    if sender is None:
        return ""
    if (activity.channel_id or "") == EMULATOR_CHANNEL:
        return (getattr(sender, "aad_object_id", None) or sender.id or "").strip()
    return (getattr(sender, "aad_object_id", None) or "").strip()


def tenant_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant") if isinstance(data.get("tenant"), dict) else None
    if tenant and tenant.get("id"):
        return str(tenant["id"])
    conversation = activity.conversation
    return getattr(conversation, "tenant_id", None) if conversation else None


def door_problem(activity: Activity, *, tenant_id: str, emulator: bool) -> str | None:
    """Why this (authenticated) activity is not from the trust's Teams, or None.

    A Bot Framework token proves the activity came through the Bot Connector for our bot, not that it
    came from Teams: Web Chat and Direct Line are channels of the same Azure Bot. So only channel
    ``msteams`` is taken (``emulator`` too in Emulator mode), and with ``CADENCE_TEAMS_TENANT_ID`` set
    the activity must name that tenant. (Another tenant's people get the polite refusal in chat.)
    """
    channel = activity.channel_id or ""
    allowed = {TEAMS_CHANNEL, EMULATOR_CHANNEL} if emulator else {TEAMS_CHANNEL}
    if channel not in allowed:
        return f"channel {channel[:40]!r} is not Microsoft Teams"
    if tenant_id and channel == TEAMS_CHANNEL and tenant_of(activity) is None:
        return "the activity names no tenant"
    return None


def address_of(activity: Activity, key: str | None = None) -> Address:
    return Address(Channel.TEAMS, key or user_key(activity),
                   activity.conversation.id if activity.conversation else None, tenant_of(activity))


def platform_identity(activity: Activity, key: str | None = None) -> str:
    tenant = tenant_of(activity)
    return f"teams:{key or user_key(activity)}" + (f"@{tenant}" if tenant else "")


def strip_mentions(activity: Activity) -> str:
    text = activity.text or ""
    recipient_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        props = entity.additional_properties if hasattr(entity, "additional_properties") else {}
        if getattr(entity, "type", None) != "mention":
            continue
        mentioned = (props or {}).get("mentioned") or {}
        mention_text = (props or {}).get("text")
        if mention_text and (recipient_id is None or mentioned.get("id") == recipient_id):
            text = text.replace(mention_text, " ")
    text = _AT_TAG.sub(" ", text)
    text = _TAGS.sub(" ", text)
    return " ".join(html.unescape(text).split())


def to_inbound(activity: Activity, key: str | None = None) -> Inbound:
    """The neutral Inbound for a message activity (typed text or a card submission).

    ``key``: the sender's Entra object id when the Teams roster gave it (the activity had none).
    """
    value = activity.value if isinstance(activity.value, dict) else None
    cadence = value.get("cadence") if value else None
    base = {"address": address_of(activity, key), "platform_identity": platform_identity(activity, key)}
    if not isinstance(cadence, dict):
        return Inbound(text=strip_mentions(activity), **base)
    session_id = _int(cadence.get("session_id"))
    revision = _int(cadence.get("revision"))
    step = str(cadence["step"]) if cadence.get("step") is not None else None
    assert value is not None
    if cadence.get("form"):
        form = _form_values(value)
        return Inbound(action=Action("", session_id, revision, step), form=form, **base)
    pick = cadence.get("pick")
    if isinstance(pick, str):
        raw = _joined(value, pick)
    else:
        raw = cadence.get("value")
    # a button rendered outside a dialog (help's shortcuts) is an explicit command, never an answer
    return Inbound(action=Action(_text(raw), session_id, revision, step), command=session_id is None, **base)


def _form_values(value: dict[str, Any]) -> dict[str, str]:
    form: dict[str, str] = {}
    for key in value:
        if key == "cadence" or key.endswith(TIME_SUFFIX) or key == "msteams":
            continue
        form[key] = _joined(value, key)
    return form


def _joined(value: dict[str, Any], key: str) -> str:
    """An input's value; a date joined with its time input when the card had one."""
    main = _text(value.get(key))
    time = _text(value.get(key + TIME_SUFFIX))
    return f"{main} {time}".strip() if time else main


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _int(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        digits = raw.strip().removeprefix("-")
        # "²" is a digit to str.isdigit() but not to int(); int() refuses thousands of digits
        if digits.isascii() and digits.isdigit() and len(digits) <= 18:
            return int(raw.strip())
    return None


def answered_card_text(activity: Activity) -> tuple[str, str] | None:
    """(question, answer as the person chose it) for a card click, to replace the answered card."""
    value = activity.value if isinstance(activity.value, dict) else None
    cadence = value.get("cadence") if value else None
    if not isinstance(cadence, dict) or cadence.get("session_id") is None:
        return None
    question = _text(cadence.get("q"))
    if cadence.get("label"):
        answer = _text(cadence["label"])
    elif isinstance(cadence.get("pick"), str):
        picked = _joined(value, cadence["pick"])  # type: ignore[arg-type]
        labels = cadence.get("labels") if isinstance(cadence.get("labels"), dict) else {}
        answer = _text(labels.get(picked, picked))
    else:
        answer = _text(cadence.get("value"))
    return (question, answer) if question and answer else None
