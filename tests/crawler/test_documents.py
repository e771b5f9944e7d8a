"""Word and PDF documents written here with python-docx and fpdf2, read back for their
text; old-font text converted; scanned PDFs reported."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from crawler.documents import docx_text, pdf_text
from crawler.extract import ExtractionError
from crawler.importers import ImportProblem, read_file
from tests.data.transcripts import TRANSCRIPT

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core (.ci/run installs it)


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(paragraphs: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if paragraphs:
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=11)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(3)
    else:
        pdf.rect(20, 20, 100, 60, style="F")  # a "scan": marks on the page, no text
    return bytes(pdf.output())


def test_docx_paragraphs_and_table_rows_in_order():
    data = make_docx(TRANSCRIPT.split("\n\n"), [["Đại biểu", "Số câu hỏi"], ["Nguyễn Văn Khải", "2"]])
    text, converted = docx_text(data)
    assert converted is None
    assert "Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn: Xin hỏi" in text
    assert text.index("Chủ tọa Lê Thị Thu Hà:") < text.index("Giám đốc Sở Xây dựng Trần Minh Đức trả lời:")
    assert text.rstrip().endswith("Nguyễn Văn Khải | 2")


def test_docx_typed_in_a_vntime_font_is_converted():
    # What Word keeps for .VnTime text: the TCVN3 byte of each letter as a Latin-1 character.
    data = make_docx(["§¹i biÓu NguyÔn V¨n Kh¶i chÊt vÊn: Xin hái Gi¸m ®èc Së X©y dùng vÒ t×nh tr¹ng ngËp óng."])
    text, converted = docx_text(data)
    assert converted == "tcvn3"
    assert text == "Đại biểu Nguyễn Văn Khải chất vấn: Xin hỏi Giám đốc Sở Xây dựng về tình trạng ngập úng."


def test_pdf_text_layer_keeps_vietnamese_letters():
    text, _ = pdf_text(make_pdf(TRANSCRIPT.split("\n\n")))
    flat = " ".join(text.split())
    assert "Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn:" in flat
    assert "UBND tỉnh cam kết bàn giao toàn bộ mặt bằng dự án trong quý III năm 2025" in flat


def test_scanned_pdf_is_one_sentence_not_an_empty_document():
    with pytest.raises(ExtractionError, match=r"^the PDF is scanned: none of its 1 pages has a text layer"):
        pdf_text(make_pdf([]))


@pytest.mark.parametrize("name, data, reason", [
    ("hong.docx", b"PK\x03\x04 not really a zip", "not a readable Word .docx"),
    ("hong.pdf", b"%PDF-1.4\n garbage", "not a readable PDF"),
])
def test_broken_documents_are_reported_by_the_importer(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    (result,) = read_file(path)
    assert isinstance(result, ImportProblem) and reason in result.reason


def test_importer_reads_docx_and_pdf_files(tmp_path):
    (tmp_path / "bien-ban.docx").write_bytes(make_docx(TRANSCRIPT.split("\n\n")))
    (tmp_path / "bien-ban.pdf").write_bytes(make_pdf(TRANSCRIPT.split("\n\n")))
    items = [next(read_file(tmp_path / name)) for name in ("bien-ban.docx", "bien-ban.pdf")]
    assert [i.kind for i in items] == ["docx", "pdf"]
    assert all("Phó Chủ tịch UBND tỉnh Ngô Quang Vinh trả lời" in " ".join(i.text.split()) for i in items)
