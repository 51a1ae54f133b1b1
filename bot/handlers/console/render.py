"""Reply -> plain text for a terminal (pure). Buttons become a numbered list."""

from __future__ import annotations

from bot.messages import Reply


def render(reply: Reply) -> str:
    lines: list[str] = []
    if reply.card is not None:
        lines.append(f"── {reply.card.title} ──")
        width = max((len(k) for k, _ in reply.card.facts), default=0)
        lines.extend(f"  {k.ljust(width)}  {v}" for k, v in reply.card.facts)
        lines.extend(reply.card.sections)
        if reply.text and not _card_repeats_text(reply):
            lines.insert(0, reply.text)
    elif reply.text:
        lines.append(reply.text)
    if reply.choices:
        lines.extend(f"  {i}. {c.label}" for i, c in enumerate(reply.choices, 1))
    if reply.clause and f"{reply.clause}" not in "\n".join(lines):
        lines.append(f"  (Policy {reply.clause})")
    return "\n".join(lines)


def _card_repeats_text(reply: Reply) -> bool:
    assert reply.card is not None
    return all(v in reply.text for _, v in reply.card.facts)
