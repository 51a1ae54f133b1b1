"""The install manifest asks for exactly what the code uses: scopes, the command, events, interactivity."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "deploy" / "slack-manifest.yml").read_text(encoding="utf-8"))
CODE = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "handlers" / "slack").glob("*.py"))

# Web API method -> the bot scope it needs (Slack's method reference); None: no scope needed
SCOPES = {"chat_postMessage": "chat:write", "chat_update": "chat:write", "conversations_open": "im:write", "users_info": "users:read",
          "users_lookupByEmail": "users:read.email", "files_upload_v2": "files:write", "views_open": None,
          "views_publish": None, "auth_test": None}
EVENT_SCOPES = {"message.im": "im:history", "app_home_opened": None}


def test_every_scope_is_used_and_every_call_is_covered() -> None:
    called = set(re.findall(r"(?:client|_web\(\))\.(\w+)\(", CODE))
    assert called <= set(SCOPES), f"add the scope for {called - set(SCOPES)}"
    needed = {SCOPES[m] for m in called} | {s for s in EVENT_SCOPES.values()} | {"commands", "users:read.email"}
    needed.discard(None)
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == needed


def test_one_url_serves_events_interactivity_and_the_command() -> None:
    settings, features = MANIFEST["settings"], MANIFEST["features"]
    urls = {settings["event_subscriptions"]["request_url"], settings["interactivity"]["request_url"],
            *(c["url"] for c in features["slash_commands"])}
    assert len(urls) == 1 and urls.pop().endswith("/slack/events")
    assert [c["command"] for c in features["slash_commands"]] == ["/cadence"]
    assert settings["interactivity"]["is_enabled"] is True


def test_the_events_subscribed_are_the_events_listened_to() -> None:
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == set(EVENT_SCOPES)
    assert '@bolt.event("message")' in CODE and '@bolt.event("app_home_opened")' in CODE
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    assert MANIFEST["features"]["app_home"]["messages_tab_enabled"] is True
