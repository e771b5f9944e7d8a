"""/-/person/ID: one person across the corpus, as ``hdnd person`` shows them (titles over
time, promises, turns at sessions, questions asked and answered, articles)."""

from __future__ import annotations

from datasette.utils.asgi import Response

from corpus.db import row_id
from corpus.display import shorten, today_local
from corpus.people import PersonError, person_detail
from corpus.serve.pages import _not_found, _page, _read, _sentence, promise_links, reader_url


async def person_page(datasette, request) -> Response:
    """/-/person/ID (``.json`` the same record): who they are, the titles they held and
    when, what they promised, where they spoke, what they asked and answered."""
    person_id = row_id(request.url_vars["id"])
    if person_id is None:
        return await _not_found(datasette, request, "hdnd_person.html",
                                f"There is no person {shorten(request.url_vars['id'], 24)} in this corpus.")
    try:
        record = await _read(datasette, lambda db: person_detail(db, person_id, today_local()))
    except PersonError as err:
        return await _not_found(datasette, request, "hdnd_person.html", f"{_sentence(err)}.")
    if request.url_vars.get("format") == "json":
        return Response.json({"ok": True, **record})
    for title in record["titles"]:
        for article in title["articles"]:
            article["stored"] = reader_url(datasette, article["id"])
    promise_links(datasette, record["commitments"])
    for row in record["turns"] + record["questions_asked"] + record["questions_answered"]:
        row["session_url"] = datasette.urls.path(f"-/session/{row['session_id']}") if row["session_id"] else None
        row["stored"] = reader_url(datasette, row["article_id"])
    for question in record["questions_asked"]:
        question["question_short"] = shorten(question["question"], 400)
    for question in record["questions_answered"]:
        question["answer_short"] = shorten(question["answer"], 600)
    for article in record["articles"]:
        article["stored"] = reader_url(datasette, article["id"])
    return await _page(datasette, request, "hdnd_person.html", {
        "person": record, "json_url": datasette.urls.path(f"-/person/{person_id}.json")})


ROUTES = [(r"^/-/person/(?P<id>\d+)(\.(?P<format>json))?$", person_page)]
