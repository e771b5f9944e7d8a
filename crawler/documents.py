"""Office documents to text: Word (.docx) and PDF with a text layer.

Council records are often published as Word files or PDFs. Both are read for their text
only, paragraph by paragraph (table cells too, row by row); text typed in a legacy font
(``.VnTime``, ``VNI-Times``) is converted to Unicode. A PDF with no text at all is a scan,
and says so instead of importing an empty document. Neither may expand past
``MAX_DECOMPRESSED_BYTES``: a few kilobytes of zip can hold gigabytes.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
import zlib

from lxml import etree

from crawler import legacy
from crawler.extract import ExtractionError

DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
# The most any document, archive member, WARC record or PDF stream may expand to: the
# longest council records are a few megabytes, and a bomb must stop long before memory does.
MAX_DECOMPRESSED_BYTES = 64 * 1_048_576


class TooLargeError(ExtractionError):
    """Something that would expand past ``MAX_DECOMPRESSED_BYTES``: refused before it is read."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is larger than {MAX_DECOMPRESSED_BYTES // 1_048_576} MB when decompressed")


def _bounded_copy(data: bytes) -> io.BytesIO:
    """The .docx's zip, copied part by part into an uncompressed one for python-docx to open.
    zipfile's read() of a whole part inflates all of its compressed data at once and only
    then cuts it to the size the header declares, so a header that under-declares a bomb
    would still take gigabytes; copied in 1 MB steps, no part gives more than it declares,
    and together they may declare at most ``MAX_DECOMPRESSED_BYTES``. A part whose data is
    not what its header declares fails its CRC check (zipfile.BadZipFile) as it is copied."""
    copy = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(copy, "w") as stored:
        parts = archive.infolist()
        if sum(part.file_size for part in parts) > MAX_DECOMPRESSED_BYTES:
            raise TooLargeError("the Word document")
        for part in parts:
            with archive.open(part) as source, stored.open(part.filename, "w") as target:
                shutil.copyfileobj(source, target, 1_048_576)
    return copy


def docx_text(data: bytes) -> tuple[str, str | None]:
    """The paragraphs and table rows of a .docx, in order; and the legacy encoding converted, if any."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(_bounded_copy(data))
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError, ValueError,
            OSError, etree.XMLSyntaxError) as err:
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
    from pypdf import PdfReader, apply_configuration
    from pypdf.errors import LimitReachedError, PyPdfError

    limits = {name: MAX_DECOMPRESSED_BYTES for name in (
        "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
        "array_based_stream_maximum_output_length")}
    try:
        with apply_configuration(**limits):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and reader.decrypt("") == 0:
                raise ExtractionError("the PDF is encrypted and needs a password")
            pages = _page_texts(reader)
    except LimitReachedError as err:
        raise TooLargeError("a stream of the PDF") from err
    except (PyPdfError, ValueError, KeyError, OSError) as err:
        raise ExtractionError(f"the file is not a readable PDF ({err})") from err
    if not any(page.strip() for page in pages):
        raise ExtractionError(f"the PDF is scanned: none of its {len(pages)} pages has a text layer, "
                              "so run OCR on it first (for example ocrmypdf -l vie)")
    text = "\n\n".join(page.strip() for page in pages)
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    return legacy.to_unicode(text)


def _page_texts(reader) -> list[str]:
    """Each page's text; the sum is capped too, since many pages can draw the same stream."""
    pages, total = [], 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        total += len(pages[-1])
        if total > MAX_DECOMPRESSED_BYTES:
            raise TooLargeError("the text of the PDF")
    return pages
