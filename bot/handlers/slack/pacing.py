"""Pacing chat.postMessage to Slack's documented limits, so sends wait for their slot instead of a 429.

Slack: "chat.postMessage generally allows posting one message per second per channel, while also
maintaining a workspace-wide limit" (https://api.slack.com/docs/rate-limits, "Special Tier").
The pacer keeps both on this side:

- per conversation, the next message goes no sooner than ``1 / per_channel`` seconds after the
  previous one was *answered* (Slack counted it at some moment before its answer reached us, so
  this is safe whatever the network's delay);
- per workspace, at most ``per_workspace`` messages in any one second: each send holds one of
  ``per_workspace`` places from just before it leaves until one second after its answer came back.

A 429 still happens (another process of ours, a limit we do not know); ``rate_limited`` learns from
its Retry-After: that conversation, and the workspace, wait that long before the next send.
Time is the monotonic clock: this is about the real Slack, not the bot's (injectable) calendar clock.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

PER_CHANNEL_PER_SECOND = 1.0  # Slack: one message a second per channel (short bursts tolerated, not promised)
PER_WORKSPACE_PER_SECOND = 50  # the workspace-wide cap we keep to (Slack does not publish one number)
WINDOW = 1.0  # seconds: the workspace cap is per second
POLL = 0.01  # seconds between looks when every place is taken by a send still in flight
FORGET_AFTER = 4096  # conversations remembered before the ones already free are forgotten


@dataclass
class SlackPacer:
    per_channel: float = PER_CHANNEL_PER_SECOND
    per_workspace: int = PER_WORKSPACE_PER_SECOND
    now: Callable[[], float] = time.monotonic
    _free_at: dict[str, float] = field(default_factory=dict)  # conversation -> when it may take the next message
    _in_flight: set[str] = field(default_factory=set)
    _sending: int = 0
    _recent: deque[float] = field(default_factory=deque)  # when each answered send stops counting, in order
    _paused_until: float = 0.0
    rate_limited_count: int = 0

    def __post_init__(self) -> None:
        if self.per_channel <= 0 or self.per_workspace < 1:
            raise ValueError("Slack pacing needs a positive rate per channel and at least 1 message a second "
                             "per workspace (CADENCE_SLACK_PER_CHANNEL_PER_SECOND, "
                             "CADENCE_SLACK_PER_WORKSPACE_PER_SECOND)")

    # --- asking ---------------------------------------------------------------------------

    def ready_in(self, channel: str) -> float:
        """Seconds until ``channel`` may take a message (0 if now): its own turn, or a pause after a 429.
        The workspace's 50 a second is not counted here: every conversation shares it, so waiting for
        it inside the send never holds one person up behind another."""
        t = self.now()
        return max(0.0, self._free_at.get(channel, 0.0) - t, self._paused_until - t)

    def _workspace_wait(self, t: float) -> float:
        while self._recent and self._recent[0] <= t:
            self._recent.popleft()
        if len(self._recent) + self._sending < self.per_workspace:
            return 0.0
        return self._recent[0] - t if self._recent else POLL

    # --- sending --------------------------------------------------------------------------

    @asynccontextmanager
    async def slot(self, channel: str) -> AsyncIterator[None]:
        """Wait for ``channel``'s turn and a place in the workspace's second, then send inside."""
        while True:
            t = self.now()
            wait = max(self.ready_in(channel), self._workspace_wait(t), POLL if channel in self._in_flight else 0.0)
            if wait <= 0:
                break
            await asyncio.sleep(wait)
        self._in_flight.add(channel)
        self._sending += 1
        try:
            yield
        finally:
            done = self.now()
            self._in_flight.discard(channel)
            self._sending -= 1
            self._free_at[channel] = max(self._free_at.get(channel, 0.0), done + 1.0 / self.per_channel)
            self._recent.append(done + WINDOW)
            if len(self._free_at) > FORGET_AFTER:
                self._free_at = {c: at for c, at in self._free_at.items() if at > done}

    def sent_outside(self, channel: str) -> None:
        """A message went to ``channel`` without waiting (an answer to someone in conversation):
        it still counts against the conversation and the workspace."""
        done = self.now()
        self._free_at[channel] = max(self._free_at.get(channel, 0.0), done + 1.0 / self.per_channel)
        self._recent.append(done + WINDOW)

    def rate_limited(self, channel: str, retry_after: float) -> None:
        """Slack answered 429 anyway: this conversation and the whole workspace wait ``retry_after``.

        A 429 does not say which limit was hit; our own spacing per conversation was kept, so the
        likelier one is the workspace's (another worker of ours shares it)."""
        until = self.now() + max(0.0, retry_after)
        self._free_at[channel] = max(self._free_at.get(channel, 0.0), until)
        self._paused_until = max(self._paused_until, until)
        self.rate_limited_count += 1
