"""Slack payload -> :class:`Inbound` (pure: no I/O, no clock, no slack_bolt objects).

Covers what Cadence subscribes to: ``message.im`` events, ``block_actions`` (our buttons),
``view_submission`` (our modal forms) and the ``/cadence WORD ARGS`` slash command. Anything
else, or anything of the wrong shape, translates to ``None`` and is ignored politely.
:func:`shape_problem` is the door check used by the HTTP route before Bolt sees a body.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.messages import Action, Address, Channel, Inbound
from bot.policy.workdays import DEFAULT_TIMEZONE

ACTION_PREFIX = "cadence_"
CHOICE_ACTION = "cadence_choice"  # cadence_choice_<n>: an answer button
HOME_ACTION = "cadence_home"  # cadence_home_<n>: an App Home button starting a command
OPEN_FORM_ACTION = "cadence_open_form"  # re-open the current form as a modal
FORM_CALLBACK = "cadence_form"  # callback_id of our modals
COMMAND = "/cadence"
DM_PREFIX = "D"  # Slack's ids of direct-message conversations (a channel is C..., a group DM G... or C...)

_LINK = re.compile(r"<(mailto:)?([^<>|@!#][^<>|]*)\|([^<>]*)>|<(?:mailto:)?([^<>|@!#][^<>|]*)>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]{1,30})(?:\|[^<>]*)?>")


def clean_text(text: str) -> str:
    """Slack's wire text as the person typed it: links unwrapped, &amp; &lt; &gt; unescaped.

    Slack turns ``jo@school.org`` into ``<mailto:jo@school.org|jo@school.org>``; the router wants
    the plain email (the address, not the label). User mentions (``<@U1>``) are left for
    :func:`with_mentions` (their email needs a lookup); channel links stay as they are.
    """

    def unwrap(m: re.Match[str]) -> str:
        if m.group(3) is not None:
            return m.group(2) if m.group(1) else (m.group(3) or m.group(2))
        return m.group(4)

    return html.unescape(_LINK.sub(unwrap, text or "")).strip()


def mentioned_users(text: str | None) -> list[str]:
    """The Slack user ids mentioned in a text (``export <@U0JO>``), in order, once each."""
    return list(dict.fromkeys(_MENTION.findall(text or "")))


def with_mentions(text: str, emails: dict[str, str]) -> str:
    """Each mention of a known user replaced by their email, which the router understands; others kept."""
    return _MENTION.sub(lambda m: emails.get(m.group(1), m.group(0)), text)


def identity(user_id: str, team_id: str | None) -> str:
    return f"slack:{user_id}@{team_id}" if team_id else f"slack:{user_id}"


def _address(user_id: str, conversation_id: str | None, team_id: str | None) -> Address:
    return Address(Channel.SLACK, user_id, conversation_id, team_id)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# --- events ---------------------------------------------------------------------------------


def from_message_event(event: dict[str, Any], team_id: str | None = None) -> Inbound | None:
    """A person's direct message to the bot. Edits, bot messages and channel messages are ignored."""
    if not isinstance(event, dict) or event.get("type") != "message":
        return None
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return None
    if event.get("subtype") not in (None, "file_share"):  # edits, deletions, joins: not something said
        return None
    user, channel = _str(event.get("user")), _str(event.get("channel"))
    text = event.get("text")
    if user is None or channel is None or not isinstance(text, str):
        return None
    team = _str(event.get("team")) or team_id
    return Inbound(_address(user, channel, team), text=clean_text(text), platform_identity=identity(user, team))


def from_command(body: dict[str, Any]) -> Inbound | None:
    """``/cadence WORD ARGS``: the same words as the console chat; no words means help."""
    user = _str(body.get("user_id"))
    if user is None or body.get("command") != COMMAND:
        return None
    team = _str(body.get("team_id"))
    text = clean_text(body.get("text") if isinstance(body.get("text"), str) else "") or "help"
    return Inbound(_address(user, None, team), text=text, platform_identity=identity(user, team), command=True)


# --- interactivity --------------------------------------------------------------------------


def encode_value(value: str | None = None, session_id: int | None = None, revision: int | None = None,
                 step: str | None = None) -> str:
    """What a button carries: the answer plus the dialog state it was rendered from (compact JSON)."""
    data: dict[str, Any] = {}
    if value is not None:
        data["v"] = value
    if session_id is not None:
        data["s"] = session_id
    if revision is not None:
        data["r"] = revision
    if step:
        data["k"] = step
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_value(raw: Any) -> Action | None:
    """A button value back into an :class:`Action`; None when it isn't one of ours."""
    if not isinstance(raw, str):
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    value, session, revision, step = data.get("v", ""), data.get("s"), data.get("r"), data.get("k")
    if not isinstance(value, str):
        return None
    if session is not None and not isinstance(session, int):
        return None
    if revision is not None and not isinstance(revision, int):
        return None
    return Action(value=value, session_id=session, revision=revision, step=step if isinstance(step, str) else None)


@dataclass(frozen=True)
class Click:
    """A button press on one of our messages, modals or the App Home."""

    inbound: Inbound
    action_id: str
    trigger_id: str | None
    channel_id: str | None  # where the clicked message is; None on the App Home
    message_ts: str | None = None  # the clicked message, to mark the answer on it
    message_blocks: tuple[dict[str, Any], ...] = ()
    label: str = ""  # the clicked button's text


def clicked_by(body: dict[str, Any]) -> str | None:
    """Who pressed a button: all a click's ack needs (the rest is read after it)."""
    user = body.get("user")
    return _str(user.get("id")) if isinstance(user, dict) else None


def from_block_action(body: dict[str, Any]) -> Click | None:
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    user_id = _str(user.get("id"))
    actions = body.get("actions")
    if user_id is None or not isinstance(actions, list) or not actions or not isinstance(actions[0], dict):
        return None
    first = actions[0]
    action_id = _str(first.get("action_id")) or ""
    if not action_id.startswith(ACTION_PREFIX):
        return None
    raw = first.get("value")
    if raw is None and isinstance(first.get("selected_option"), dict):
        raw = first["selected_option"].get("value")
    action = decode_value(raw)
    if action is None:
        return None
    team = _str((body.get("team") or {}).get("id")) if isinstance(body.get("team"), dict) else None
    team = team or _str(user.get("team_id"))
    channel = body.get("channel") if isinstance(body.get("channel"), dict) else {}
    container = body.get("container") if isinstance(body.get("container"), dict) else {}
    channel_id = _str(channel.get("id")) or _str(container.get("channel_id"))
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    message_ts = _str(message.get("ts")) or _str(container.get("message_ts"))
    if channel_id is not None and not channel_id.startswith(DM_PREFIX):
        # Cadence writes only in a person's DM; a click on a copy of its message elsewhere (a channel, a
        # group DM) is answered in the clicker's own DM, and the copy is left as it is
        channel_id = message_ts = None
    # a button tied to no dialog state (App Home, help, status, a reminder's "start" button) is a command
    inbound = Inbound(_address(user_id, channel_id, team), action=action, platform_identity=identity(user_id, team),
                      command=action.session_id is None and action_id != OPEN_FORM_ACTION)
    blocks = message.get("blocks") if isinstance(message.get("blocks"), list) else []
    text = first.get("text") if isinstance(first.get("text"), dict) else {}
    return Click(inbound, action_id, _str(body.get("trigger_id")), channel_id, message_ts,
                 tuple(b for b in blocks if isinstance(b, dict)), _str(text.get("text")) or "")


@dataclass(frozen=True)
class Submission:
    """A modal form submitted. It carries no place to answer: the answer always goes to the submitter's
    own DM (the listener opens it from the signed payload's user id), never to a channel the modal's
    private_metadata names, which a careless or hostile submission could point anywhere."""

    inbound: Inbound
    trigger_id: str | None


def form_metadata(session_id: int | None, revision: int | None, step: str | None, form_id: str,
                  channel_id: str | None) -> str:
    """private_metadata of a modal: the dialog state it belongs to (``s``, ``r``, ``k``, ``f``).

    ``c`` (the DM the form was opened from) is written for the record only and never read back: where
    to answer and who is answering come from the signed payload, not from metadata (see Submission).
    """
    return json.dumps({"s": session_id, "r": revision, "k": step, "f": form_id, "c": channel_id},
                      separators=(",", ":"))


def from_view_submission(body: dict[str, Any], tz: str = DEFAULT_TIMEZONE) -> Submission | None:
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    user_id = _str(user.get("id"))
    view = body.get("view")
    if user_id is None or not isinstance(view, dict) or view.get("callback_id") != FORM_CALLBACK:
        return None
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return None
    if not isinstance(meta, dict):
        return None
    session, revision = meta.get("s"), meta.get("r")
    if not isinstance(session, int) or not isinstance(revision, int):
        return None
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = state.get("values") if isinstance(state.get("values"), dict) else {}
    form: dict[str, str] = {}
    for block_id, inputs in values.items():
        if not isinstance(inputs, dict):
            continue
        for element in inputs.values():
            if isinstance(element, dict):
                form[str(block_id)] = element_value(element, tz)
    team = _str((body.get("team") or {}).get("id")) if isinstance(body.get("team"), dict) else None
    team = team or _str(user.get("team_id"))
    action = Action(value="", session_id=session, revision=revision, step=_str(meta.get("k")))
    inbound = Inbound(_address(user_id, None, team), action=action, form=form,
                      platform_identity=identity(user_id, team))
    return Submission(inbound, _str(body.get("trigger_id")))


def element_value(element: dict[str, Any], tz: str = DEFAULT_TIMEZONE) -> str:
    """One input's submitted value as the text a person would type (what answers.parse_answer reads)."""
    kind = element.get("type")
    if kind in ("static_select", "radio_buttons"):
        option = element.get("selected_option")
        return str(option.get("value", "")) if isinstance(option, dict) else ""
    if kind == "datepicker":
        return str(element.get("selected_date") or "")
    if kind == "datetimepicker":
        stamp = element.get("selected_date_time")
        if not isinstance(stamp, int | float) or isinstance(stamp, bool):
            return ""
        try:
            local = datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(tz))
        except (OverflowError, OSError, ValueError):  # 1e20, nan: no date a picker can give
            return ""
        return f"{local:%Y-%m-%d %H:%M}"
    if kind == "checkboxes":
        options = element.get("selected_options") or []
        return ", ".join(str(o.get("value", "")) for o in options if isinstance(o, dict))
    value = element.get("value")
    return value if isinstance(value, str) else ""


# --- the door -------------------------------------------------------------------------------


def workspaces_of(body: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(team ids, Enterprise Grid org ids) a request names: its own and its user's."""
    teams: set[str] = set()
    orgs: set[str] = set()

    def add(into: set[str], value: Any) -> None:
        if isinstance(value, str) and value:
            into.add(value)

    add(teams, body.get("team_id"))
    add(orgs, body.get("enterprise_id"))
    for key, into in (("team", teams), ("enterprise", orgs)):
        if isinstance(body.get(key), dict):
            add(into, body[key].get("id"))
    user = body.get("user")
    if isinstance(user, dict):
        add(teams, user.get("team_id"))
        add(orgs, user.get("enterprise_id"))
    event = body.get("event")
    if isinstance(event, dict):
        add(teams, event.get("team"))
        add(teams, event.get("user_team"))
    return teams, orgs


def foreign_workspace(body: dict[str, Any], allowed: frozenset[str]) -> str | None:
    """Why this request is from outside the trust's workspace (``allowed``: team and org ids), or None.

    Every team the request names must be allowed, or else every Enterprise Grid org it names (an
    org-wide install serves all the org's workspaces). A request naming neither (url_verification,
    ssl_check) is not a person's and passes.
    """
    teams, orgs = workspaces_of(body)
    if not teams and not orgs:
        return None
    if teams and teams <= allowed:
        return None
    if orgs and orgs <= allowed:
        return None
    return f"workspace {', '.join(sorted(teams | orgs))[:120]} is not this trust's"


def shape_problem(body: Any) -> str | None:
    """Why a (signed) body is not a Slack event, interaction or command we can read; None if it is.

    Bolt answers 500 to some of these; the route answers 400 instead (DESIGN.md quality bar).
    """
    if not isinstance(body, dict):
        return "the body is not a JSON object or form"
    if "ssl_check" in body:
        return None
    for key in ("event", "user", "team", "channel", "container", "message", "view"):
        if key in body and not isinstance(body[key], dict) and not (key == "user" and "command" in body):
            return f"'{key}' is not an object"
    if key_problem := _nested_problem(body):
        return key_problem
    if "command" in body and not isinstance(body["command"], str):  # Bolt's command matcher needs a string
        return "'command' is not a string"
    kind = body.get("type")
    if kind is not None:
        if not isinstance(kind, str):
            return "'type' is not a string"
        if kind == "url_verification":
            return None if isinstance(body.get("challenge"), str) else "url_verification without a challenge"
        if kind == "event_callback":
            event = body.get("event")
            if not isinstance(event, dict) or not isinstance(event.get("type"), str):
                return "event_callback without an event object"
            return None
        if kind in ("block_actions", "view_submission", "view_closed", "block_suggestion", "shortcut",
                    "message_action"):
            user = body.get("user")
            if not isinstance(user, dict) or not isinstance(user.get("id"), str):
                return f"{kind} without a user"
            if kind == "block_actions" and not (isinstance(body.get("actions"), list) and body["actions"]
                                                and all(isinstance(a, dict) and isinstance(a.get("action_id"), str)
                                                        for a in body["actions"])):
                return "block_actions without a list of actions"
            if kind.startswith("view_") and not (isinstance(body.get("view"), dict)
                                                 and isinstance(body["view"].get("type"), str)):
                return f"{kind} without a view (or its type)"  # Bolt's view matcher reads view["type"]
            return None
        return None  # other Slack types: Bolt answers them (404 when nobody listens)
    if "command" in body:
        if not isinstance(body.get("command"), str) or not isinstance(body.get("user_id"), str):
            return "a slash command without a command or user"
        return None
    return "not a Slack event, interaction or slash command"


def _nested_problem(body: dict[str, Any]) -> str | None:
    """Fields Bolt reads without checking their type (found by fuzzing the route)."""
    for outer, inner in (("event", "user"), ("event", "channel"), ("user", "id"), ("team", "id"),
                         ("channel", "id"), ("view", "callback_id"), ("event", "type"),
                         ("view", "app_installed_team_id"), ("view", "team_id")):  # Bolt's team id for a view
        value = body.get(outer, {}).get(inner) if isinstance(body.get(outer), dict) else None
        if value is not None and not isinstance(value, str):
            return f"'{outer}.{inner}' is not a string"
    for key in ("callback_id", "trigger_id", "response_url", "api_app_id", "team_id", "enterprise_id"):
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"'{key}' is not a string"
    actions = body.get("actions")
    if isinstance(actions, list):
        for action in actions:
            if not isinstance(action, dict):
                return "an action is not an object"
            for key in ("action_id", "block_id", "type"):
                if action.get(key) is not None and not isinstance(action[key], str):
                    return f"'actions.{key}' is not a string"
    auths = body.get("authorizations")
    if auths is not None and not (isinstance(auths, list) and all(isinstance(a, dict) for a in auths)):
        return "'authorizations' is not a list of objects"
    for auth in auths or ():
        for key in ("team_id", "enterprise_id", "user_id"):
            if auth.get(key) is not None and not isinstance(auth[key], str):
                return f"'authorizations.{key}' is not a string"
    return None
