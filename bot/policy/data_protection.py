"""Data protection deadlines (UK GDPR), pure.

A subject access request is answered "without undue delay and in any event within one month of
receipt" (UK GDPR Article 12(3)). The ICO reads a month as ending on the corresponding calendar
date of the next month, or on the last day of that month when it has no such date (a request
received on 31 January is due on 28 or 29 February).
"""

from __future__ import annotations

import calendar
from datetime import date

SUBJECT_ACCESS_CLAUSE = "UK GDPR Article 12(3); Policy 10.1"


def subject_access_deadline(received: date) -> date:
    """The last day to answer a subject access request received on ``received``."""
    year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
    return date(year, month, min(received.day, calendar.monthrange(year, month)[1]))
