"""``hdnd import`` inputs that are not what they seem: a Word document whose zip lies about
a part (the import never inflates more than the part declares, and a part that is not what
it declares is refused with one sentence), folders holding links to folders (skipped,
and said so, never followed into a loop or out of the folder), and web addresses whose
scheme is written in capitals (still web addresses)."""

from __future__ import annotations

import os
import zlib

from tests.conftest import article_html, article_text
from tests.faults.test_import_faults import (
    BOMB_MIB,
    MIB,
    PARAGRAPHS,
    deflated,
    docx_with_body,
    run_import,
    stored_texts,
    summary_counts,
    warc_record,
)

DECLARED = 4096


def test_a_body_that_under_declares_a_bomb_is_refused_in_little_memory(tmp_path):
    """The body is BOMB_MIB MiB of spaces; its header declares 4 kB, with the CRC-32 of
    those 4 kB, so zipfile's own CRC check passes: only the declared 4 kB are ever read."""
    data, _, _ = deflated(b"", BOMB_MIB)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a-lying.docx").write_bytes(docx_with_body(data, zlib.crc32(b" " * DECLARED), DECLARED))
    (folder / "b-good.txt").write_text(article_text(3), encoding="utf-8")

    code, out, err, peak_mib = run_import(folder, db=tmp_path / "hdnd.db")

    assert code == 1 and "Traceback" not in err, err
    assert "a-lying.docx: the file is not a readable Word .docx document (" in err
    assert summary_counts(out)["new"] == 1 and summary_counts(out)["failed"] == 1
    assert peak_mib < 1024, f"the import took {peak_mib:.0f} MiB for a {BOMB_MIB} MiB bomb"
    assert (folder / "a-lying.docx").stat().st_size < 40 * MIB


def test_links_to_folders_are_skipped_and_said_so(tmp_path):
    """Inside the folder imported: a link to a folder elsewhere, a link back to the folder
    itself (a loop) and a link to a file. The folder links are skipped with their reason,
    counted; the linked file is read; nothing is imported twice."""
    outside, folder = tmp_path / "ngoai", tmp_path / "nhap"
    outside.mkdir()
    (folder / "ky-hop").mkdir(parents=True)
    (outside / "khac.txt").write_text(article_text(1), encoding="utf-8")
    (folder / "ky-hop" / "bai.txt").write_text(article_text(2), encoding="utf-8")
    os.symlink(outside, folder / "lien-ket")
    os.symlink(folder, folder / "ky-hop" / "vong")
    os.symlink(outside / "khac.txt", folder / "tep.txt")

    code, out, err, _ = run_import(folder, db=tmp_path / "hdnd.db")

    assert code == 0 and "Traceback" not in err, err
    assert summary_counts(out)["new"] == 2 and summary_counts(out)["skipped"] == 2, out
    for link in (folder / "lien-ket", folder / "ky-hop" / "vong"):
        assert f"{link}: a link to a folder, not followed" in err


def test_a_capitalised_scheme_is_still_a_web_address_so_a_foreign_canonical_is_refused(tmp_path):
    """A WARC record fetched from HTTPS://BAOB.EXAMPLE.VN/… (schemes and hosts are
    case-insensitive) whose page names another outlet's article as its canonical address:
    the record keeps the address it was fetched from, as with a lower-case scheme."""
    fetched, foreign = "HTTPS://BAOB.EXAMPLE.VN/ban-sao-ky-hop-2000002.html", "https://baoa.example.vn/ky-hop-1000001.html"
    page = article_html("Kỳ họp HĐND tỉnh: chất vấn về ngập úng", PARAGRAPHS, url=foreign,
                        published="2024-07-05T10:00:00+07:00").encode("utf-8")
    archive = tmp_path / "ban-sao.warc.gz"
    archive.write_bytes(warc_record(fetched, "Content-Type: text/html; charset=utf-8\r\n", page))

    code, out, err, _ = run_import(archive, db=tmp_path / "hdnd.db")

    assert code == 0 and summary_counts(out)["new"] == 1, out + err
    assert list(stored_texts(tmp_path / "hdnd.db")) == [fetched]
