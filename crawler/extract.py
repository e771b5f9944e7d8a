"""HTML → article: a chain of small extraction steps with fallbacks.

Metadata comes from the page head (``crawler.metadata``); the main text from the
source's own body selector, else the generic ones, else trafilatura on the whole page,
else the page's paragraphs. Listing and home pages are told apart from articles before
any text is taken, so that a section front never enters the corpus as an article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

import soupsieve
import trafilatura
from bs4 import BeautifulSoup, Tag

from crawler import metadata
from crawler.charset import decode
from crawler.sources import (
    GENERIC_AUTHOR,
    GENERIC_BODY,
    GENERIC_DROP,
    GENERIC_LEAD,
    Source,
    domain_of,
    path_and_query,
    source_for,
)

MIN_TEXT_CHARS = 200  # below this a page has no article text worth storing
CAPTION_CHARS = 200  # a photo caption is a line or two
PROSE_BLOCK_CHARS = 1200  # an article without metadata still has one block of prose this long
VIETNAMESE_MARKS = re.compile(
    "[ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I
)


class NotAnArticle(Exception):
    """A page that is fine but is not an article (a listing, a home page): skipped."""


class ExtractionError(Exception):
    """A page from which no usable article can be taken: reported as a failure."""


@dataclass
class ArticleItem:
    """What the crawler and the importers hand to the corpus: one article, raw and parsed."""

    url: str
    title: str | None
    text: str
    lead: str | None = None
    author: str | None = None
    published: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    language: str | None = None
    source: str | None = None
    raw_html: bytes | None = None
    encoding: str | None = None
    kind: str = "article"
    fetched_from: str | None = None  # where the page was read, when its declared canonical URL is ``url``


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text) if p.strip()]


def vietnamese_share(text: str) -> float:
    """Share of words carrying a Vietnamese-only letter or mark; about 0.5 in Vietnamese prose."""
    words = re.findall(r"[^\W\d_]+", text[:20000])
    if not words:
        return 0.0
    return sum(1 for w in words if VIETNAMESE_MARKS.search(w)) / len(words)


def is_vietnamese(text: str) -> bool:
    return vietnamese_share(text) >= 0.15


def prose_block(soup: BeautifulSoup) -> tuple[int, int]:
    """Length and paragraph count of the largest run of unlinked paragraphs under one parent,
    counted together with its sibling parents that hold two or more such paragraphs.

    An article has one block of body text, which some CMSs split into parts side by side
    (baotintuc.vn: div#divfirst, div#divend); a listing page has many short teasers, each
    under its own link or alone under its parent.
    """
    chars: Counter[int] = Counter()
    count: Counter[int] = Counter()
    parents: dict[int, Tag] = {}
    for p in (soup.body or soup).find_all("p"):
        text = p.get_text(" ", strip=True)
        if not text:
            continue
        linked = sum(len(a.get_text(" ", strip=True)) for a in p.find_all("a"))
        if linked / len(text) < 0.3:
            chars[id(p.parent)] += len(text)
            count[id(p.parent)] += 1
            parents[id(p.parent)] = p.parent
    if not chars:
        return 0, 0
    blocks = [(chars[key], count[key]) for key in chars]
    parts: dict[int, list[int]] = {}
    for key, parent in parents.items():
        if count[key] >= 2 and parent.parent is not None:
            parts.setdefault(id(parent.parent), []).append(key)
    blocks += [(sum(chars[k] for k in keys), sum(count[k] for k in keys)) for keys in parts.values()]
    return max(blocks)


def check_is_article(soup: BeautifulSoup, ld_article: dict | None, url: str | None = None,
                     source: Source | None = None) -> None:
    """Raise NotAnArticle for listing and home pages. A page at one of its source's article
    addresses needs less body text: a video article's description is short (vietnamplus.vn)."""
    if ld_article is not None:
        return
    if metadata.published(soup, None) is not None:
        return  # dated like an article; if it holds no text, that is a failure, not a skip
    size, paragraphs = prose_block(soup)
    if size >= PROSE_BLOCK_CHARS and paragraphs >= 3:
        return
    at_article_address = bool(url and source and re.search(source.article, path_and_query(url)))
    if at_article_address and size >= MIN_TEXT_CHARS and paragraphs >= 3:
        return
    raise NotAnArticle(
        f"looks like a listing or home page: no article metadata and no block of body text "
        f"(largest has {size} characters in {paragraphs} paragraphs)"
    )


# The parts of a selector the prefilter reads: class and id names, outside attribute tests.
_ATTRIBUTE_TEST = re.compile(r"""\[(?:[^\]"']|"[^"]*"|'[^']*')*\]""")
_CLASS_OR_ID = re.compile(r"([.#])([\w-]+)")


# The page read last and its marks: body, lead and author selectors share one walk. One
# tuple, replaced whole, so a reader never pairs one page with another's marks.
_last_marks: tuple[BeautifulSoup | None, set[str], set[str]] = (None, set(), set())


def _marks(soup: BeautifulSoup) -> tuple[set[str], set[str]]:
    """Every class and id on the page, in lower case, read in one walk of the page."""
    global _last_marks
    last = _last_marks
    if last[0] is soup:
        return last[1], last[2]
    classes: set[str] = set()
    ids: set[str] = set()
    for tag in soup.find_all(True):
        value = tag.get("class")
        classes.update(c.lower() for c in (value if isinstance(value, list) else str(value or "").split()))
        if tag.get("id"):
            ids.update(str(tag["id"]).lower().split() + [str(tag["id"]).lower()])
    _last_marks = (soup, classes, ids)
    return classes, ids


def could_match(selector: str, classes: set[str], ids: set[str]) -> bool:
    """False only when every alternative of ``selector`` names a class or id the page lacks
    (compared in lower case, as in quirks mode): soupsieve would walk the whole page to find
    nothing. Selectors it cannot read safely (functions, escapes) are always tried."""
    if "(" in selector or "\\" in selector:
        return True
    for alternative in _ATTRIBUTE_TEST.sub(" ", selector).split(","):
        names = _CLASS_OR_ID.findall(alternative)
        if all((name.lower() in classes) if kind == "." else (name.lower() in ids) for kind, name in names):
            return True
    return False


def _select(soup: BeautifulSoup, selectors: tuple[str, ...]) -> Tag | None:
    """The first element the first selector that finds one with text finds (each selector
    tried on its own, an unreadable one skipped); selectors that cannot match are not run."""
    classes, ids = _marks(soup)
    for selector in selectors:
        if not could_match(selector, classes, ids):
            continue
        try:
            found = soup.select_one(selector)
        except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError):
            continue
        if found is not None and found.get_text(strip=True):
            return found
    return None


def is_caption(element: Tag) -> bool:
    """A photo caption written as an ordinary paragraph: short, unlinked, all in italics or
    centred, right after an element that holds only images (hdnd.hochiminhcity.gov.vn:
    <div class=gallery><img></div><p style="text-align: center;"><em>Quang cảnh …</em></p>)."""
    text = element.get_text(" ", strip=True)
    if not text or len(text) > CAPTION_CHARS or element.find("a"):
        return False
    italic = " ".join(e.get_text(" ", strip=True) for e in element.find_all(["em", "i"]) if not e.find_parent(["em", "i"]))
    centred = re.search(r"text-align\s*:\s*center", str(element.get("style", "")), re.I)
    if not (same_letters(italic, text) or centred):
        return False
    before = next((t for t in element.find_previous_siblings() if t.get_text(strip=True) or t.name == "img" or t.find("img")),
                  None)
    return before is not None and not before.get_text(strip=True)


@cache
def readable(selectors: tuple[str, ...]) -> tuple[str, ...]:
    """The ``selectors`` soupsieve can compile, checked once: joined into one select, a single
    empty or unreadable one would make every page's select fail, where alone it was skipped."""
    def compiles(selector: str) -> bool:
        try:
            soupsieve.compile(selector)
        except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError):
            return False
        return True
    return tuple(s for s in selectors if compiles(s))


def _text_of(element: Tag, marks: tuple[set[str], set[str]]) -> str:
    """Body paragraphs of one element, boxes and photo captions dropped, through trafilatura's
    cleaning. The boxes are found in one walk of the body, by the selectors that can match
    on its page (``marks``: the page's classes and ids, which include the body's)."""
    fragment = BeautifulSoup(str(element), "lxml")
    drop = ", ".join(s for s in readable(GENERIC_DROP) if could_match(s, *marks))
    for tag in fragment.select(drop) if drop else ():
        tag.decompose()  # a box inside a box dropped before: dropped with it, this does nothing
    for caption in [t for t in fragment.find_all(["p", "div"]) if is_caption(t)]:
        caption.decompose()
    wrapped = f"<html><body><article>{fragment.body.decode_contents() if fragment.body else ''}</article></body></html>"
    text = trafilatura.extract(wrapped, favor_recall=True, include_comments=False, include_tables=True)
    if not text:
        text = "\n".join(
            t for p in fragment.find_all(["p", "h2", "h3", "li"]) if (t := p.get_text(" ", strip=True))
        )
    return text or ""


def body_from_selectors(soup: BeautifulSoup, source: Source | None) -> str:
    selectors = (source.body if source else ()) + GENERIC_BODY
    element = _select(soup, selectors)
    return _text_of(element, _marks(soup)) if element is not None else ""


def body_from_trafilatura(html: str) -> str:
    return trafilatura.extract(html, favor_precision=True, include_comments=False, include_tables=True) or ""


def body_from_paragraphs(soup: BeautifulSoup) -> str:
    return "\n".join(t for p in soup.find_all("p") if len(t := p.get_text(" ", strip=True)) > 40)


def lead_of(soup: BeautifulSoup, source: Source | None, ld_article: dict | None) -> str | None:
    element = _select(soup, (source.lead if source else ()) + GENERIC_LEAD)
    if element is not None:
        return re.sub(r"\s+", " ", element.get_text(" ", strip=True))
    return metadata.description(soup, ld_article)


def same_letters(a: str, b: str | None) -> bool:
    """Whether two texts differ only in spaces, punctuation and case."""
    return bool(b) and re.sub(r"\W+", "", a).lower() == re.sub(r"\W+", "", b).lower()


def author_of(soup: BeautifulSoup, source: Source | None, ld_article: dict | None) -> str | None:
    """Named authors from JSON-LD, else the page's byline; the byline also when it spells the
    same letters with its separators (JSON-LD "Tâm HằngTTXVN", byline "Tâm Hằng (TTXVN)")."""
    element = _select(soup, (source.author if source else ()) + GENERIC_AUTHOR)
    byline = re.sub(r"\s+", " ", element.get_text(" ", strip=True)) if element is not None else ""
    byline = byline if 0 < len(byline) <= 80 else ""
    named = metadata.authors(soup, ld_article)
    if named and not same_letters(byline, named):
        return named
    return byline or None


def compose_text(title: str | None, lead: str | None, body: str, author: str | None = None) -> str:
    """Lead first, then the body, without repeating a title or lead the body already holds,
    and without the author's signature line that closes some bodies ("Hà Thu (tổng hợp)")."""
    paragraphs = _paragraphs(body)
    if author and paragraphs and paragraphs[-1].startswith(author) and len(paragraphs[-1]) <= len(author) + 30:
        paragraphs.pop()
    while paragraphs and (same_letters(paragraphs[0], title) or same_letters(paragraphs[0], lead)):
        paragraphs.pop(0)
    if lead and len(lead) >= 40:
        paragraphs.insert(0, lead)
    return "\n".join(paragraphs)


def kept_url(canonical: str | None, fetched: str | None) -> str | None:
    """The URL an article is stored under: the canonical URL the page declares when the
    site it was fetched from is that URL's site, else the URL it was fetched from. A page
    read from a local file (or from no URL) keeps its canonical URL: the user vouches for
    the file, and the store never lets it replace another site's text (``corpus.store``)."""
    if canonical and (not metadata.is_web_url(fetched) or metadata.same_site(canonical, fetched)):
        return canonical
    return fetched or canonical


def extract_html(html: str, url: str | None = None) -> ArticleItem:
    """One HTML page to an article item; raises NotAnArticle or ExtractionError."""
    soup = BeautifulSoup(html, "lxml")
    ld_article = metadata.article_json_ld(metadata.json_ld(soup))
    page_url = kept_url(metadata.canonical_url(soup), url)
    source = source_for(page_url)
    check_is_article(soup, ld_article, page_url, source)
    title = metadata.title(soup, ld_article)
    for chain_step in (
        lambda: body_from_selectors(soup, source),
        lambda: body_from_trafilatura(html),
        lambda: body_from_paragraphs(soup),
    ):
        body = chain_step()
        if len(body) >= MIN_TEXT_CHARS:
            break
    else:
        raise ExtractionError(f"no article text found (at most {len(body)} characters of body text)")
    lead = lead_of(soup, source, ld_article)
    author = author_of(soup, source, ld_article)
    text = compose_text(title, lead, body, author)
    language = metadata.language(soup)
    if not is_vietnamese(text):
        raise ExtractionError(
            f"the text is not Vietnamese (page language {language or 'not declared'}, "
            f"{vietnamese_share(text):.0%} of words carry Vietnamese letters)"
        )
    return ArticleItem(
        url=page_url or "",
        title=title,
        text=text,
        lead=lead,
        author=author,
        published=metadata.published(soup, ld_article) or metadata.visible_date(soup, html),
        section=metadata.section(soup, ld_article),
        tags=metadata.tags(soup, ld_article),
        language=language or "vi",
        source=domain_of(page_url),
        fetched_from=url if url and url != page_url else None,
    )


def extract_bytes(data: bytes, url: str | None = None, content_type: str | None = None) -> ArticleItem:
    """Decode with the declared charset first, then extract; keeps the raw bytes."""
    html, encoding = decode(data, content_type)
    if not html.strip():
        raise ExtractionError("the page is empty")
    item = extract_html(html, url)
    item.raw_html = data
    item.encoding = encoding
    return item
