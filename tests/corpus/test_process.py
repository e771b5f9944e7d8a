import json

from corpus.cli import cli
from corpus.ingest import import_paths
from corpus.process import process_corpus

ARTICLE = """Kỳ họp thứ 14 HĐND tỉnh Nam Định: chất vấn về cải cách hành chính

Sáng 12/7, tại kỳ họp thứ 14, HĐND tỉnh Nam Định khóa XIX, Giám đốc Sở Nội vụ Trần Văn Chung trả lời chất vấn.

Theo Quyết định số 2210/QĐ-UBND ngày 05/10/2023 của UBND tỉnh, Chỉ số CCHC năm 2022 của tỉnh Nam Định đạt 87,36%, xếp thứ 12/63 tỉnh, thành phố, tăng 5 bậc so với năm 2021.

Đại biểu Phạm Thị Thu (Tổ đại biểu huyện Hải Hậu) đề nghị làm rõ nguyên nhân chậm giải quyết hồ sơ đất đai.
"""


def _corpus(tmp_path, db, count=3):
    for i in range(count):
        (tmp_path / f"bai{i}.txt").write_text(ARTICLE.replace("thứ 14", f"thứ {14 + i}"), encoding="utf-8")
    summary = import_paths(db, [tmp_path])
    assert summary.counts["new"] == count


def test_process_stores_records_and_rerun_is_a_no_op(tmp_path, fresh_db):
    _corpus(tmp_path, fresh_db)
    summary = process_corpus(fresh_db)
    assert summary.counts["analysed"] == 3 and summary.counts["failed"] == 0
    (value,) = {(r["index"], r["entity"], r["year"], r["value"], r["rank"]) for r in fresh_db["index_values"].rows}
    assert value == ("PAR_INDEX", "Nam Định", 2022, 87.36, 12)
    persons = {r["name"]: r["title"] for r in fresh_db["persons"].rows}
    assert persons["Trần Văn Chung"] == "Giám đốc Sở Nội vụ"
    assert persons["Phạm Thị Thu"].startswith("Đại biểu")
    assert fresh_db["persons"].count == 2  # one canonical row across three articles
    assert fresh_db["sessions"].count == 3
    for row in fresh_db.query("SELECT m.start, m.\"end\", m.quote, a.text FROM mentions m JOIN articles a ON a.id = m.article_id"):
        assert row["text"][row["start"]:row["end"]] == row["quote"]
    again = process_corpus(fresh_db)
    assert again.counts["analysed"] == 0


def test_two_workers_store_what_one_does(tmp_path, db_path):
    from corpus.db import connect

    first, second = connect(tmp_path / "a.db"), connect(tmp_path / "b.db")
    for db in (first, second):
        for i in range(4):
            (tmp_path / f"w{i}.txt").write_text(ARTICLE.replace("87,36", f"8{i},5"), encoding="utf-8")
        import_paths(db, [tmp_path])
    process_corpus(first, workers=1)
    process_corpus(second, workers=2)
    rows = lambda db: sorted((r["article_id"], r["value"]) for r in db["index_values"].rows)  # noqa: E731
    assert rows(first) == rows(second) and len(rows(first)) == 4


def test_failed_article_is_reported_and_others_go_on(tmp_path, fresh_db):
    _corpus(tmp_path, fresh_db, 2)
    with fresh_db.conn:
        fresh_db.conn.execute("UPDATE articles SET text = '12345 67890' WHERE id = 1")
    summary = process_corpus(fresh_db)
    assert summary.counts == {**summary.counts, "analysed": 1, "failed": 1}
    assert "no letters" in summary.problems[0]["reason"]
    row = fresh_db["articles"].get(1)
    assert row["analysis_error"] and row["pipeline_version"]


def test_cli_process_search_in_and_export(tmp_path, db_path, runner):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    assert runner.invoke(cli, ["import", str(tmp_path / "docs"), "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(cli, ["process", "--db", str(db_path)])
    assert result.exit_code == 0 and "1 analysed" in result.output
    result = runner.invoke(cli, ["search", "--in", "index_values", "chi so cai cach hanh chinh", "--entity", "Nam Định",
                                 "--format", "json", "--db", str(db_path)])
    rows = json.loads(result.output)
    assert [(r["year"], r["value"]) for r in rows] == [(2022, 87.36)]
    result = runner.invoke(cli, ["search", "--in", "legal_refs", "2210/QĐ-UBND", "--format", "json", "--db", str(db_path)])
    assert json.loads(result.output)[0]["date"] == "2023-10-05"
    result = runner.invoke(cli, ["search", "--in", "persons", "tran van chung", "--db", str(db_path)])
    assert "Giám đốc Sở Nội vụ" in result.output
    result = runner.invoke(cli, ["search", "--in", "sessions", "Nam Định", "--format", "json", "--db", str(db_path)])
    (session,) = json.loads(result.output)
    assert (session["session_no"], session["term"]) == (14, "XIX")
    out = tmp_path / "iv.jsonl"
    result = runner.invoke(cli, ["export", "--table", "index_values", "--format", "jsonl", "--out", str(out), "--db", str(db_path)])
    assert result.exit_code == 0 and json.loads(out.read_text(encoding="utf-8").splitlines()[0])["index"] == "PAR_INDEX"


def test_cli_analyze_is_stateless_and_reports_bad_lines(runner, tmp_path):
    lines = [json.dumps({"doc": "d1", "text": ARTICLE, "published": "2023-07-12"}, ensure_ascii=False), "{broken", ""]
    result = runner.invoke(cli, ["analyze", "-"], input="\n".join(lines))
    assert result.exit_code == 1
    out = [json.loads(l) for l in result.stdout.splitlines()]
    assert out[0]["doc"] == "d1" and out[0]["session"]["session_no"] == 14
    assert out[1]["error"].startswith("line 2")
    assert not list(tmp_path.iterdir())


def test_cli_analyze_with_workers_keeps_order_and_errors(runner):
    """Two worker processes give the same lines in the same order as one, bad lines included."""
    texts = [line for line in ARTICLE.splitlines() if len(line) > 40]
    lines = [json.dumps({"doc": f"d{i}", "text": text}, ensure_ascii=False) for i, text in enumerate(texts)]
    lines.insert(2, "{broken")
    one = runner.invoke(cli, ["analyze", "-"], input="\n".join(lines))
    two = runner.invoke(cli, ["analyze", "-", "--workers", "2"], input="\n".join(lines))
    assert one.exit_code == two.exit_code == 1
    assert len(texts) >= 3 and one.stdout == two.stdout
    assert [json.loads(l).get("doc") for l in two.stdout.splitlines()][:4] == ["d0", "d1", "line 3", "d2"]


def test_the_i_y_spellings_of_a_name_are_one_person(tmp_path, fresh_db):
    """A name written with a final y in one article and i in another ("Trần Sỹ Chung",
    "Trần Sĩ Chung"): one person row, and every mention points to it."""
    (tmp_path / "a.txt").write_text(ARTICLE.replace("Trần Văn Chung", "Trần Sỹ Chung"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(ARTICLE.replace("Trần Văn Chung", "Trần Sĩ Chung").replace("thứ 14", "thứ 15"),
                                    encoding="utf-8")
    import_paths(fresh_db, [tmp_path])
    process_corpus(fresh_db)
    rows = [r for r in fresh_db["persons"].rows if r["name"].startswith("Trần S")]
    assert len(rows) == 1, rows
    assert rows[0]["name_key"] == "trần sĩ chung"
    mentions = {r["person_id"] for r in fresh_db.query("SELECT person_id FROM mentions WHERE quote LIKE 'Trần S%'")}
    assert mentions == {rows[0]["id"]}
