"""hdnd's language processing: pure functions from text to records (no database).

``__all__`` is the surface the rest of hdnd (``corpus``) uses; everything else is
internal to the package. Names load on first use, so importing ``pipeline`` for
``fold`` does not load spaCy, underthesea and the trained model.
"""

from __future__ import annotations

from importlib import import_module

_SURFACE = {
    # analysis of one document (gold/FORMAT.md records)
    "analyze": "pipeline.document", "warm": "pipeline.document", "AnalysisError": "pipeline.document",
    "PIPELINE_VERSION": "pipeline.document", "MAX_CHARS": "pipeline.document",
    "is_transcript": "pipeline.turns", "REPORT_STATUSES": "pipeline.labels",
    # text helpers shared with search and storage
    "fold": "pipeline.normalize", "normalize_text": "pipeline.normalize", "has_diacritics": "pipeline.normalize",
    "person_key": "pipeline.normalize", "cue_regex": "pipeline.cues",
    "deadline_date": "pipeline.dates", "index_names": "pipeline.resources", "topics": "pipeline.resources",
    "content_words": "pipeline.similarity", "fingerprint": "pipeline.similarity",
    "followup_score": "pipeline.similarity", "match_query": "pipeline.similarity",
    "text_similarity": "pipeline.similarity",
    # evaluation and training
    "score": "pipeline.evaluate", "pattern_report": "pipeline.evaluate",
    "Classifier": "pipeline.classify", "DEFAULT_THRESHOLD": "pipeline.classify", "shipped_model": "pipeline.classify",
    "model_problem": "pipeline.classify", "model_path": "pipeline.classify", "model_choice": "pipeline.document",
    "label_counts": "pipeline.train",
    "load_gold": "pipeline.train", "in_dev": "pipeline.train", "fit": "pipeline.train", "predict": "pipeline.train",
    "prepare_gold": "pipeline.train", "tune_threshold": "pipeline.train", "cross_validate": "pipeline.train",
    "attribution_accuracy": "pipeline.train",
}
# Two functions share their module's name; they are exported under another.
_RENAMED = {"normalize_text": "normalize", "text_similarity": "similarity"}
__all__ = sorted(_SURFACE)


def __getattr__(name: str):
    if name not in _SURFACE:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    return getattr(import_module(_SURFACE[name]), _RENAMED.get(name, name))
