"""Slack: the only package that imports slack_bolt (slack_sdk for the Web API).

routes.py    POST /slack/events (events, interactivity, /cadence) guarded before Bolt; Socket Mode
runtime.py   builds the Web API client, the Bolt AsyncApp, channel and identity once per process
listeners.py Bolt listeners: ack first, then the dialog engine, then answer
translate.py Slack payload -> Inbound (pure)
blocks.py    Reply -> Block Kit messages, modals and the App Home (pure; Slack's limits kept)
channel.py   sending: DMs, modals, App Home, files; the reminders' Deliverer (429 -> Retry-After)
identity.py  Slack user -> roster person (slack_user_id, else their email via users.info)
"""
