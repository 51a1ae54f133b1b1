"""Who does what, and who hears an appeal (Policy 1.3, 4.2, 9.2-9.3).

Role keys used across Cadence: "colleague", "reviewer", "line_manager", "headteacher",
"executive_leader", "chair_of_governors", "local_governing_body", "governor", "hr_admin",
"ceo", "trust_board".

Decision where the policy is silent: an organisation of kind "trust" (staff employed by the
Trust itself) is treated like a "central" team for 1.3, because it has no Headteacher or LGB.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

OrgKind = Literal["trust", "academy", "central"]
ORG_KINDS: tuple[str, ...] = ("trust", "academy", "central")
CENTRAL_KINDS = frozenset({"trust", "central"})  # Policy 1.3: central / hub teams

_ACADEMY_TITLES: dict[str, str] = {
    "colleague": "Colleague",
    "reviewer": "Reviewer",
    "line_manager": "Line manager",
    "headteacher": "Headteacher",
    "executive_leader": "Executive Leadership Team member",
    "chair_of_governors": "Chair of Governors",
    "local_governing_body": "Local Governing Body",
    "governor": "Governor",
    "hr_admin": "HR administrator",
    "ceo": "Trust CEO",
    "trust_board": "Trust Board",
}
_CENTRAL_TITLES: dict[str, str] = {  # Policy 1.3
    **_ACADEMY_TITLES,
    "headteacher": "Executive Leadership Team member",
    "local_governing_body": "Trust Board",
    "chair_of_governors": "Chair of the Trust Board",
    "governor": "Trust Board member",
}
_ROLE_ALIASES = {"lgb": "local_governing_body", "local governing body": "local_governing_body",
                 "principal": "headteacher", "chair": "chair_of_governors"}


def _is_central(org_kind: str) -> bool:
    if org_kind not in ORG_KINDS:
        raise ValueError(f"Unknown organisation kind {org_kind!r}; use one of {', '.join(ORG_KINDS)}.")
    return org_kind in CENTRAL_KINDS


def _role_key(role: str) -> str:
    key = role.strip().lower()
    return _ROLE_ALIASES.get(key, key.replace(" ", "_"))


def role_title(role: str, org_kind: str) -> str:
    """The title a role has in this kind of organisation (Policy 1.3)."""
    titles = _CENTRAL_TITLES if _is_central(org_kind) else _ACADEMY_TITLES
    key = _role_key(role)
    return titles.get(key, key.replace("_", " ").capitalize())


# --- escalation -------------------------------------------------------------------------------


def escalation_chain(org_kind: str) -> tuple[str, ...]:
    """Who an overdue item goes to, one level at a time: reviewer, then the head, then the chair."""
    head = "executive_leader" if _is_central(org_kind) else "headteacher"
    return ("reviewer", head, "chair_of_governors")


def next_escalation(role: str, org_kind: str) -> str | None:
    """The next role up from ``role``; None at the top of the chain.

    A colleague's overdue item goes to their reviewer; a line manager counts as a reviewer; in a
    central team "headteacher" means the Executive Leadership Team member (1.3).
    """
    key = _role_key(role)
    chain = escalation_chain(org_kind)
    if key == "colleague":
        return chain[0]
    if key == "line_manager":
        key = "reviewer"
    if key in ("headteacher", "executive_leader"):
        key = chain[1]
    if key not in chain:
        raise ValueError(f"{role!r} is not on the escalation chain ({', '.join(chain)}).")
    position = chain.index(key)
    return chain[position + 1] if position + 1 < len(chain) else None


# --- appeals ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealRoute:
    handler_role: str  # who receives the written appeal
    panel: str  # who hears it
    clause: str
    message: str


def appeal_route(colleague_reports_to_head: bool, org_kind: str) -> AppealRoute:
    """Where a written appeal goes (Policy 9.2-9.3, with 1.3 for central teams)."""
    central = _is_central(org_kind)
    head = "executive_leader" if central else "headteacher"
    head_title = role_title(head, org_kind)
    rights = (
        " You may bring a union representative or a work colleague to the hearing (Policy 9.4), "
        "which will be held within 15 working days of your written appeal (Policy 9.5)."
    )
    if colleague_reports_to_head:
        chair_title = role_title("chair_of_governors", org_kind)
        panel = "trust_board" if central else "local_governing_body"
        panel_title = "the Trust Board" if central else "the Local Governing Body"
        return AppealRoute(
            handler_role="chair_of_governors",
            panel=panel,
            clause="9.3",
            message=(
                f"Because you report directly to the {head_title}, send your appeal in writing to the "
                f"{chair_title}, who will arrange a panel drawn from {panel_title} to hear it (Policy 9.3)."
                + rights
            ),
        )
    return AppealRoute(
        handler_role=head,
        panel=head,
        clause="9.2",
        message=(
            f"Send your appeal in writing to the {head_title} (Policy 9.2). It will be heard by a more senior "
            f"manager than your reviewer, usually the {head_title} (Policy 9.3)." + rights
        ),
    )


def can_hear_appeal(hearer_is_reviewer: bool, hearer_more_senior: bool) -> tuple[bool, str]:
    """Policy 9.3: appeals are heard by a more senior manager than the reviewer."""
    if hearer_is_reviewer:
        return (False, "Policy 9.3: the reviewer cannot hear an appeal against their own review. "
                       "Ask a more senior manager, usually the Headteacher.")
    if not hearer_more_senior:
        return (False, "Policy 9.3: appeals are heard by a manager more senior than the reviewer. "
                       "Choose someone more senior, usually the Headteacher.")
    return (True, "Policy 9.3: a more senior manager than the reviewer may hear this appeal.")


def can_take_over_review(is_headteacher: bool, equal_or_higher_status: bool) -> tuple[bool, str]:
    """Policy 4.2: the Headteacher takes over a review, or delegates it to a manager of equal or
    higher status than the colleague's line manager. The cycle does not restart (4.3)."""
    if is_headteacher:
        return (True, "Policy 4.2: the Headteacher may take over this review; "
                      "answers, objectives and dates are kept (Policy 4.3).")
    if equal_or_higher_status:
        return (True, "Policy 4.2: this manager has equal or higher status than the line manager, so the "
                      "review can be delegated to them; answers, objectives and dates are kept (Policy 4.3).")
    return (False, "Policy 4.2: a review can only be delegated to a manager of equal or higher status than the "
                   "colleague's line manager. Choose someone else, or the Headteacher can take it on.")
