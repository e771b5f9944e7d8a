"""Office documents to text: Word (.docx) and PDF with a text layer.

Council records are often published as Word files or PDFs. Both are read for their text
only, paragraph by paragraph (table cells too, row by row); text typed in a legacy font
(``.VnTime``, ``VNI-Times``) is converted to Unicode. A PDF with no text at all is a scan,
and says so instead of importing an empty document.
"""

from __future__ import annotations

import io
import re
import zipfile

from crawler import legacy
from crawler.extract import ExtractionError

DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}


def docx_text(data: bytes) -> tuple[str, str | None]:
    """The paragraphs and table rows of a .docx, in order; and the legacy encoding converted, if any."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        raise ExtractionError(f"the file is not a readable Word .docx document ({err})") from err
    lines: list[str] = []
    body = document.element.body
    for block in body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(node.text or "" for node in block.iter() if node.tag.endswith("}t")))
        elif tag == "tbl":
            for row in block.iter():
                if row.tag.endswith("}tr"):
                    cells = ["".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                             for cell in row if cell.tag.endswith("}tc")]
                    lines.append(" | ".join(c.strip() for c in cells if c.strip()))
    return legacy.to_unicode("\n".join(line.strip() for line in lines))


def pdf_text(data: bytes) -> tuple[str, str | None]:
    """The text layer of a PDF, page by page, with hyphenated line ends joined."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == 0:
            raise ExtractionError("the PDF is encrypted and needs a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as err:
        raise ExtractionError(f"the file is not a readable PDF ({err})") from err
    if not any(page.strip() for page in pages):
        raise ExtractionError(f"the PDF is scanned: none of its {len(pages)} pages has a text layer, "
                              "so run OCR on it first (for example ocrmypdf -l vie)")
    text = "\n\n".join(page.strip() for page in pages)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return legacy.to_unicode(text)
