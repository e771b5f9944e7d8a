"""The pipeline step that marks places in a document (``doc.spans["places"]``) and the
province it is about (``doc._.main_place``), from ``pipeline.placenames``."""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.placenames import PlaceMention, find_places, main_place, place_of_source
from pipeline.steps import step


@step("hdnd_places", "places", label=lambda m: m.unit.level, assigns=["main_place"])
def places_of(doc: Doc) -> list[PlaceMention]:
    mentions = find_places(doc._.text)
    doc._.main_place = main_place(mentions) or place_of_source(doc._.source)
    return mentions
