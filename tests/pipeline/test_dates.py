import pytest

from pipeline.dates import find_dates

PUB = "2023-07-05"


@pytest.mark.parametrize("text, value, granularity, deadline", [
    ("xử lý xong trước ngày 31-12-2023.", "2023-12-31", "day", "2023-12-31"),
    ("ban hành ngày 04/4/2024 về việc", "2024-04-04", "day", "2024-04-04"),
    ("ngày 10 tháng 10 năm 2024", "2024-10-10", "day", "2024-10-10"),
    ("Chiều 5-7, tại kỳ họp", "2023-07-05", "day", "2023-07-05"),
    ("hoàn thành trước 30/9, báo cáo", "2023-09-30", "day", "2023-09-30"),
    ("trong tháng 5/2024", "2024-05", "month", "2024-05"),
    ("từ đầu năm đến quý I-2023", "2023-Q1", "quarter", "2023-Q1"),
    ("trong quý IV năm nay", "2023-Q4", "quarter", "2023-Q4"),
    ("6 tháng đầu năm 2024", "2024-H1", "half", "2024-06"),
    ("giai đoạn 2021 - 2025", "2021/2025", "period", "2025"),
    ("đến cuối năm nay", "2023", "year", "2023"),
    ("trong năm tới", "2024", "year", "2024"),
])
def test_expressions(text, value, granularity, deadline):
    found = [d for d in find_dates(text, PUB) if d.value == value]
    assert found, find_dates(text, PUB)
    assert found[0].granularity == granularity
    assert found[0].deadline == deadline
    assert text[found[0].start:found[0].end] == found[0].text


@pytest.mark.parametrize("text", [
    "xếp thứ 21/63 tỉnh, thành phố", "đạt 83,57%", "hoàn thành 16/24 chỉ tiêu", "tăng 5/12 so với",
    "giải quyết 531/617 thủ tục", "tỷ lệ 99,81% hồ sơ", "khắc phục xong 13/14 tiêu chí",
])
def test_ratios_and_figures_are_never_dates(text):
    assert [d for d in find_dates(text, PUB) if d.granularity != "year"] == []


def test_modifier_marks_deadlines():
    (expr,) = find_dates("phải hoàn thành chậm nhất là ngày 15/8/2024", PUB)
    assert expr.modifier == "by" and expr.value == "2024-08-15"


def test_a_reported_day_is_on_or_before_publication_unless_a_near_preview():
    """Issue 15's example: "Chiều 5-7" in an article of March is last July. A real preview
    (models/training tr-06-040, published 2025-12-08: "Sáng 9/12, kỳ họp thứ 6 … khai mạc")
    stays in its year, and so does a deadline ("trước ngày 30/8")."""
    import json

    from pipeline.dates import find_dates
    from tests.conftest import ROOT

    assert find_dates("Chiều 5-7, HĐND tỉnh khai mạc kỳ họp.", "2024-03-01")[0].value == "2023-07-05"
    assert find_dates("phải hoàn thành trước ngày 30/8.", "2024-03-01")[0].value == "2024-08-30"
    lines = (ROOT / "models" / "training" / "batch-06.jsonl").read_text(encoding="utf-8").splitlines()
    doc = next(d for d in map(json.loads, lines) if d["doc"] == "tr-06-040")
    preview = next(t for t in find_dates(doc["text"], doc["published"]) if t.text == "9/12")
    assert (doc["published"], preview.value) == ("2025-12-08", "2025-12-09")
