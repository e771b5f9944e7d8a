"""What a process loads before its first document: the segmenter's check against
underthesea is remembered in the cache folder (asked again when what it depends on
changes), and underthesea's NER, POS and chunking modules are not imported unless asked for."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from pipeline.segment import _check_key, model_folder
from tests.conftest import ROOT

SENTENCE = "Chủ tịch UBND tỉnh Nguyễn Văn An cam kết sẽ hoàn thành trong năm 2025."

# Prints what a fresh process loaded to segment and analyse one sentence.
_PROBE = f"""
import json, sys
from pipeline import analyze
from pipeline.segment import _Segmenter, word_segmenter
result = analyze({SENTENCE!r})
print(json.dumps({{"ours": type(getattr(word_segmenter(), "__self__", None)) is _Segmenter,
                  "asked": "underthesea.models.fast_crf_sequence_tagger" in sys.modules,
                  "whole": "underthesea.pipeline.ner" in sys.modules, "result": result}}, ensure_ascii=False))
"""


def _probe(cache, code: str = _PROBE) -> dict:
    env = {**os.environ, "HDND_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_segmenter_check_is_asked_once_then_remembered(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "segmenter-0123.ok").write_text("another installation's (another underthesea)\n")
    first = _probe(cache)
    assert first["ours"] and first["asked"]
    marks = sorted(p.name for p in cache.iterdir())
    assert marks == ["segmenter-0123.ok", f"segmenter-{_check_key(model_folder())}.ok"]
    second = _probe(cache)
    assert second["ours"] and not second["asked"] and not second["whole"]
    assert second["result"] == first["result"]


def test_the_check_is_asked_again_when_what_it_depends_on_changes(tmp_path):
    """A changed model file (or tokenizer, or underthesea release) names another mark."""
    source = model_folder()
    folder = tmp_path / "word_tokenize" / "models" / source.name
    shutil.copytree(source, folder)
    shutil.copy(source.parents[1] / "regex_tokenize.py", folder.parents[1])
    before = _check_key(folder)
    assert _check_key(folder) == before
    with (folder / "dictionary.bin").open("ab") as file:
        file.write(b"\0")
    assert _check_key(folder) != before
    changed = _check_key(folder)
    (folder.parents[1] / "regex_tokenize.py").write_text("# another tokenizer\n")
    assert _check_key(folder) not in (before, changed)


def test_an_unwritable_cache_asks_every_time_and_still_segments_the_fast_way(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder\n")
    for _ in range(2):
        probe = _probe(blocked / "cache")
        assert probe["ours"] and probe["asked"]
        assert probe["result"]["commitments"][0]["quote"] in SENTENCE


def test_underthesea_is_whole_for_whoever_asks_for_more(tmp_path):
    """After hdnd segmented without underthesea's __init__, its names still import and give
    what they give in a process that imported underthesea first."""
    asks = "from underthesea import ner, word_tokenize\nimport underthesea\n" \
           f"print(json.dumps([underthesea.__version__, ner({SENTENCE!r}), word_tokenize({SENTENCE!r})], ensure_ascii=False))"
    (tmp_path / f"segmenter-{_check_key(model_folder())}.ok").write_text("checked\n")  # hdnd asks underthesea nothing
    lazy = _probe(tmp_path, "import json\nfrom pipeline import analyze\n" f"analyze({SENTENCE!r})\n" + asks)
    whole = _probe(tmp_path, "import json\nimport underthesea\nfrom pipeline import analyze\n" f"analyze({SENTENCE!r})\n" + asks)
    assert lazy == whole
    assert lazy[1][0][0] == "Chủ tịch"


def test_underthesea_init_that_fails_says_why_each_time_and_completes_once_it_can(tmp_path):
    """A module underthesea's __init__ imports cannot be imported (None in sys.modules): whoever
    asks underthesea for a name meets that import error every time, not a missing attribute,
    and once the module can be imported the package completes."""
    (tmp_path / f"segmenter-{_check_key(model_folder())}.ok").write_text("checked\n")
    tries = """
import json, sys
from pipeline import analyze
analyze("Chủ tịch UBND tỉnh cam kết.")
sys.modules["underthesea.pipeline.chunking"] = None
errors = []
for _ in range(2):
    try:
        from underthesea import ner
    except Exception as err:
        errors.append(type(err).__name__)
del sys.modules["underthesea.pipeline.chunking"]
from underthesea import chunk, ner
print(json.dumps([errors, callable(ner) and callable(chunk)]))
"""
    assert _probe(tmp_path, tries) == [["ModuleNotFoundError", "ModuleNotFoundError"], True]
