"""Every field of every recorded Slack payload, broken every way we know, never gets a 5xx.

The hypothesis test in test_door.py samples this space at random; this one walks all of it, so a
regression shows up on every run rather than on an unlucky one.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from tests.slack.conftest import Slack
from tests.slack.test_door import FUZZ_BASES, _paths, _replace

BROKEN_VALUES = [None, True, 5, "", [], {}, [None], {"id": 5}]


async def test_a_signed_payload_with_any_one_field_broken_gets_a_4xx_or_a_reply_never_a_5xx(slack: Slack) -> None:
    server_errors = []
    for base in FUZZ_BASES:
        for path in _paths(base):
            for value in BROKEN_VALUES:
                broken = _replace(base, path, value)
                body = json.dumps(broken)
                if isinstance(broken, dict) and broken.get("type") in ("block_actions", "view_submission"):
                    status, _ = await slack.post("payload=" + quote(body, safe=""),
                                                 "application/x-www-form-urlencoded")
                else:
                    status, _ = await slack.post(body)
                if status >= 500:
                    server_errors.append((path, value, status))
    assert server_errors == []
