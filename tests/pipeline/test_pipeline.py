"""The analysis pipeline as a spaCy pipeline: its steps declare what they need and give,
and it is saved and loaded whole with nlp.to_disk / spacy.load, trained model included."""

from __future__ import annotations

import json

import spacy

from pipeline.document import STEPS, nlp, records
from pipeline.normalize import normalize_aligned
from pipeline.segment import make_doc

# Set from the caller's arguments when the Doc is made (pipeline.document.run), not by a step.
INPUTS = {"doc._.published", "doc._.transcript"}


def test_every_requirement_is_assigned_by_an_earlier_step():
    language = nlp()
    assert language.pipe_names == list(STEPS)
    problems = language.analyze_pipes()["problems"]
    assert all(set(missing) <= INPUTS for missing in problems.values()), problems
    for name in STEPS:
        meta = language.get_pipe_meta(name)
        assert meta.assigns, f"{name} declares nothing it assigns"


def test_the_whole_pipeline_round_trips_through_disk(tmp_path, shared):
    language = nlp()
    language.to_disk(tmp_path / "hdnd")
    assert (tmp_path / "hdnd" / "hdnd_classify" / "classifier" / "coef.npy").is_file()  # the trained model goes with it
    loaded = spacy.load(tmp_path / "hdnd")
    assert loaded.pipe_names == language.pipe_names
    assert loaded.get_pipe("hdnd_classify").classifier.threshold == language.get_pipe("hdnd_classify").classifier.threshold

    gold = next(json.loads(line) for line in (shared / "gold" / "dev" / "news.jsonl").open(encoding="utf-8")
                if '"dev-161"' in line)
    text = gold["text"]
    norm, offsets = normalize_aligned(text)

    def analysed(pipeline) -> dict:
        doc = make_doc(norm, pipeline)
        doc._.published, doc._.transcript = None, None
        for _, component in pipeline.pipeline:
            doc = component(doc)
        return records(doc, text, offsets)

    before, after = analysed(language), analysed(loaded)
    assert before["commitments"] and before["commitments"] == after["commitments"]
    assert before["demands"] == after["demands"] and before["persons"] == after["persons"]
    assert all(text[c["start"]:c["end"]] == c["quote"] for c in after["commitments"])


def test_the_public_surface_names_no_module():
    """A name of ``pipeline.__all__`` that is also a submodule's name would turn into
    that module once the submodule is imported."""
    import importlib
    import pkgutil
    import types

    import pipeline

    for module in pkgutil.iter_modules(pipeline.__path__):
        importlib.import_module(f"pipeline.{module.name}")
    assert pipeline.__all__
    for name in pipeline.__all__:
        assert not isinstance(getattr(pipeline, name), types.ModuleType), name
