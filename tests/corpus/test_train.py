"""hdnd train, eval --model/--cv and corrections: a small real slice trains a loadable model,
and a person's correction of a stored commitment becomes training data."""

from __future__ import annotations

import json

import pytest

from corpus.cli import cli
from corpus.commitments import correct, corrections, list_commitments
from corpus.process import process_corpus
from tests.conftest import ROOT
from tests.corpus.test_commitments import PROMISE, _save


@pytest.fixture
def gold_slice(shared, tmp_path):
    """Thirty real annotated documents of the shared development corpus."""
    lines = (shared / "gold" / "dev" / "news.jsonl").read_text(encoding="utf-8").splitlines()
    docs = [json.loads(line) for line in lines]
    picked = [d for d in docs if d["commitments"] or d["demands"]][:30]
    path = tmp_path / "slice.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in picked), encoding="utf-8")
    return path


def test_train_on_a_slice_gives_a_model_eval_can_load(gold_slice, tmp_path, runner):
    from pipeline.classify import Classifier

    out = tmp_path / "model"
    result = runner.invoke(cli, ["train", str(gold_slice), "--out", str(out), "--split", "all", "--threshold", "0.3"])
    assert result.exit_code == 0, result.output
    assert "Trained on 30 documents" in result.output
    classifier = Classifier.load(out)
    assert classifier.threshold == pytest.approx(0.3)
    assert classifier.nlp.get_pipe("classifier").labels == ["COMMITMENT", "DEMAND", "NONE"]
    result = runner.invoke(cli, ["eval", str(gold_slice), "--model", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = {row["task"]: row for row in json.loads(result.stdout)["tasks"]}
    assert scores["commitments"]["tp"] > 0  # a model that fits its own training documents finds some


def test_the_linear_component_gives_scikit_learns_probabilities(gold_slice, tmp_path):
    """The shipped component runs on numpy alone; what it computes must be what
    scikit-learn's TF-IDF and logistic regression learned, on real candidate clauses."""
    import random
    from functools import partial

    import numpy as np
    import spacy
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from pipeline.linear import grams
    from pipeline.train import fit, load_gold, prepare_gold

    examples = [ex for item in prepare_gold(load_gold([gold_slice])) for ex in item.examples()]
    fit(examples, tmp_path / "m", threshold=0.3)
    loaded = spacy.load(tmp_path / "m")
    rows = list(examples)
    random.Random(0).shuffle(rows)  # as fit does with seed 0
    vectorizer = TfidfVectorizer(analyzer=partial(grams, ngram_size=2), sublinear_tf=True)
    model = LogisticRegression(C=16.0, max_iter=3000).fit(vectorizer.fit_transform([t for t, _ in rows]),
                                                          [label for _, label in rows])
    texts = [t for t, _ in rows[:200]] + ["f_group_none một câu không có trong dữ liệu"]
    expected = model.predict_proba(vectorizer.transform(texts))
    got = np.array([[doc.cats[label] for label in model.classes_] for doc in loaded.pipe(texts)])
    assert np.allclose(got, expected, atol=1e-4)


def test_the_textcat_config_still_trains_for_comparison(gold_slice, runner):
    result = runner.invoke(cli, ["eval", str(gold_slice), "--cv", "2", "--config", str(ROOT / "models" / "commitment_textcat.cfg"),
                                 "--threshold", "0.3", "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = {row["task"]: row for row in json.loads(result.stdout)["tasks"]}
    assert scores["commitments"]["tp"] > 0


def test_cross_validation_reports_pooled_scores(gold_slice, runner):
    result = runner.invoke(cli, ["eval", str(gold_slice), "--cv", "3", "--format", "json"])
    assert result.exit_code == 0, result.output
    scores = {row["task"]: row for row in json.loads(result.stdout)["tasks"]}
    gold = [json.loads(line) for line in gold_slice.read_text(encoding="utf-8").splitlines()]
    certain = sum(1 for d in gold for c in d["commitments"] if not c.get("uncertain"))
    assert scores["commitments"]["tp"] + scores["commitments"]["fn"] == certain
    assert scores["commitments"]["tp"] > 0  # models trained on two thirds find some of the rest


def test_a_rejection_is_an_event_and_training_data(gold_slice, db_path, tmp_path, runner, fresh_db):
    from datetime import date

    _save(fresh_db, "https://baohaiphong.example/ky-hop-9", PROMISE, "2024-07-05")
    process_corpus(fresh_db, today=date(2024, 8, 1))
    found = list_commitments(fresh_db, date(2024, 8, 1), kind=None)
    assert len(found) >= 2  # the promise and the delegate's demand
    first = found[0]
    result = runner.invoke(cli, ["promise", str(first["id"]), "--reject", "not_a_promise", "--note", "lịch họp",
                                 "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "Recorded correction" in result.output
    # The commitment row is unchanged, the event is kept, and it leaves the list.
    assert fresh_db.execute("SELECT quote FROM commitments WHERE id = ?", (first["id"],)).fetchone()[0] == first["quote"]
    assert fresh_db.execute("SELECT status, note FROM commitment_events WHERE commitment_id = ? AND kind = 'correction'",
                            (first["id"],)).fetchone() == ("not_a_promise", "lịch họp")
    assert first["id"] not in [c["id"] for c in list_commitments(fresh_db, date(2024, 8, 1), kind=None)]
    correct(fresh_db, found[1]["id"], "wrong_speaker", date(2024, 8, 2), speaker="Nguyễn Văn A")
    docs = corrections(fresh_db)
    assert len(docs) == 1 and docs[0]["partial"]
    (doc,) = docs
    assert [n["quote"] for n in doc["negatives"]] == [first["quote"]]
    assert all(doc["text"][n["start"]:n["end"]] == n["quote"] for n in doc["negatives"])
    assert [c["speaker"] for c in doc["commitments"] + doc["demands"]] == ["Nguyễn Văn A"]
    result = runner.invoke(cli, ["train", str(gold_slice), "--from-db", str(db_path), "--split", "all",
                                 "--threshold", "0.3", "--out", str(tmp_path / "adapted")])
    assert result.exit_code == 0, result.output
    assert "Trained on 31 documents" in result.output


@pytest.mark.parametrize("args, message", [
    (["--reject", "wrong_speaker"], "needs --speaker"),
    (["--reject", "wrong_deadline", "--deadline", "next year"], "is not YYYY"),
    (["--speaker", "X"], "go with --reject"),
    (["--reject", "not_a_promise", "--confirm", "kept"], "one at a time"),
])
def test_bad_corrections_get_one_sentence(args, message, db_path, fresh_db, runner):
    from datetime import date

    _save(fresh_db, "https://baohaiphong.example/ky-hop-9", PROMISE, "2024-07-05")
    process_corpus(fresh_db, today=date(2024, 8, 1))
    (first, *_) = list_commitments(fresh_db, date(2024, 8, 1), kind=None)
    before = fresh_db.execute("SELECT COUNT(*) FROM commitment_events").fetchone()[0]
    result = runner.invoke(cli, ["promise", str(first["id"]), *args, "--db", str(db_path)])
    assert result.exit_code == 2 and message in result.output, result.output
    assert fresh_db.execute("SELECT COUNT(*) FROM commitment_events").fetchone()[0] == before


def test_train_refuses_a_file_that_is_not_gold(tmp_path, runner):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"doc": "x"}\n', encoding="utf-8")
    result = runner.invoke(cli, ["train", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code == 2 and "has no \"doc\" id or no \"text\"" in result.output
    assert not (tmp_path / "m").exists()


def test_hdnd_model_chooses_the_classifier(gold_slice, tmp_path, runner):
    """HDND_MODEL names a trained folder (or "rules"); a wrong one is refused in one sentence."""
    docs = [json.loads(line) for line in gold_slice.read_text(encoding="utf-8").splitlines()]
    lines = "".join(json.dumps({"doc": d["doc"], "text": d["text"], "published": d["published"]}, ensure_ascii=False)
                    + "\n" for d in docs)
    shipped = runner.invoke(cli, ["analyze"], input=lines)
    rules = runner.invoke(cli, ["analyze"], input=lines, env={"HDND_MODEL": "rules"})
    assert shipped.exit_code == 0 and rules.exit_code == 0, (shipped.output, rules.output)
    scored = [s for line in shipped.stdout.splitlines() for s in json.loads(line)["commitments"]]
    plain = [s for line in rules.stdout.splitlines() for s in json.loads(line)["commitments"]]
    assert scored and plain
    assert all(s["score"] is not None for s in scored) and all(s["score"] is None for s in plain)
    wrong = runner.invoke(cli, ["analyze"], input=lines, env={"HDND_MODEL": str(tmp_path / "missing")})
    assert wrong.exit_code == 2 and "is not a model folder" in wrong.output


def test_training_is_deterministic(gold_slice, tmp_path, runner):
    """The same documents and seed give the same weights, byte for byte."""
    for name in ("a", "b"):
        result = runner.invoke(cli, ["train", str(gold_slice), "--out", str(tmp_path / name), "--split", "all",
                                     "--threshold", "0.3"])
        assert result.exit_code == 0, result.output
    for part in ("features.txt", "coef.npy", "idf.npy", "intercept.npy"):
        assert (tmp_path / "a" / "classifier" / part).read_bytes() == (tmp_path / "b" / "classifier" / part).read_bytes()


@pytest.mark.parametrize("case, message", [
    ("cv_one_document", "--cv 2 needs at least 2 documents"),
    ("model_without_meta", "is not a model folder saved by hdnd train"),
    ("pred_not_json", "is not JSON"),
    ("gold_with_null_list", "that is not a list"),
    ("duplicate_ids", "repeats the document id"),
])
def test_eval_refuses_bad_input_in_one_sentence(case, message, gold_slice, tmp_path, runner):
    first = gold_slice.read_text(encoding="utf-8").splitlines()[0]
    one = tmp_path / "one.jsonl"
    one.write_text(first + "\n", encoding="utf-8")
    args = {
        "cv_one_document": [str(one), "--cv", "2"],
        "model_without_meta": [str(one), "--model", str(tmp_path)],
        "pred_not_json": [str(one), "--pred", str(tmp_path / "pred.jsonl")],
        "gold_with_null_list": [str(tmp_path / "null.jsonl")],
        "duplicate_ids": [str(one), str(one)],
    }[case]
    (tmp_path / "pred.jsonl").write_text("{not json\n", encoding="utf-8")
    doc = json.loads(first)
    doc["commitments"] = None
    (tmp_path / "null.jsonl").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["eval", *args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_train_on_gold_without_demands(gold_slice, tmp_path, runner):
    """A gold file that annotates commitments only trains and reports what it has."""
    docs = [json.loads(line) for line in gold_slice.read_text(encoding="utf-8").splitlines()]
    for doc in docs:
        doc.pop("demands", None)
    path = tmp_path / "commitments-only.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    result = runner.invoke(cli, ["train", str(path), "--out", str(tmp_path / "m"), "--split", "train"])
    assert result.exit_code == 0, result.output
    assert "Threshold by 5-fold CV" in result.output and (tmp_path / "m" / "meta.json").exists()


def test_a_later_correction_undoes_not_a_promise(db_path, fresh_db):
    from datetime import date

    _save(fresh_db, "https://baohaiphong.example/ky-hop-9", PROMISE, "2024-07-05")
    process_corpus(fresh_db, today=date(2024, 8, 1))
    first = list_commitments(fresh_db, date(2024, 8, 1), kind=None)[0]
    correct(fresh_db, first["id"], "not_a_promise", date(2024, 8, 2))
    assert first["id"] not in [c["id"] for c in list_commitments(fresh_db, date(2024, 8, 2), kind=None)]
    assert first["id"] not in [r[0] for r in fresh_db.execute("SELECT id FROM promises")]
    correct(fresh_db, first["id"], "wrong_kind", date(2024, 8, 3), kind="demand")
    assert first["id"] in [c["id"] for c in list_commitments(fresh_db, date(2024, 8, 3), kind=None)]
    assert first["id"] in [r[0] for r in fresh_db.execute("SELECT id FROM promises")]
    (doc,) = corrections(fresh_db)
    assert not doc["negatives"] and [d["quote"] for d in doc["demands"]] == [first["quote"]]
