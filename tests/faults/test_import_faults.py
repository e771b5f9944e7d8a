"""``hdnd import`` when its input is hostile or the machine runs short: decompression bombs,
folders and files that cannot be read, a full disk, Unicode text files with a byte-order
mark, and file names that are not UTF-8. Nothing is lost, nothing blows up, nothing is silent."""

from __future__ import annotations

import codecs
import io
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from contextlib import closing
from pathlib import Path

import pytest

import corpus.db
import corpus.ingest
from corpus.db import connect
from corpus.ingest import import_entries, import_paths
from crawler.documents import MAX_DECOMPRESSED_BYTES
from tests.conftest import ROOT, SENTENCES, article_html, article_text, locked_after_first
from tests.faults.conftest import wait_measured

MIB = 1 << 20
BOMB_MIB = 2048  # what each bomb expands to; on disk each is a few megabytes
CAP_MB = MAX_DECOMPRESSED_BYTES // MIB
PARAGRAPHS = [" ".join(SENTENCES[i:i + 4]) for i in range(0, 12, 2)]


def run_import(*args: str | bytes | Path, db: Path, wrapper: tuple[str, ...] = ()) -> tuple[int, str, str, float]:
    """``python -m corpus import ARGS --db DB`` as a user runs it; returns its exit code,
    stdout, stderr and peak memory (MiB, from the kernel's account of that one child)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen([*wrapper, sys.executable, "-m", "corpus", "import", *map(os.fsencode, args),
                                    "--db", str(db)], cwd=ROOT, stdout=out, stderr=err)
        usage = wait_measured(process, timeout=300)
        out.seek(0)
        err.seek(0)
        return process.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss / 1024


def summary_counts(stdout: str) -> dict[str, int]:
    """The counts of the import's one-line summary."""
    return {word: int(n) for n, word in re.findall(r"(\d+) (new|updated|unchanged|duplicate|skipped|failed)", stdout)}


def stored_texts(db: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(conn.execute("SELECT url, text FROM articles"))


# -- decompression bombs (4c) ---------------------------------------------------------------------------------------

def _piece(data: bytes) -> bytes:
    """Raw deflate data of ``data`` that stands alone (a full flush): pieces can be repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)


def deflated(prefix: bytes, spaces_mib: int, suffix: bytes = b"") -> tuple[bytes, int, int]:
    """Raw deflate data of ``prefix``, ``spaces_mib`` MiB of spaces and ``suffix``, with its
    CRC-32 and length: one compressed MiB repeated, so a gigabyte bomb builds in a second."""
    space = b" " * MIB
    data = _piece(prefix) + _piece(space) * spaces_mib + _piece(suffix) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = zlib.crc32(prefix)
    for _ in range(spaces_mib):
        crc = zlib.crc32(space, crc)
    return data, zlib.crc32(suffix, crc), len(prefix) + spaces_mib * MIB + len(suffix)


def gzip_member(prefix: bytes, spaces_mib: int = 0, suffix: bytes = b"") -> bytes:
    data, crc, size = deflated(prefix, spaces_mib, suffix)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + data + struct.pack("<II", crc, size & 0xFFFFFFFF)


def warc_headers(url: str, length: int) -> bytes:
    return (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-06-12T09:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(url)):032x}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def warc_record(url: str, http_headers: str, body: bytes) -> bytes:
    """One gzip member holding one small response record."""
    payload = f"HTTP/1.1 200 OK\r\n{http_headers}\r\n".encode() + body
    return gzip_member(warc_headers(url, len(payload)) + payload + b"\r\n\r\n")


def page(n: int) -> bytes:
    return article_html(f"Kỳ họp thứ {n}: HĐND tỉnh chất vấn Giám đốc Sở Xây dựng", PARAGRAPHS,
                        url=f"https://bao.example.vn/ky-hop-{n}-{200000 + n}.htm",
                        published=f"2024-06-{n:02d}T09:00:00+07:00").encode("utf-8")


def zip_archive(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of deflated members: (name, raw deflate data, CRC-32, the size it declares)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, crc, declared in members:
        offset = out.tell()
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), declared, len(name), 0))
        out.write(name.encode() + data)
        central.write(struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), declared,
                                  len(name), 0, 0, 0, 0, 0, offset))
        central.write(name.encode())
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central.getvalue()), start, 0))
    return out.getvalue()


def docx_with_body(data: bytes, crc: int, declared: int) -> bytes:
    """python-docx's blank document with ``data`` (raw deflate) as its body part, under the
    CRC-32 and size given."""
    from docx import Document

    blank = io.BytesIO()
    Document().save(blank)
    members = []
    with zipfile.ZipFile(blank) as real:
        for info in real.infolist():
            if info.filename == "word/document.xml":
                members.append((info.filename, data, crc, declared))
            else:
                members.append((info.filename, *deflated(real.read(info), 0)))
    return zip_archive(members)


def docx_bomb(lying: bool) -> bytes:
    """A Word document whose body part is BOMB_MIB MiB of spaces; ``lying``: its zip
    declares that part 4 kB."""
    data, crc, size = deflated(b"", BOMB_MIB)
    return docx_with_body(data, crc, 4096 if lying else size)


def pdf_bomb() -> bytes:
    """A one-page PDF whose content stream inflates to twice the limit."""
    data, _, _ = deflated(b"BT /F1 12 Tf 72 720 Td (", 2 * CAP_MB, b") Tj ET")
    stream = b"\x78\xda" + data + b"\x00\x00\x00\x00"  # zlib wrapper; the checksum is never reached
    objects = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
               b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
               b"/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Times-Roman>>>>>>>>",
               b"<</Length %d/Filter/FlateDecode>>stream\n" % len(stream) + stream + b"\nendstream"]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def test_decompression_bombs_are_refused_in_little_memory(tmp_path):
    folder = tmp_path / "bombs"
    folder.mkdir()
    good_url, bomb_url = "https://bao.example.vn/ky-hop-1-200001.htm", "https://bao.example.vn/bom.htm"
    html = "Content-Type: text/html; charset=utf-8\r\n"
    # a good record, then one whose page is BOMB_MIB MiB of spaces
    prefix = warc_headers(bomb_url, BOMB_MIB * MIB + 60) + f"HTTP/1.1 200 OK\r\n{html}\r\n".encode()
    (folder / "a-body.warc.gz").write_bytes(warc_record(good_url, html, page(1)) + gzip_member(prefix, BOMB_MIB, b"\r\n\r\n"))
    # a header line that never ends
    (folder / "b-header.warc.gz").write_bytes(gzip_member(b"WARC/1.0\r\nWARC-Type: response\r\nX-Note: ", BOMB_MIB))
    # a small record whose page is sent gzip-compressed and chunked: the bomb is in the HTTP body
    body = gzip_member(b"<html><body>", BOMB_MIB)
    chunked = b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    (folder / "c-http.warc.gz").write_bytes(warc_record(
        bomb_url, html + "Content-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", chunked))
    (folder / "d-honest.docx").write_bytes(docx_bomb(lying=False))
    (folder / "e-lying.docx").write_bytes(docx_bomb(lying=True))
    (folder / "f-stream.pdf").write_bytes(pdf_bomb())
    (folder / "g-good.txt").write_text(article_text(7), encoding="utf-8")
    assert sum(p.stat().st_size for p in folder.iterdir()) < 40 * MIB

    code, out, err, peak_mib = run_import(folder, db=tmp_path / "hdnd.db")

    assert code == 1 and "Traceback" not in err, err
    too_large = f"is larger than {CAP_MB} MB when decompressed"
    assert f"a-body.warc.gz: a record of the archive {too_large} (after 1 records)" in err
    assert f"b-header.warc.gz: a record of the archive {too_large} (after 0 records)" in err
    assert f"c-http.warc.gz :: {bomb_url}: the page {bomb_url} {too_large}" in err
    assert f"d-honest.docx: the Word document {too_large}" in err
    assert "e-lying.docx: the file is not a readable Word .docx document (Bad CRC-32" in err
    assert f"f-stream.pdf: a stream of the PDF {too_large}" in err
    assert summary_counts(out) == {"new": 2, "updated": 0, "unchanged": 0, "duplicate": 0, "skipped": 0, "failed": 6}
    assert good_url in stored_texts(tmp_path / "hdnd.db")
    assert peak_mib < 1024, f"the import took {peak_mib:.0f} MiB"


# -- folders and files that cannot be read (6a) ---------------------------------------------------------------------

def test_unreadable_folder_is_a_counted_failure(tmp_path):
    """A folder the user may not list (chmod 000). Root reads it anyway, so as root the
    import runs without the two capabilities that let it (capsh), as an ordinary user would."""
    wrapper: tuple[str, ...] = ()
    if os.geteuid() == 0:
        if not shutil.which("capsh"):
            pytest.skip("running as root, and without capsh root cannot be denied a folder")
        wrapper = ("capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", 'exec "$@"', "sh")
    folder = tmp_path / "bai"
    (folder / "khoa").mkdir(parents=True)
    (folder / "mot.txt").write_text(article_text(1), encoding="utf-8")
    (folder / "khoa" / "hai.txt").write_text(article_text(2), encoding="utf-8")
    (folder / "khoa").chmod(0)
    try:
        code, out, err, _ = run_import(folder, db=tmp_path / "hdnd.db", wrapper=wrapper)
    finally:
        (folder / "khoa").chmod(0o755)
    assert code == 1, err
    assert f"failed: {folder / 'khoa'}: the folder cannot be read (Permission denied)" in err
    assert summary_counts(out)["new"] == 1 and summary_counts(out)["failed"] == 1


def test_entries_that_cannot_be_read_are_counted_failures(fresh_db, tmp_path):
    """Failures that hold for root too: a folder whose path is longer than the system allows,
    a symbolic link that loops, a named pipe (which reading would wait on for ever)."""
    folder = tmp_path / "bai"
    folder.mkdir()
    (folder / "mot.txt").write_text(article_text(1), encoding="utf-8")
    os.symlink("vong.html", folder / "vong.html")
    os.mkfifo(folder / "ong.txt")
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(20):  # 20 levels of 250-character names: past PATH_MAX (4096)
        os.mkdir("s" * 250, dir_fd=fd)
        fd, previous = os.open("s" * 250, os.O_RDONLY, dir_fd=fd), fd
        os.close(previous)
    with open(os.open("hai.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w", encoding="utf-8") as deep:
        deep.write(article_text(2))

    summary = import_paths(fresh_db, [folder])

    reasons = {Path(p.where).name[:10]: p.reason for p in summary.problems}
    assert summary.counts["new"] == 1 and summary.counts["failed"] == 3, summary.problems
    assert "the folder cannot be read (File name too long)" == reasons["s" * 10]
    assert "cannot be read (Too many levels of symbolic links)" == reasons["vong.html"]
    assert "not a regular file" == reasons["ong.txt"]
    assert fresh_db.execute("SELECT status FROM runs").fetchone()[0] == "failed"


# -- a full disk (6c) -------------------------------------------------------------------------------------------------

def _texts_folder(folder: Path, seeds: range) -> Path:
    folder.mkdir()
    for seed in seeds:
        (folder / f"bai-{seed:03d}.txt").write_text(article_text(seed, paragraphs=12), encoding="utf-8")
    return folder


def test_full_database_stops_the_import_and_keeps_what_was_stored(fresh_db, db_path, tmp_path):
    first = import_paths(fresh_db, [_texts_folder(tmp_path / "truoc", range(1, 4))])
    assert first.counts["new"] == 3
    before = stored_texts(db_path)
    pages = fresh_db.execute("PRAGMA page_count").fetchone()[0]
    fresh_db.execute(f"PRAGMA max_page_count = {pages + 40}")  # SQLite's own limit: SQLITE_FULL past it

    summary = import_paths(fresh_db, [_texts_folder(tmp_path / "sau", range(10, 70))])

    assert summary.stopped and re.fullmatch(
        r"the import stopped at file://\S+\.txt: the disk holding \S+/hdnd\.db is full \(database or disk is full\), so "
        r"nothing more was written; run the command again once there is room\.", summary.stopped), summary.stopped
    # the batch of 60 went in an article a transaction until one did not fit: that one and every later one
    # are counted as failed and named, so the summary says how many to import again
    new = summary.counts["new"]
    assert 0 < new < 60 and summary.counts["failed"] == 60 - new, summary.counts
    stored = set(stored_texts(db_path))
    assert [p.where for p in summary.problems] == [f.resolve().as_uri() for f in sorted((tmp_path / "sau").iterdir())
                                                   if f.resolve().as_uri() not in stored]
    assert {p.reason for p in summary.problems} == {"could not be stored (the disk is full)"}
    assert summary.stopped.startswith(f"the import stopped at {summary.problems[0].where}: ")
    after = stored_texts(db_path)
    assert len(after) == 3 + summary.counts["new"]
    assert {url: after[url] for url in before} == before
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_corpus_locked_too_long_stops_the_import(fresh_db, db_path, tmp_path, monkeypatch):
    """Another process takes the corpus after the first file and keeps it: the import stops
    there with the store's sentence instead of waiting that long again for every file."""
    monkeypatch.setattr(corpus.db, "BUSY_TIMEOUT_MS", 300)
    monkeypatch.setattr(corpus.ingest, "BATCH", 1)  # a transaction per article: the other takes the lock between two
    fresh_db.execute("PRAGMA busy_timeout = 50")
    files = sorted(_texts_folder(tmp_path / "bai", range(1, 6)).iterdir())
    with locked_after_first(db_path, files) as entries:
        summary = import_entries(fresh_db, entries, [str(files[0].parent)])

    assert summary.counts["new"] == 1 and summary.counts["failed"] == 1, summary.problems
    assert summary.problems[0].reason == "could not be stored (the corpus stayed locked)"
    assert summary.stopped and "stayed locked by another process" in summary.stopped
    assert list(stored_texts(db_path)) == [files[0].resolve().as_uri()]


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs), unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a small tmpfs is not permitted here")
    yield mount
    subprocess.run(["umount", "--lazy", str(mount)], check=True)


def test_full_disk_ends_the_cli_import_with_its_report(small_disk, tmp_path):
    db = small_disk / "hdnd.db"
    connect(db).conn.close()
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 400 * 1024))
    folder = _texts_folder(tmp_path / "bai", range(1, 80))

    code, out, err, _ = run_import(folder, db=db)

    assert code == 2 and "Traceback" not in err, err
    new = summary_counts(out)["new"]
    assert 0 < new < 79 and summary_counts(out)["failed"] == 79 - new
    assert re.search(r"failed: file://\S+/bai-\d{3}\.txt: could not be stored \(the disk is full\)", err)
    assert re.search(r"Error: the import stopped at file://\S+\.txt: the disk holding \S+/hdnd\.db is full \(database or "
                     r"disk is full\), so nothing more was written; run the command again once there is room\.\n$", err)
    (small_disk / "filler").unlink()
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        texts = dict(conn.execute("SELECT url, text FROM articles"))
    assert len(texts) == new
    for url, text in texts.items():
        assert text.strip() == (folder / url.rsplit("/", 1)[1]).read_text(encoding="utf-8").strip()


def _fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` up to ``leave`` bytes of free room."""
    free = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - leave))


FULL = (r"the disk holding \S+/hdnd\.db is full \(database or disk is full\), so nothing more was written; run the "
        r"command again once there is room\.")


def test_full_disk_stops_a_crawl_with_one_sentence(small_disk, tmp_path):
    """The crawl closes at the first article the corpus cannot take (not one failure per
    article to the end of the feed, then a traceback when the run is recorded)."""
    from tests.crawler.mock_site import MockSite, html, xml

    db = small_disk / "hdnd.db"
    connect(db).conn.close()
    with MockSite({}) as site:
        paths = [f"/thoi-su/ky-hop-hdnd-chat-van-so-{i}-{1000000 + i}.html" for i in range(80)]
        site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, b"User-agent: *\nAllow: /\n")
        site.pages["/rss.xml"] = xml('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>' + "".join(
            f"<item><title>x</title><link>{site.base}{path}</link><pubDate>Fri, 05 Jul 2024 10:00:00 +0700</pubDate>"
            "</item>" for path in paths) + "</channel></rss>")
        for i, path in enumerate(paths):
            paragraphs = article_text(i, paragraphs=14).splitlines()[2:]
            site.pages[path] = html(article_html(f"Kỳ họp HĐND: chất vấn số {i}", paragraphs, url=site.base + path,
                                                 published="2024-07-05T10:00:00+07:00"))
        _fill(small_disk, 400 * 1024)
        result = subprocess.run([sys.executable, "-m", "corpus", "crawl", "--url", f"{site.base}/rss.xml", "--db", str(db),
                                 "--log-file", str(tmp_path / "crawl.log")], cwd=ROOT, capture_output=True, text=True,
                                timeout=300, env={**os.environ, "HDND_DOWNLOAD_DELAY": "0"})
        fetched = [path for path in site.log if path in paths]

    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert re.search(r"\nError: " + FULL + r"\n$", result.stderr), result.stderr
    assert re.search(r"failed: \S+\.html: could not be stored \(the disk is full\)", result.stderr)
    (small_disk / "filler").unlink()
    stored = stored_texts(db)
    assert 0 < len(stored) < len(fetched) < len(paths), (len(stored), len(fetched))
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_full_disk_stops_process_with_one_sentence_and_a_rerun_finishes(small_disk, tmp_path):
    db = small_disk / "hdnd.db"
    code, out, err, _ = run_import(_texts_folder(tmp_path / "bai", range(1, 21)), db=db)
    assert code == 0 and summary_counts(out)["new"] == 20, err
    _fill(small_disk, 400 * 1024)

    stopped = subprocess.run([sys.executable, "-m", "corpus", "process", "--db", str(db)], cwd=ROOT, capture_output=True,
                             text=True, timeout=600)

    assert stopped.returncode == 2 and "Traceback" not in stopped.stderr, stopped.stderr
    assert re.fullmatch(r"Error: " + FULL + r"\n", stopped.stderr), stopped.stderr
    roomy = tmp_path / "roomy"  # the corpus moved where there is room (its write-ahead log grows to 4 MB)
    roomy.mkdir()
    for part in small_disk.glob("hdnd.db*"):
        shutil.copy(part, roomy)
    db = roomy / "hdnd.db"
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert 0 < conn.execute("SELECT count(*) FROM articles WHERE pipeline_version IS NULL").fetchone()[0] < 20
    again = subprocess.run([sys.executable, "-m", "corpus", "process", "--db", str(db)], cwd=ROOT, capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE pipeline_version IS NULL").fetchone()[0] == 0
        runs = conn.execute("SELECT status FROM runs WHERE command = 'process' ORDER BY id").fetchall()
    assert runs[0][0] in ("failed", "interrupted") and runs[1:] == [("done",)]


# -- Unicode text with a byte-order mark (7a) -----------------------------------------------------------------------

@pytest.mark.parametrize("name, encoding, bom", [
    ("notepad.txt", "utf-16-le", codecs.BOM_UTF16_LE),
    ("big-endian.txt", "utf-16-be", codecs.BOM_UTF16_BE),
    ("utf32.txt", "utf-32-le", codecs.BOM_UTF32_LE),
    ("utf32-be.txt", "utf-32-be", codecs.BOM_UTF32_BE),
    ("trang.html", "utf-16-le", codecs.BOM_UTF16_LE),
    ("trang32.htm", "utf-32-be", codecs.BOM_UTF32_BE),
])
def test_utf16_and_utf32_with_a_byte_order_mark_are_imported(fresh_db, tmp_path, name, encoding, bom):
    text = article_text(5)
    is_html = Path(name).suffix in (".html", ".htm")
    content = article_html("Kỳ họp thứ 5: HĐND tỉnh chất vấn về đầu tư công", PARAGRAPHS) if is_html else text
    (tmp_path / name).write_bytes(bom + content.encode(encoding))

    summary = import_paths(fresh_db, [tmp_path / name])

    assert summary.counts["new"] == 1, summary.problems
    stored, used = fresh_db.execute("SELECT text, encoding FROM articles").fetchone()
    assert used == encoding[:6]
    assert (PARAGRAPHS[0] in stored) if is_html else (text.strip() == stored.strip())


# -- file names that are not UTF-8 (7b) -----------------------------------------------------------------------------

def test_file_names_that_are_not_utf8_are_reported_one_by_one(tmp_path):
    folder = tmp_path / "bai"
    folder.mkdir()
    for seed, name in [(1, b"mot.txt"), (2, b"bai-\xff.txt"), (3, b"ba.txt"), (4, b"th\xe1ng-6/bon.txt")]:
        path = os.path.join(os.fsencode(folder), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT), "w", encoding="utf-8") as out:
            out.write(article_text(seed))
    named = os.path.join(os.fsencode(tmp_path), b"r\xe9sum\xe9.txt")
    with open(named, "wb") as out:
        out.write(article_text(5).encode("utf-8"))

    code, out, err, _ = run_import(folder, named, db=tmp_path / "hdnd.db")

    assert code == 1 and "Traceback" not in err, err
    not_utf8 = "the file name is not valid UTF-8, so it cannot be stored as the article's address; rename the file"
    for shown in ("bai/bai-\\xff.txt", "bai/th\\xe1ng-6/bon.txt", "r\\xe9sum\\xe9.txt"):
        assert f"failed: {tmp_path}/{shown}: {not_utf8}" in err
    assert summary_counts(out)["new"] == 2 and summary_counts(out)["failed"] == 3
    assert sorted(url.rsplit("/", 1)[1] for url in stored_texts(tmp_path / "hdnd.db")) == ["ba.txt", "mot.txt"]
    with closing(sqlite3.connect(tmp_path / "hdnd.db")) as conn:
        args, problems = conn.execute("SELECT args, problems FROM runs").fetchone()
    assert "r\\\\xe9sum\\\\xe9.txt" in args and "bai-\\\\xff.txt" in problems


# -- text longer than process reads (consistency with the store's limit) ----------------------------------------

def test_text_longer_than_process_reads_is_a_failed_file(fresh_db, tmp_path):
    from pipeline import MAX_CHARS

    (tmp_path / "dai.txt").write_text(article_text(1) * (MAX_CHARS // len(article_text(1)) + 1), encoding="utf-8")
    (tmp_path / "ngan.txt").write_text(article_text(2), encoding="utf-8")

    summary = import_paths(fresh_db, [tmp_path])

    assert summary.counts["new"] == 1 and summary.counts["failed"] == 1
    assert summary.problems[0].where.endswith("dai.txt")
    assert summary.problems[0].reason.endswith(f"more than the {MAX_CHARS:,} that hdnd process analyses")
