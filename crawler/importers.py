"""Local files to article items: HTML, plain text, Word and PDF documents, folders of
them, WARC archives.

Every input yields either an ``ArticleItem`` or an ``ImportProblem`` (where, why, and
whether it is a failure or a page deliberately skipped), so one bad file never stops a
batch, and none is passed over in silence: a folder that cannot be listed, a file that
cannot be read or whose name is not UTF-8, and anything that would expand past
``MAX_DECOMPRESSED_BYTES`` are failures with their reason; a link to a folder inside a
folder is skipped, and says so.
"""

from __future__ import annotations

import os
import re
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from crawler.charset import UndecodableError, decode
from crawler.documents import DOCX_SUFFIXES, MAX_DECOMPRESSED_BYTES, PDF_SUFFIXES, TooLargeError, docx_text, pdf_text
from crawler.extract import ArticleItem, ExtractionError, NotAnArticle, extract_bytes, is_vietnamese
from crawler.metadata import parse_datetime

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
TEXT_SUFFIXES = {".txt", ".text"}
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
MAX_FILE_BYTES = 50 * 1024 * 1024
LINKED_FOLDER = "a link to a folder, not followed (name the folder itself to import it)"
# A WARC response's field holding hdnd crawl's decision (crawler.warc): pages it did not keep are not imported.
DECISION_FIELD, KEPT, NOT_KEPT = "HDND-Decision", "kept", "not kept"


@dataclass
class ImportProblem:
    where: str
    reason: str
    skipped: bool = False  # True: not an article (a listing page); False: a failure


def _is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def _supported(path: Path) -> bool:
    suffix = path.suffix.lower()
    return suffix in HTML_SUFFIXES | TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES or _is_warc(path)


def shown(path: str | os.PathLike) -> str:
    """A path as it can be printed and stored: bytes of a name that are not UTF-8 (which
    Python carries as lone surrogates) written as escapes such as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def expand_paths(paths: Iterable[str | os.PathLike]) -> Iterator[Path | ImportProblem]:
    """Files named directly, and the supported files inside folders (recursively, sorted,
    hidden ones left out)."""
    for raw in paths:
        path = Path(raw)
        yield from _folder(path) if path.is_dir() else [_named(path)]


def _named(path: Path) -> Path | ImportProblem:
    """The path to read, or a failure if its name cannot be stored as an address."""
    if shown(path) != str(path):
        return ImportProblem(shown(path), "the file name is not valid UTF-8, so it cannot be stored as the article's "
                                          "address; rename the file to import it")
    return path


def _folder(folder: Path) -> list[Path | ImportProblem]:
    """The supported files under ``folder`` in path order, and in its place each sub-folder
    that cannot be listed and each link to a folder (which a plain walk passes over in
    silence). Links to folders are not followed: they can loop, or lead out of the folder
    or back into it, importing files twice; a link to a file is read."""
    found: list[tuple[Path, Path | ImportProblem]] = []

    def unlisted(err: OSError) -> None:
        found.append((Path(err.filename), ImportProblem(shown(err.filename), f"the folder cannot be read ({err.strerror})")))

    for root, folders, names in os.walk(folder, onerror=unlisted):
        folders[:] = [name for name in folders if not name.startswith(".")]
        # os.path.islink: a path too long to look at is no link here (the walk reports it as unreadable)
        links = [Path(root, name) for name in folders if os.path.islink(os.path.join(root, name))]
        found.extend((link, ImportProblem(shown(link), LINKED_FOLDER, skipped=True)) for link in links)
        for name in names:
            path = Path(root, name)
            if not name.startswith(".") and _supported(path):
                found.append((path, _named(path)))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_DATE_LINE = re.compile(r"(\d{1,2}/\d{1,2}/\d{4}(?:[,\s|-]+\d{1,2}[:h]\d{2})?|\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)")


def _title_of_text(lines: list[str]) -> str | None:
    """The first line of the opening that reads like a headline, not site furniture."""
    for line in lines[:12]:
        words = line.split()
        if 6 <= len(words) <= 60 and "|" not in line and not _CJK.search(line) and is_vietnamese(line):
            return line
    return next((line for line in lines if line), None)


def _date_of_text(lines: list[str]) -> str | None:
    for line in lines[:15]:
        # A dateline is short ("Thứ Tư, 05/07/2023 15:30"); a sentence naming a deadline is not one.
        if len(line.split()) <= 12 and (found := _DATE_LINE.search(line)):
            return parse_datetime(found.group(1))
    return None


def text_item(data: bytes, url: str) -> ArticleItem:
    """A plain-text article: the whole file is the text; title and date from its opening lines."""
    text, encoding = decode(data)
    return _text_article(text, url, encoding, "text")


def document_item(data: bytes, url: str, suffix: str) -> ArticleItem:
    """A Word or PDF document: its text, like a plain-text file."""
    text, converted = docx_text(data) if suffix in DOCX_SUFFIXES else pdf_text(data)
    return _text_article(text, url, converted or suffix.lstrip("."), suffix.lstrip("."))


def _text_article(text: str, url: str, encoding: str, kind: str) -> ArticleItem:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise ExtractionError("the file is empty")
    if not is_vietnamese(text):
        raise ExtractionError("the text is not Vietnamese")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return ArticleItem(
        url=url, title=_title_of_text(lines), text=text, published=_date_of_text(lines),
        language="vi", raw_html=None, encoding=encoding, kind=kind,
    )


def _from_bytes(data: bytes, where: str, url: str, is_html: bool, content_type: str | None = None,
                suffix: str = ""):
    try:
        if not data.strip():
            raise ExtractionError("the file is empty")
        if suffix in DOCX_SUFFIXES | PDF_SUFFIXES:
            return document_item(data, url, suffix)
        return extract_bytes(data, url, content_type) if is_html else text_item(data, url)
    except NotAnArticle as skip:
        return ImportProblem(where, str(skip), skipped=True)
    except (ExtractionError, UndecodableError) as err:
        return ImportProblem(where, str(err))


def _sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head or b"<body" in head


def _unreadable(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "no such file or folder"
    return f"cannot be read ({err.strerror or err})"


def read_file(path: Path) -> Iterator[ArticleItem | ImportProblem]:
    """One local file: a WARC yields its records, HTML and text yield one item."""
    where = shown(path)
    try:
        info = path.stat()
    except OSError as err:
        yield ImportProblem(where, _unreadable(err))
        return
    if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device would block or mislead the reader
        yield ImportProblem(where, "not a regular file")
        return
    if _is_warc(path):
        yield from read_warc(path)
        return
    if info.st_size > MAX_FILE_BYTES:
        yield ImportProblem(where, f"the file is {info.st_size // 1_048_576} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB")
        return
    try:
        data = path.read_bytes()
    except OSError as err:
        yield ImportProblem(where, _unreadable(err))
        return
    suffix = path.suffix.lower()
    is_html = suffix in HTML_SUFFIXES or (suffix not in TEXT_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES
                                          and _sniff_html(data))
    yield _from_bytes(data, where, path.resolve().as_uri(), is_html, suffix=suffix)


class _RecordTooLarge(TooLargeError):
    """Raised from inside warcio's reader: the archive cannot be read on past this record."""


def _capped_reader():
    """warcio's reader of an archive, refusing to expand more than MAX_DECOMPRESSED_BYTES
    past its ``mark`` (moved to the start of each record's body): neither a body nor a
    header line that never ends can fill memory, however small the gzip member holding it."""
    from warcio.bufferedreaders import DecompressingBufferedReader

    class CappedReader(DecompressingBufferedReader):
        mark = 0

        def _process_read(self, data):
            super()._process_read(data)
            if self.num_read - self.mark > MAX_DECOMPRESSED_BYTES:
                raise _RecordTooLarge("a record of the archive")

    return CappedReader


def _http_body(record, url: str) -> bytes:
    """A response's HTTP body, de-chunked and then decompressed a block at a time (warcio's
    content_stream inflates a whole chunk at once), and at most MAX_DECOMPRESSED_BYTES."""
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    stream = record.raw_stream
    headers = record.http_headers
    if headers and headers.get_header("Transfer-Encoding") == "chunked":
        stream = ChunkedDataReader(stream)
    encoding = (headers.get_header("Content-Encoding") or "").lower() if headers else ""
    if encoding in ("gzip", "x-gzip", "deflate"):  # any other passes as stored, as in warcio's content_stream
        stream = BufferedReader(stream, decomp_type=encoding.removeprefix("x-"))
    body = stream.read(MAX_DECOMPRESSED_BYTES + 1)
    if len(body) > MAX_DECOMPRESSED_BYTES:
        raise TooLargeError(f"the page {url}")
    return body


def read_warc(path: Path) -> Iterator[ArticleItem | ImportProblem]:
    """HTML responses of a WARC/ARC file; a truncated or corrupt archive, or one with a
    record too large to read, is reported after the records read before it."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import ChunkedDataException
    from warcio.exceptions import ArchiveLoadFailed

    where = shown(path)
    count = 0
    try:
        with path.open("rb") as stream:
            archive = ArchiveIterator(stream, arc2warc=True)
            archive.reader = reader = _capped_reader()(archive.fh)
            for record in archive:
                reader.mark = reader.num_read - reader.rem_length()  # bytes inflated but unread are this record's
                if record.rec_type != "response":
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI") or ""
                if record.rec_headers.get_header(DECISION_FIELD) == NOT_KEPT:
                    yield ImportProblem(f"{where} :: {url}", "the crawl that fetched it did not keep it (not an article, "
                                        "not relevant, or outside its dates or --limit)", skipped=True)
                    continue
                content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
                if content_type and "html" not in content_type.lower():
                    continue
                status = record.http_headers.get_statuscode() if record.http_headers else "200"
                try:
                    data = _http_body(record, url)
                except _RecordTooLarge:
                    raise
                except TooLargeError as err:
                    yield ImportProblem(f"{where} :: {url}", str(err))
                    continue
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise EOFError(f"the record for {url} ends {record.raw_stream.limit} bytes early")
                count += 1
                if status and not status.startswith("2"):
                    yield ImportProblem(f"{where} :: {url}", f"HTTP status {status}", skipped=True)
                    continue
                yield _from_bytes(data, f"{where} :: {url}", url, True, content_type)
    except TooLargeError as err:
        yield ImportProblem(where, f"{err} (after {count} records); the rest of the archive is not read")
    except (ArchiveLoadFailed, ChunkedDataException, EOFError, OSError, ValueError, zlib.error) as err:
        yield ImportProblem(where, f"the archive is truncated or corrupt after {count} records ({err})")


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[ArticleItem | ImportProblem]:
    """Everything under the given paths, in a stable order."""
    for entry in expand_paths(paths):
        if isinstance(entry, ImportProblem):
            yield entry
        else:
            yield from read_file(entry)
