"""Shared fixtures: the shared folder beside the checkout, a fresh corpus, our own texts."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from corpus.db import connect

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

# Realistic sentences written for these tests (not taken from any publication).
SENTENCES = [
    "Chiều 12/6, Hội đồng nhân dân tỉnh Bắc Ninh khóa XIX khai mạc kỳ họp thứ 15 tại trụ sở Tỉnh ủy.",
    "Phó Chủ tịch UBND tỉnh Lê Văn Hùng cho biết tỉnh sẽ hoàn thành giải phóng mặt bằng dự án trước ngày 31/12/2024.",
    "Đại biểu Trần Thị Mai (Tổ đại biểu huyện Gia Bình) chất vấn về tiến độ xây dựng trường học.",
    "Năm 2023, chỉ số cải cách hành chính (PAR INDEX) của tỉnh đạt 89,12%, xếp thứ 9/63 tỉnh, thành phố.",
    "Giám đốc Sở Xây dựng cam kết xử lý dứt điểm 27 dự án chậm tiến độ trong quý IV năm nay.",
    "Theo Kế hoạch số 215/KH-UBND ngày 04/4/2024, các sở, ngành phải công khai thủ tục hành chính trên cổng dịch vụ công.",
    "Người dân phản ánh tình trạng ngập úng kéo dài tại các tuyến đường nội thị mỗi khi mưa lớn.",
    "Chủ tọa kỳ họp đề nghị các cơ quan chuyên môn tiếp thu ý kiến cử tri và báo cáo kết quả tại kỳ họp tới.",
    "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) năm 2023 tăng 3,41% so với năm trước.",
    "Ủy ban nhân dân thành phố yêu cầu Sở Tài nguyên và Môi trường hoàn thành cấp giấy chứng nhận trước 30/6.",
    "Thường trực HĐND tỉnh sẽ tổ chức giám sát chuyên đề về chuyển đổi số trong các cơ quan nhà nước.",
    "Kết quả đánh giá cho thấy còn 12 đơn vị cấp huyện có chỉ số dưới mức trung bình của tỉnh.",
]


def article_text(seed: int, paragraphs: int = 6) -> str:
    """A plain-text article of our own sentences, different for every seed."""
    lines = [f"Kỳ họp thứ {seed} HĐND tỉnh: chất vấn về cải cách hành chính và đầu tư công", ""]
    for i in range(paragraphs):
        picked = [SENTENCES[(seed * 7 + i * 3 + k) % len(SENTENCES)] for k in range(3)]
        lines.append(f"Đoạn {seed}-{i}. " + " ".join(picked))
    return "\n".join(lines) + "\n"


def article_html(title: str, paragraphs: list[str], *, url: str | None = None,
                 published: str | None = None, charset: str = "utf-8", lead: str | None = None) -> str:
    """A small news page of the shape Vietnamese outlets publish."""
    head = [f'<meta charset="{charset}">', f"<title>{title} - Báo Thử Nghiệm</title>"]
    if url:
        head.append(f'<link rel="canonical" href="{url}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{published}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    sapo = f'<h2 class="detail-sapo">{lead}</h2>' if lead else ""
    return (
        f'<!DOCTYPE html><html lang="vi"><head>{"".join(head)}</head><body>'
        f'<nav><a href="/">Trang chủ</a> <a href="/thoi-su">Thời sự</a></nav>'
        f"<h1>{title}</h1>{sapo}<div class=\"detail-content\">{body}</div>"
        f"<footer>Bản quyền thuộc về Báo Thử Nghiệm</footer></body></html>"
    )


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this checkout")
    return SHARED


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hdnd.db"


@pytest.fixture
def fresh_db(db_path: Path):
    db = connect(db_path)
    yield db
    db.conn.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes as Vietnamese Windows software writes them: vowel letters
    precomposed (â, ê, ô, ơ, ư, ă), tone marks as separate combining characters."""
    import unicodedata

    out = []
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(c for c in parts if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


@pytest.fixture(scope="session")
def web_corpus(tmp_path_factory) -> Path:
    """A processed corpus of our web pages and a session transcript, as of 2025-12-01
    (shared by the search, chart and server tests; nothing writes to it). Processed with
    the clause rules alone (HDND_MODEL=rules), so what the pages show does not move each
    time the classifier is retrained; extraction quality is tested on real text
    (tests/pipeline/test_commitments.py)."""
    from corpus.cli import cli
    from tests.data.transcripts import TRANSCRIPT
    from tests.data.web_pages import PAGES

    folder = tmp_path_factory.mktemp("web")
    for name, html in PAGES:
        (folder / name).write_text(html, encoding="utf-8")
    (folder / "bien-ban.txt").write_text(TRANSCRIPT, encoding="utf-8")
    path = folder / "hdnd.db"
    for args in (["import", *sorted(str(p) for p in folder.iterdir())], ["process", "--today", "2025-12-01"]):
        result = CliRunner().invoke(cli, [*args, "--db", str(path)], env={"HDND_MODEL": "rules"})
        assert result.exit_code == 0, result.output
    return path


@contextmanager
def locked_after_first(db_path: Path, items: list) -> Iterator[Iterator]:
    """``items`` to hand to a writer, another connection taking the corpus's write lock once
    the first is handed out and keeping it until the block ends: a corpus another process
    holds in the middle of a batch."""
    other = sqlite3.connect(db_path, isolation_level=None)

    def handed_out():
        yield items[0]
        other.execute("BEGIN IMMEDIATE")
        yield from items[1:]

    try:
        yield handed_out()
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
