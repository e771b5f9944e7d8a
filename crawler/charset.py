"""Turning bytes into text: the declared charset first, then guesses.

Vietnamese pages come in UTF-8 and Windows-1258, and some declare the wrong one; a page
decoded with the wrong table yields mojibake that no later step can repair.
"""

from __future__ import annotations

import codecs
import re

from crawler import legacy

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.I)
# UTF-32's little-endian mark starts with UTF-16's, so it is looked for first.
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we accept."""


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def bom_charset(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start names (UTF-8, UTF-16 or UTF-32), if any."""
    return next((name for bom, name in _BOMS if data.startswith(bom)), None)


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset named by a BOM, the HTTP header, or the document itself."""
    if bom := bom_charset(data):
        return bom
    if content_type:
        found = re.search(r"charset\s*=\s*['\"]?([\w\-:.]+)", content_type, re.I)
        if found and _known(found.group(1)):
            return _known(found.group(1))
    head = data[:4096]
    for pattern in (_META_CHARSET, _XML_ENCODING):
        found = pattern.search(head)
        if found and _known(found.group(1).decode("ascii", "ignore")):
            return _known(found.group(1).decode("ascii", "ignore"))
    return None


# Control characters that plain text does not hold (tab, newlines, form feed and escape it may).
_CONTROLS = bytes(code for code in range(32) if code not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes | str) -> bool:
    """NUL or many control characters in the first kilobytes: not a text file. Bytes are
    tested as they are; text decoded by its byte-order mark (UTF-16 and UTF-32 are full
    of NUL bytes) is tested by its characters."""
    sample = data[:8192]
    if not sample:
        return False
    if isinstance(sample, str):
        sample = bytes(min(ord(char), 255) for char in sample)  # control characters keep their code
    if 0 in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROLS))  # counted in C: this runs for every file
    return controls / len(sample) > 0.05


def decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode bytes to NFC text; returns the text and the encoding used.

    Order: the declared charset (BOM, header, meta), strict UTF-8, the legacy Vietnamese
    encodings of old documents (TCVN3, VNI, VISCII: chosen only when most words become
    Vietnamese syllables), then Windows-1258, the Vietnamese Windows code page, which
    writes tone marks as separate combining characters (hence the NFC). Windows-1258
    decodes almost any byte string, so it is tried only when the others fail and the
    bytes are not binary. UTF-8 text that still holds a legacy font's code points
    ("Héi ®ång", from a converted Word file) is converted too.
    """
    text, encoding = _decode(data, content_type)
    text, table = legacy.to_unicode(text)
    return text, f"{encoding}+{table}" if table else encoding


def _decode(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    if (bom := bom_charset(data)) in ("utf-16", "utf-32"):  # full of NUL bytes, which read as binary below
        return _decode_by_bom(data, bom)
    if looks_binary(data):
        raise UndecodableError("the file is binary, not text")
    declared = declared_charset(data, content_type)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # a wrong declaration is common; fall through to the guesses
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    converted = legacy.detect(data)
    if converted:
        return converted
    try:
        return data.decode("cp1258"), "cp1258"
    except UnicodeDecodeError as err:
        raise UndecodableError(f"the bytes are neither UTF-8 nor Windows-1258 ({err.reason})") from err


def _decode_by_bom(data: bytes, encoding: str) -> tuple[str, str]:
    """UTF-16 or UTF-32 by its byte-order mark, which outranks any declaration (as in
    browsers): Windows Notepad's "Unicode" is UTF-16 with one."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        raise UndecodableError(f"the file starts with a {encoding.upper()} byte-order mark "
                               f"but is not {encoding.upper()} text ({err.reason})") from err
    if looks_binary(text):
        raise UndecodableError("the file is binary, not text")
    return text, encoding
