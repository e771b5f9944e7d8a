"""Labels the store shares with the extractors, in a module that imports nothing heavy:
the ``hdnd`` commands that only read the corpus must start without spaCy or underthesea."""

from __future__ import annotations

REPORT_STATUSES = ("kept", "partly", "not_kept", "in_progress")  # what a status report can suggest
