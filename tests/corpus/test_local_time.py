"""Times people read are Vietnam's (Asia/Ho_Chi_Minh, marked +07); what scripts read stays
the stored ISO 8601 text (issue 19). Run as a user runs hdnd, on a copy of the web corpus."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from corpus.display import shown_time
from tests.conftest import ROOT

UTC_EVENING = "2026-01-01T20:00:00+00:00"   # 03:00 the next morning in Hà Nội
SHOWN = "2026-01-02 03:00 +07"


def hdnd(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "corpus", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def corpus(web_corpus, tmp_path_factory):
    """A copy of the web corpus whose last run and first article were stored at 20:00 UTC on
    2026-01-01, with a person's correction; yields (path, article id, promise id)."""
    path = tmp_path_factory.mktemp("local-time") / "hdnd.db"
    with sqlite3.connect(web_corpus) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    with sqlite3.connect(path) as conn:
        article, promise = conn.execute("SELECT MIN(article_id), MIN(commitment_id) FROM commitment_sources").fetchone()
    hdnd("promise", str(promise), "--reject", "not_a_promise", "--by", "Lan Anh", "--db", str(path))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE runs SET started_at = ? WHERE id = (SELECT MAX(id) FROM runs)", (UTC_EVENING,))
        conn.execute("UPDATE articles SET imported_at = ?, updated_at = NULL WHERE id = ?", (UTC_EVENING, article))
    return path, article, promise


@pytest.mark.parametrize("stored, shown", [
    (UTC_EVENING, SHOWN),
    ("2026-01-01T20:00:00Z", SHOWN),
    ("2024-05-16T09:30:00+07:00", "2024-05-16 09:30 +07"),   # a publisher's own offset
    ("2024-05-16T09:30", "2024-05-16 09:30 +07"),            # no offset: Vietnam's, as the crawler reads pages
    ("2024-05-16", "2024-05-16"),                            # a day stays a day
    ("Kỳ họp thứ 15", "Kỳ họp thứ 15"), (None, None), (7, 7),
])
def test_a_stored_time_is_shown_on_vietnams_clock(stored, shown):
    assert shown_time(stored) == shown


def test_stats_shows_the_last_run_in_local_time_and_json_keeps_utc(corpus):
    path, _, _ = corpus
    table = hdnd("stats", "--db", str(path)).stdout
    assert SHOWN in table and UTC_EVENING not in table
    runs = json.loads(hdnd("stats", "--format", "json", "--db", str(path)).stdout)["last_runs"]
    assert runs[0]["started_at"] == UTC_EVENING


def test_versions_show_when_stored_in_local_time(corpus):
    path, article, _ = corpus
    assert f"stored_at={SHOWN}" in hdnd("versions", str(article), "--db", str(path)).stdout
    rows = [json.loads(line) for line in hdnd("versions", str(article), "--format", "jsonl", "--db", str(path)).stdout.splitlines()]
    assert rows[-1]["stored_at"] == UTC_EVENING
    csv_text = hdnd("versions", str(article), "--format", "csv", "--db", str(path)).stdout
    assert UTC_EVENING in csv_text and SHOWN not in csv_text


def test_a_persons_decision_shows_who_and_when_in_local_time(corpus):
    path, _, promise = corpus
    events = json.loads(hdnd("promise", str(promise), "--format", "json", "--db", str(path)).stdout)["events"]
    (recorded,) = [e["recorded_at"] for e in events if e["actor"] == "Lan Anh"]
    assert recorded.endswith("+00:00")  # stored in UTC
    local = datetime.fromisoformat(recorded).astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert f"by Lan Anh at {local:%Y-%m-%d %H:%M} +07" in hdnd("promise", str(promise), "--db", str(path)).stdout


def test_today_is_vietnams_whatever_the_machines_zone(corpus):
    """A decision is dated by the day in Vietnam, also on a machine whose clock is set 12 hours
    behind UTC (where for 19 hours of every day the date differs from Vietnam's)."""
    path, _, promise = corpus
    vietnam = ZoneInfo("Asia/Ho_Chi_Minh")
    before = datetime.now(vietnam).date().isoformat()
    hdnd("promise", str(promise), "--reject", "wrong_kind", "--kind", "demand", "--db", str(path),
         env={**os.environ, "TZ": "Etc/GMT+12"})
    after = datetime.now(vietnam).date().isoformat()
    with sqlite3.connect(path) as conn:
        (day,) = conn.execute("SELECT at FROM commitment_events WHERE status = 'wrong_kind'").fetchone()
    assert day in {before, after}
