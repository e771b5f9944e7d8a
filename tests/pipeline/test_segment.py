"""pipeline.segment builds underthesea's CRF features itself (faster): the features, and so
the words, must be exactly underthesea's own on real text."""

from __future__ import annotations

import json

import joblib
import pytest
from underthesea import sent_tokenize, word_tokenize
from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize
from underthesea_core import CRFFeaturizer

from pipeline.normalize import normalize
from pipeline.segment import _Segmenter, model_folder, word_segmenter
from tests.conftest import ROOT


def _sentences() -> list[str]:
    """The sentences of our real annotated texts (four batches: every kind of page we keep)."""
    sentences = []
    for path in sorted((ROOT / "models" / "training").glob("*.jsonl"))[::9]:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = normalize(json.loads(line)["text"])
            sentences += [s for paragraph in text.splitlines() if paragraph.strip() for s in sent_tokenize(paragraph)]
    return sentences


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    return _sentences()


def test_features_and_words_are_underthesea_s(sentences):
    folder = model_folder()
    reference = CRFFeaturizer(joblib.load(folder / "features.bin"), joblib.load(folder / "dictionary.bin"))
    ours = _Segmenter(folder)
    syllables = 0
    for sentence in sentences:
        units = tokenize(sentence, use_token_normalize=False)
        syllables += len(units)
        if units:
            assert ours.features(units) == reference.process([[[u] for u in units]])[0], sentence
        assert ours.words(sentence) == word_tokenize(sentence, use_token_normalize=False), sentence
    assert syllables > 20_000  # the texts were read: thousands of sentences, not a handful


def test_the_installed_underthesea_takes_the_fast_path():
    """Another underthesea model falls back to word_tokenize (slower, same words): then this fails."""
    assert getattr(word_segmenter(), "__self__", None).__class__ is _Segmenter


def test_a_model_with_a_feature_we_do_not_build_is_refused(tmp_path):
    folder = model_folder()
    joblib.dump(["T[0]", "T[-1,0].isdigit"], tmp_path / "features.bin")
    joblib.dump(joblib.load(folder / "dictionary.bin"), tmp_path / "dictionary.bin")
    with pytest.raises(ValueError, match=r"T\[-1,0\]\.isdigit"):
        _Segmenter(tmp_path)
