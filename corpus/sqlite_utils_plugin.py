"""The sqlite-utils plugin (entry point ``sqlite_utils``): hdnd's SQL functions in every
connection sqlite-utils opens, so ``sqlite-utils query hdnd.db "… hdnd_fold(…) …"`` folds
as hdnd does. Writing the corpus needs none of them; reading it the way hdnd searches does.
A corpus that lost triggers to ``sqlite-utils transform`` gets them back at the next command,
before that command writes (sqlite-utils has no hook after a command); a read-only
connection leaves them to the next command that can write.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import hookimpl

from corpus.db import prepare_connection as _prepare
from corpus.db import repair


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    """hdnd_fold and hdnd_person_key, as ``corpus.db.connect`` registers them; then the
    corpus's lost triggers, if any, re-created as ``corpus.db.connect`` does."""
    _prepare(conn)
    repair(conn)
