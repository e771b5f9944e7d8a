"""Labels the store shares with the extractors, in a module that imports nothing heavy:
the ``hdnd`` commands that only read the corpus must start without spaCy or underthesea."""

from __future__ import annotations

REPORT_STATUSES = ("kept", "partly", "not_kept", "in_progress")  # what a status report can suggest
# The National Assembly Standing Committee, a council of its own in the store: it numbers its
# meetings ("phiên họp thứ 26"), as councils number their sessions.
STANDING_COMMITTEE = "Ủy ban Thường vụ Quốc hội"
