"""Small news pages written for these tests: index results over three years, a promise
with a deadline, and a page whose words are the syllables of "Hội đồng nhân dân" but
not the phrase. Each page has a canonical https URL, as a crawled page would."""

from __future__ import annotations

from tests.conftest import article_html

SITE = "https://baobacgiang.example.vn"


def page(slug: str, title: str, published: str, paragraphs: list[str]) -> tuple[str, str]:
    """(file name, HTML) of a news page published at ``SITE/slug.html``."""
    return f"{slug}.html", article_html(title, paragraphs, url=f"{SITE}/{slug}.html", published=published)


PAR_2023 = page(
    "bac-giang-cong-bo-chi-so-cai-cach-hanh-chinh-nam-2023",
    "Bắc Giang công bố kết quả Chỉ số cải cách hành chính năm 2023", "2024-05-16T09:30:00+07:00", [
        "Ngày 15/5/2024, UBND tỉnh Bắc Giang tổ chức hội nghị công bố kết quả Chỉ số cải cách hành chính "
        "(PAR INDEX) của các sở, ngành và địa phương trên địa bàn tỉnh.",
        "Theo kết quả do Bộ Nội vụ công bố, Chỉ số cải cách hành chính năm 2023 của tỉnh Bắc Giang đạt 89,21%, "
        "xếp thứ 6/63 tỉnh, thành phố, tăng 4 bậc so với năm 2022.",
        "Năm 2022, Chỉ số cải cách hành chính của tỉnh Bắc Giang đạt 86,47%, xếp thứ 10/63 tỉnh, thành phố.",
        "Tại kỳ họp thứ 18 Hội đồng nhân dân tỉnh khóa XIX, Giám đốc Sở Nội vụ Hoàng Văn Nam cam kết hoàn thành "
        "số hóa toàn bộ hồ sơ thủ tục hành chính cấp tỉnh trước ngày 30/6/2025.",
        "Phát biểu tại hội nghị, Chủ tịch UBND tỉnh Nguyễn Văn Gấu yêu cầu các sở, ngành tập trung khắc phục "
        "những chỉ số thành phần còn thấp, nhất là cải cách tài chính công.",
    ])

PAR_SERIES = page(
    "chi-so-par-index-cua-bac-giang-lien-tuc-cai-thien",
    "Chỉ số PAR INDEX của Bắc Giang liên tục cải thiện", "2024-06-02T07:00:00+07:00", [
        "Năm 2021, Chỉ số cải cách hành chính của tỉnh Bắc Giang đạt 84,12%, xếp thứ 17/63 tỉnh, thành phố.",
        "Năm 2022, Chỉ số cải cách hành chính của tỉnh Bắc Giang đạt 86,74%, xếp thứ 10/63 tỉnh, thành phố.",
        "Năm 2023, Chỉ số cải cách hành chính của tỉnh Bắc Giang đạt 89,21%, xếp thứ 6/63.",
    ])

SCATTERED = page(
    "ngay-hoi-dai-doan-ket-o-thon-dong-tam",
    "Ngày hội đại đoàn kết ở thôn Đồng Tâm", "2024-11-18T08:00:00+07:00", [
        "Ngày hội đại đoàn kết toàn dân tộc năm nay được tổ chức tại nhà văn hóa thôn Đồng Tâm, xã Tân Dĩnh.",
        "Đông đảo nhân dân trong thôn tham gia các hoạt động văn nghệ, thể thao; các hộ nghèo được tặng quà.",
        "Phát biểu tại ngày hội, Bí thư Chi bộ thôn cho biết năm qua thôn đã làm mới 1,2 km đường bê tông, "
        "100% hộ gia đình dùng nước sạch và không còn hộ nghèo theo chuẩn mới.",
        "Dịp này, Ban Công tác Mặt trận thôn trao giấy khen cho 12 gia đình văn hóa tiêu biểu và tặng quà "
        "các cháu học sinh nghèo vượt khó.",
    ])

PAGES = [PAR_2023, PAR_SERIES, SCATTERED]
