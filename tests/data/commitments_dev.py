"""Our own development set for commitments, demands and assignments.

Every text here was written for this project (realistic, not copied from any outlet).
Each gold item names the pattern it exercises; documents that must yield nothing name
the false friend they hold. ``DEV`` is what the rules were developed on; ``HELDOUT`` was
written at the same time and is scored, not tuned on. Run this file to rebuild the JSONL
files next to it: ``python tests/data/commitments_dev.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def C(quote, speaker=None, title=None, deadline=None, pattern="", uncertain=False):
    return {"quote": quote, "speaker": speaker, "speaker_title": title, "deadline": deadline,
            "pattern": pattern, "uncertain": uncertain}


def D(doc, published, text, c=(), d=(), a=(), ff=None):
    return {"doc": doc, "published": published, "text": text, "commitments": list(c), "demands": list(d),
            "assignments": list(a), "false_friend": ff}


DEV = [
    D("dev-quote-name-line", "2024-07-10", """Tại phiên chất vấn, nhiều đại biểu quan tâm đến tiến độ các dự án nhà ở xã hội.

"Thành phố cam kết hoàn thành bàn giao 1.200 căn hộ nhà ở xã hội cho người dân trước ngày 30-6-2025".

Chủ tịch UBND thành phố Đà Nẵng Lê Trung Chinh

Theo báo cáo, hiện thành phố có 9 dự án nhà ở xã hội đang triển khai.""",
      c=[C("Thành phố cam kết hoàn thành bàn giao 1.200 căn hộ nhà ở xã hội cho người dân trước ngày 30-6-2025",
           "Lê Trung Chinh", "Chủ tịch UBND thành phố Đà Nẵng", "2025-06-30", "cue:cam kết|attr:quote_name_line")]),

    D("dev-quote-after", "2024-12-05", """Trả lời chất vấn về tình trạng ngập úng, Giám đốc Sở Xây dựng Hoàng Văn Thắng thừa nhận trách nhiệm của ngành.

"Chúng tôi sẽ hoàn thành nạo vét toàn bộ 14 tuyến kênh thoát nước chính trước mùa mưa năm 2025", ông Hoàng Văn Thắng khẳng định.""",
      c=[C("Chúng tôi sẽ hoàn thành nạo vét toàn bộ 14 tuyến kênh thoát nước chính trước mùa mưa năm 2025",
           "Hoàng Văn Thắng", "Giám đốc Sở Xây dựng", "2025", "cue:sẽ|attr:quote_after")]),

    D("dev-quote-before", "2024-06-20", """Phát biểu kết thúc phiên giải trình, Phó Chủ tịch UBND tỉnh Nghệ An Bùi Đình Long nhấn mạnh: "Tỉnh quyết tâm giải ngân 100% vốn đầu tư công được giao trong năm 2024, không để tình trạng chậm giải ngân kéo dài như năm trước"."""
      , c=[C("Tỉnh quyết tâm giải ngân 100% vốn đầu tư công được giao trong năm 2024", "Bùi Đình Long",
             "Phó Chủ tịch UBND tỉnh Nghệ An", "2024", "cue:quyết tâm|attr:quote_before")]),

    D("dev-speech-verb", "2023-11-14", """Về kiến nghị của cử tri phường Hòa Khánh Bắc, Giám đốc Sở Tài nguyên và Môi trường Trần Thị Hồng cho biết, sở sẽ phối hợp với quận Liên Chiểu xử lý dứt điểm mùi hôi tại bãi rác Khánh Sơn trong quý I năm 2024.""",
      c=[C("sở sẽ phối hợp với quận Liên Chiểu xử lý dứt điểm mùi hôi tại bãi rác Khánh Sơn trong quý I năm 2024",
           "Trần Thị Hồng", "Giám đốc Sở Tài nguyên và Môi trường", "2024-Q1", "cue:sẽ|attr:speech_verb")]),

    D("dev-answer-question", "2024-07-09", """Trả lời chất vấn của đại biểu Nguyễn Thị Lan (Tổ đại biểu huyện Đông Anh), Giám đốc Sở Giao thông vận tải Nguyễn Phi Thường cho biết, sở sẽ đưa vào vận hành 5 bãi đỗ xe ngầm tại khu vực nội đô trước ngày 31/12/2025.""",
      c=[C("sở sẽ đưa vào vận hành 5 bãi đỗ xe ngầm tại khu vực nội đô trước ngày 31/12/2025", "Nguyễn Phi Thường",
           "Giám đốc Sở Giao thông vận tải", "2025-12-31", "cue:sẽ|attr:answer")]),

    D("dev-theo", "2024-03-02", """Theo Chủ tịch UBND quận Ninh Kiều Nguyễn Thanh Nam, quận sẽ hoàn thành di dời 320 hộ dân ven rạch Cái Khế trong năm nay.""",
      c=[C("quận sẽ hoàn thành di dời 320 hộ dân ven rạch Cái Khế trong năm nay", "Nguyễn Thanh Nam",
           "Chủ tịch UBND quận Ninh Kiều", "2024", "cue:sẽ|attr:theo")]),

    D("dev-xin-hua", "2023-12-08", """Kết thúc phần trả lời, Chủ tịch UBND huyện Gia Lâm Nguyễn Việt Hà xin nhận trách nhiệm về việc chậm cấp giấy chứng nhận quyền sử dụng đất.

"Tôi xin hứa với cử tri, đến hết quý II năm 2024, huyện sẽ giải quyết xong 1.500 hồ sơ tồn đọng", ông Nguyễn Việt Hà nói.""",
      c=[C("Tôi xin hứa với cử tri, đến hết quý II năm 2024, huyện sẽ giải quyết xong 1.500 hồ sơ tồn đọng",
           "Nguyễn Việt Hà", "Chủ tịch UBND huyện Gia Lâm", "2024-Q2", "cue:xin hứa|attr:quote_after")]),

    D("dev-hua", "2024-05-15", """Tại buổi tiếp xúc cử tri, Bí thư Quận ủy Hoàng Mai Nguyễn Minh Tuân hứa sẽ chỉ đạo xử lý dứt điểm tình trạng lấn chiếm vỉa hè trên đường Giải Phóng trong tháng 6/2024.""",
      c=[C("Bí thư Quận ủy Hoàng Mai Nguyễn Minh Tuân hứa sẽ chỉ đạo xử lý dứt điểm tình trạng lấn chiếm vỉa hè trên đường Giải Phóng trong tháng 6/2024",
           "Nguyễn Minh Tuân", "Bí thư Quận ủy Hoàng Mai", "2024-06", "cue:hứa|attr:subject_person")]),

    D("dev-phan-dau", "2024-01-18", """Năm 2024, tỉnh Quảng Ninh phấn đấu 100% hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến toàn trình, Chủ tịch UBND tỉnh Cao Tường Huy cho biết.""",
      c=[C("Năm 2024, tỉnh Quảng Ninh phấn đấu 100% hồ sơ thủ tục hành chính được tiếp nhận và giải quyết trực tuyến toàn trình",
           "Cao Tường Huy", "Chủ tịch UBND tỉnh", "2024", "cue:phấn đấu|attr:speech_after")]),

    D("dev-bao-dam", "2024-08-22", """Giám đốc Sở Y tế Trần Văn Tuấn cho biết, ngành y tế bảo đảm đủ thuốc, vật tư y tế cho các bệnh viện công lập đến hết năm 2024, không để người bệnh phải tự mua thuốc.""",
      c=[C("ngành y tế bảo đảm đủ thuốc, vật tư y tế cho các bệnh viện công lập đến hết năm 2024", "Trần Văn Tuấn",
           "Giám đốc Sở Y tế", "2024", "cue:bảo đảm|attr:speech_verb")]),

    D("dev-tiep-tuc-carried", "2023-10-03", """Ông Lê Quang Vinh, Chủ tịch UBND quận Thanh Khê cho biết, năm 2023 quận đã hoàn thành 9/10 chỉ tiêu cải cách hành chính.

Quận tiếp tục rà soát, cắt giảm thời gian giải quyết thủ tục hành chính, phấn đấu giảm 30% số hồ sơ trễ hạn so với năm 2023.""",
      c=[C("Quận tiếp tục rà soát, cắt giảm thời gian giải quyết thủ tục hành chính, phấn đấu giảm 30% số hồ sơ trễ hạn so với năm 2023",
           "Lê Quang Vinh", "Chủ tịch UBND quận Thanh Khê", None, "cue:tiếp tục|attr:carried")]),

    D("dev-khan-truong", "2024-09-11", """Phó Chủ tịch UBND thành phố Hải Phòng Lê Khắc Nam khẳng định, thành phố sẽ khẩn trương hoàn thiện hồ sơ điều chỉnh quy hoạch khu công nghiệp Tràng Duệ 3 để trình Thủ tướng trong tháng 10/2024.""",
      c=[C("thành phố sẽ khẩn trương hoàn thiện hồ sơ điều chỉnh quy hoạch khu công nghiệp Tràng Duệ 3 để trình Thủ tướng trong tháng 10/2024",
           "Lê Khắc Nam", "Phó Chủ tịch UBND thành phố Hải Phòng", "2024-10", "cue:khẩn trương|attr:speech_verb")]),

    D("dev-chung-toi", "2024-07-04", """Bà Ngô Thị Thanh Hằng, Giám đốc Sở Tài chính giải trình về việc chậm phân bổ vốn cho các quận, huyện.

"Chúng tôi nhận trách nhiệm về sự chậm trễ này. Từ nay đến cuối năm, sở sẽ phân bổ hết số vốn còn lại, bảo đảm giải ngân đạt tối thiểu 95% kế hoạch", bà Ngô Thị Thanh Hằng nói.""",
      c=[C("Từ nay đến cuối năm, sở sẽ phân bổ hết số vốn còn lại, bảo đảm giải ngân đạt tối thiểu 95% kế hoạch",
           "Ngô Thị Thanh Hằng", "Giám đốc Sở Tài chính", "2024", "cue:sẽ|attr:quote_after")]),

    D("dev-body-subject", "2024-04-25", """Theo kế hoạch vừa ban hành, UBND tỉnh Bình Dương sẽ đầu tư xây mới 45 trường học các cấp trong giai đoạn 2024-2025 để giải quyết tình trạng quá tải sĩ số.""",
      c=[C("UBND tỉnh Bình Dương sẽ đầu tư xây mới 45 trường học các cấp trong giai đoạn 2024-2025 để giải quyết tình trạng quá tải sĩ số",
           None, "Ủy ban nhân dân tỉnh Bình Dương", "2025", "cue:sẽ|attr:subject_body")]),

    D("dev-deadline-only", "2024-02-20", """UBND huyện Bình Chánh hoàn thành giải phóng mặt bằng dự án đường Vành đai 3 trước ngày 30/6/2024, bàn giao cho chủ đầu tư thi công.""",
      c=[C("UBND huyện Bình Chánh hoàn thành giải phóng mặt bằng dự án đường Vành đai 3 trước ngày 30/6/2024",
           None, "Ủy ban nhân dân huyện Bình Chánh", "2024-06-30", "cue:deadline|attr:subject_body")]),

    D("dev-future-frame", "2024-10-30", """Chủ tịch UBND thị xã Sơn Tây Trần Anh Tuấn cho biết, thời gian tới, thị xã tập trung cải tạo 12 tuyến đường nội thị và lắp đặt hệ thống chiếu sáng tại các phường.""",
      c=[C("thị xã tập trung cải tạo 12 tuyến đường nội thị và lắp đặt hệ thống chiếu sáng tại các phường",
           "Trần Anh Tuấn", "Chủ tịch UBND thị xã Sơn Tây", None, "cue:future_frame|attr:speech_verb")]),

    D("dev-hedged", "2024-03-28", """Giám đốc Ban Quản lý đường sắt đô thị Phan Công Bằng cho biết, dự kiến tuyến metro số 2 sẽ khởi công đoạn ngầm vào quý IV/2024 nếu hoàn tất thủ tục điều chỉnh dự án.""",
      c=[C("dự kiến tuyến metro số 2 sẽ khởi công đoạn ngầm vào quý IV/2024 nếu hoàn tất thủ tục điều chỉnh dự án",
           "Phan Công Bằng", "Giám đốc Ban Quản lý đường sắt đô thị", "2024-Q4", "cue:sẽ|hedged|attr:speech_verb")]),

    D("dev-kien-quyet", "2024-07-12", """Về các dự án chậm triển khai, Chủ tịch UBND tỉnh Lâm Đồng Trần Văn Hiệp cho biết, tỉnh kiên quyết thu hồi 17 dự án vi phạm pháp luật về đất đai, trả lại đất cho địa phương quản lý.""",
      c=[C("tỉnh kiên quyết thu hồi 17 dự án vi phạm pháp luật về đất đai, trả lại đất cho địa phương quản lý",
           "Trần Văn Hiệp", "Chủ tịch UBND tỉnh Lâm Đồng", None, "cue:kiên quyết|attr:speech_verb")]),

    D("dev-two-promises", "2024-12-10", """Chủ tịch UBND thành phố Cần Thơ Trần Việt Trường cho biết, thành phố sẽ hoàn thành cầu Trần Hoàng Na trong quý II/2025; đồng thời, thành phố sẽ khởi công tuyến đường Vành đai phía Tây trước ngày 2/9/2025.""",
      c=[C("thành phố sẽ hoàn thành cầu Trần Hoàng Na trong quý II/2025", "Trần Việt Trường",
           "Chủ tịch UBND thành phố Cần Thơ", "2025-Q2", "cue:sẽ|attr:speech_verb"),
         C("thành phố sẽ khởi công tuyến đường Vành đai phía Tây trước ngày 2/9/2025", "Trần Việt Trường",
           "Chủ tịch UBND thành phố Cần Thơ", "2025-09-02", "cue:sẽ|attr:speech_verb")]),

    D("dev-reported-promise", "2024-07-03", """Tại kỳ họp cuối năm 2023, Giám đốc Sở Giáo dục và Đào tạo Trần Thế Cương đã cam kết hoàn thành xây mới 20 trường mầm non ở các huyện ngoại thành trước tháng 9/2024.""",
      c=[C("Giám đốc Sở Giáo dục và Đào tạo Trần Thế Cương đã cam kết hoàn thành xây mới 20 trường mầm non ở các huyện ngoại thành trước tháng 9/2024",
           "Trần Thế Cương", "Giám đốc Sở Giáo dục và Đào tạo", "2024-09", "cue:cam kết|attr:subject_person")]),

    # Demands: a delegate, voters or the council asks others to act.
    D("dev-demand-delegate", "2024-07-09", """Đại biểu Phạm Thị Thanh Mai (Tổ đại biểu quận Ba Đình) đề nghị UBND thành phố sớm bố trí vốn để cải tạo các chung cư cũ nguy hiểm cấp D trong năm 2025.""",
      d=[C("Đại biểu Phạm Thị Thanh Mai (Tổ đại biểu quận Ba Đình) đề nghị UBND thành phố sớm bố trí vốn để cải tạo các chung cư cũ nguy hiểm cấp D trong năm 2025",
           "Phạm Thị Thanh Mai", "Đại biểu", "2025", "cue:đề nghị|attr:subject_person")]),

    D("dev-demand-voters", "2024-05-20", """Cử tri xã Tân Phú kiến nghị UBND huyện khẩn trương nâng cấp tuyến đường liên xã bị hư hỏng nặng sau mùa mưa.""",
      d=[C("Cử tri xã Tân Phú kiến nghị UBND huyện khẩn trương nâng cấp tuyến đường liên xã bị hư hỏng nặng sau mùa mưa",
           None, "Cử tri xã Tân Phú", None, "cue:kiến nghị|attr:subject_body")]),

    D("dev-demand-chair", "2024-12-06", """Kết luận phiên chất vấn, Chủ tịch HĐND tỉnh Thanh Hóa Lại Thế Nguyên yêu cầu UBND tỉnh chỉ đạo các sở, ngành hoàn thành cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân tái định cư trước ngày 30/6/2025.""",
      d=[C("Chủ tịch HĐND tỉnh Thanh Hóa Lại Thế Nguyên yêu cầu UBND tỉnh chỉ đạo các sở, ngành hoàn thành cấp giấy chứng nhận quyền sử dụng đất cho các hộ dân tái định cư trước ngày 30/6/2025",
           "Lại Thế Nguyên", "Chủ tịch HĐND tỉnh Thanh Hóa", "2025-06-30", "cue:yêu cầu|attr:subject_person")]),

    # Assignments: the executive orders a body to act by a date.
    D("dev-assignment", "2024-03-15", """UBND thành phố yêu cầu Sở Tài nguyên và Môi trường hoàn thành cấp giấy chứng nhận cho các dự án nhà ở thương mại trước ngày 30/6/2024.""",
      a=[C("UBND thành phố yêu cầu Sở Tài nguyên và Môi trường hoàn thành cấp giấy chứng nhận cho các dự án nhà ở thương mại trước ngày 30/6/2024",
           None, "Ủy ban nhân dân thành phố", "2024-06-30", "cue:yêu cầu|attr:subject_body")]),

    D("dev-assignment-giao", "2024-08-01", """Chủ tịch UBND tỉnh Khánh Hòa Nguyễn Tấn Tuân giao Sở Giao thông vận tải chủ trì, phối hợp với các địa phương hoàn thành sửa chữa quốc lộ 26 trước Tết Nguyên đán.""",
      a=[C("Chủ tịch UBND tỉnh Khánh Hòa Nguyễn Tấn Tuân giao Sở Giao thông vận tải chủ trì, phối hợp với các địa phương hoàn thành sửa chữa quốc lộ 26 trước Tết Nguyên đán",
           "Nguyễn Tấn Tuân", "Chủ tịch UBND tỉnh Khánh Hòa", None, "cue:giao|attr:subject_person")]),

    D("dev-colon-lead", "2024-07-10", """Giám đốc Sở Xây dựng Võ Nguyên Phong cho biết: đến hết năm 2024, sở sẽ hoàn thành kiểm tra toàn bộ 1.500 công trình nhà ở riêng lẻ xây dựng sai phép.""",
      c=[C("đến hết năm 2024, sở sẽ hoàn thành kiểm tra toàn bộ 1.500 công trình nhà ở riêng lẻ xây dựng sai phép",
           "Võ Nguyên Phong", "Giám đốc Sở Xây dựng", "2024", "cue:sẽ|attr:colon_lead")]),
    D("dev-month-only", "2024-07-10", """Lãnh đạo Sở Giao thông vận tải hứa sẽ đề xuất phương án điều chỉnh 6 tuyến xe buýt qua khu vực nội đô trong tháng 8.""",
      c=[C("Lãnh đạo Sở Giao thông vận tải hứa sẽ đề xuất phương án điều chỉnh 6 tuyến xe buýt qua khu vực nội đô trong tháng 8",
           None, "Sở Giao thông vận tải", "2024-08", "cue:hứa|attr:subject_body")]),
    D("dev-demand-citizen", "2024-05-18", """Tại buổi tiếp xúc, bà Nguyễn Thị Hoa (phường Tân Mai) đề nghị UBND phường sớm sửa chữa tuyến đường dân sinh bị sụt lún.""",
      d=[C("bà Nguyễn Thị Hoa (phường Tân Mai) đề nghị UBND phường sớm sửa chữa tuyến đường dân sinh bị sụt lún",
           "Nguyễn Thị Hoa", None, None, "cue:đề nghị|attr:subject_person")]),
    D("dev-assignment-title", "2024-07-10", """Chủ tịch UBND tỉnh yêu cầu Sở Nông nghiệp và Phát triển nông thôn khẩn trương kiểm tra, báo cáo kết quả trước ngày 15/8/2024.""",
      a=[C("Chủ tịch UBND tỉnh yêu cầu Sở Nông nghiệp và Phát triển nông thôn khẩn trương kiểm tra, báo cáo kết quả trước ngày 15/8/2024",
           None, "Chủ tịch UBND tỉnh", "2024-08-15", "cue:yêu cầu|attr:subject_title")]),
    D("dev-ff-project-subject", "2024-03-01", """Khi hoàn thành, dự án sẽ góp phần giảm ùn tắc giao thông cho khu vực phía Tây thành phố.""",
      ff="non_agent"),
    D("dev-ff-beneficiary", "2024-03-01", """Theo chính sách mới, người dân sẽ được hỗ trợ 50% chi phí lắp đặt hệ thống điện mặt trời mái nhà.""",
      ff="non_agent"),

    # False friends: nothing here is a commitment, demand or assignment.
    D("dev-ff-agenda", "2024-07-01", """Theo chương trình, kỳ họp thứ 18 HĐND thành phố khóa XVI sẽ diễn ra trong 4 ngày, từ ngày 2 đến 5/7. HĐND thành phố sẽ dành 1 ngày cho phiên chất vấn và trả lời chất vấn.""",
      ff="agenda"),
    D("dev-ff-broadcast", "2024-07-01", """Toàn bộ nội dung phiên khai mạc sẽ được truyền hình trực tiếp trên sóng Đài Phát thanh và Truyền hình tỉnh để cử tri theo dõi.""",
      ff="agenda"),
    D("dev-ff-schedule", "2024-05-10", """Dự kiến từ ngày 15 đến 30/5/2024, Đoàn giám sát của HĐND tỉnh sẽ làm việc với 8 sở, ngành và 5 huyện về công tác quản lý đất công.""",
      ff="schedule"),
    D("dev-ff-past", "2024-07-20", """Trong 6 tháng đầu năm 2024, quận đã hoàn thành cải tạo 8 tuyến phố và giải quyết 98% hồ sơ thủ tục hành chính đúng hạn.""",
      ff="past_result"),
    D("dev-ff-past-tieptuc", "2024-11-02", """Năm 2023, Sở Thông tin và Truyền thông đã tiếp tục duy trì hạ tầng mạng diện rộng của tỉnh, kết nối đến 100% xã, phường, thị trấn.""",
      ff="past_result"),
    D("dev-ff-praise", "2024-10-15", """Đánh giá cao quyết tâm cao của hệ thống chính trị huyện, đoàn công tác ghi nhận những kết quả bước đầu trong xây dựng nông thôn mới.""",
      ff="praise"),
    D("dev-ff-question", "2024-07-08", """Đại biểu Lê Thị Hồng Vân chất vấn: "Bao giờ thành phố sẽ hoàn thành di dời các cơ sở sản xuất gây ô nhiễm ra khỏi khu dân cư?".""",
      ff="question"),
    D("dev-ff-ranking", "2024-04-05", """Năm 2023, chỉ số PCI của tỉnh đạt 68,5 điểm, tiếp tục giữ vị trí trong nhóm 10 địa phương dẫn đầu cả nước.""",
      ff="ranking"),
    D("dev-ff-forecast", "2024-06-01", """Theo cơ quan khí tượng, nắng nóng sẽ tiếp tục kéo dài đến hết tuần, nhiệt độ cao nhất có nơi trên 40 độ C.""",
      ff="forecast"),
    D("dev-ff-noun", "2024-07-05", """Phiên chất vấn tập trung vào việc thực hiện các cam kết, lời hứa của lãnh đạo UBND thành phố tại các kỳ họp trước.""",
      ff="noun_use"),
    D("dev-ff-upward", "2024-09-18", """Sở Kế hoạch và Đầu tư đề nghị HĐND tỉnh xem xét điều chỉnh kế hoạch đầu tư công trung hạn cho phù hợp với khả năng cân đối vốn.""",
      ff="upward_proposal"),
    D("dev-ff-ministry", "2024-03-07", """Bộ Công Thương cũng kiến nghị Ngân hàng Nhà nước ưu tiên nguồn ngoại tệ cho doanh nghiệp kinh doanh xăng dầu.""",
      ff="upward_proposal"),
    D("dev-ff-noun-request", "2024-03-12", """Đội ngũ cán bộ, công chức cấp xã chưa đáp ứng yêu cầu nhiệm vụ trong vận hành chính quyền số, theo đánh giá của đoàn giám sát.""",
      ff="noun_use"),
    D("dev-ff-heading", "2024-07-05", """Kiên quyết thu hồi dự án vi phạm

Phiên chất vấn chiều 4/7 kéo dài hơn 3 giờ với 12 lượt đại biểu đặt câu hỏi.""",
      ff="heading"),
]


HELDOUT = [
    D("ho-quote-after", "2024-12-04", """"Sở sẽ hoàn thành việc số hóa 100% hồ sơ đất đai của 10 huyện còn lại trước ngày 30/9/2025", bà Nguyễn Thị Thu Hà, Giám đốc Sở Tài nguyên và Môi trường nói tại phiên chất vấn.""",
       c=[C("Sở sẽ hoàn thành việc số hóa 100% hồ sơ đất đai của 10 huyện còn lại trước ngày 30/9/2025",
            "Nguyễn Thị Thu Hà", "Giám đốc Sở Tài nguyên và Môi trường", "2025-09-30", "cue:sẽ|attr:quote_after")]),
    D("ho-cam-ket", "2024-06-13", """Giám đốc Công an tỉnh Đồng Nai Nguyễn Sỹ Quang cam kết trong quý III năm nay sẽ cấp xong căn cước cho 100% công dân đủ điều kiện trên địa bàn.""",
       c=[C("Giám đốc Công an tỉnh Đồng Nai Nguyễn Sỹ Quang cam kết trong quý III năm nay sẽ cấp xong căn cước cho 100% công dân đủ điều kiện trên địa bàn",
            "Nguyễn Sỹ Quang", "Giám đốc Công an tỉnh Đồng Nai", "2024-Q3", "cue:cam kết|attr:subject_person")]),
    D("ho-name-line", "2023-12-12", """Nhiều ý kiến cử tri phản ánh tình trạng ô nhiễm tại sông Cầu Bây.

“Trong năm 2024, thành phố sẽ đầu tư hệ thống thu gom nước thải dọc hai bờ sông, chấm dứt tình trạng xả thải trực tiếp”.

Phó Chủ tịch UBND thành phố Hà Nội Nguyễn Trọng Đông""",
       c=[C("Trong năm 2024, thành phố sẽ đầu tư hệ thống thu gom nước thải dọc hai bờ sông, chấm dứt tình trạng xả thải trực tiếp",
            "Nguyễn Trọng Đông", "Phó Chủ tịch UBND thành phố Hà Nội", "2024", "cue:sẽ|attr:quote_name_line")]),
    D("ho-carried", "2024-07-11", """Bà Lê Thị Thu Hằng, Chủ tịch UBND quận Bình Thạnh cho biết, quận đã thu hồi 4 khu đất công bị sử dụng sai mục đích.

Thời gian tới, quận tiếp tục kiểm tra toàn bộ 126 cơ sở nhà, đất công còn lại, xử lý nghiêm các trường hợp cho thuê trái phép.""",
       c=[C("quận tiếp tục kiểm tra toàn bộ 126 cơ sở nhà, đất công còn lại, xử lý nghiêm các trường hợp cho thuê trái phép",
            "Lê Thị Thu Hằng", "Chủ tịch UBND quận Bình Thạnh", None, "cue:tiếp tục|attr:carried")]),
    D("ho-body", "2024-02-27", """Sở Y tế tỉnh Tây Ninh sẽ tổ chức tiêm vắc xin sởi cho 25.000 trẻ em từ 1 đến 5 tuổi trong tháng 3/2024.""",
       c=[C("Sở Y tế tỉnh Tây Ninh sẽ tổ chức tiêm vắc xin sởi cho 25.000 trẻ em từ 1 đến 5 tuổi trong tháng 3/2024",
            None, "Sở Y tế tỉnh Tây Ninh", "2024-03", "cue:sẽ|attr:subject_body")]),
    D("ho-khang-dinh", "2024-07-10", """Phó Chủ tịch UBND tỉnh Bắc Giang Phan Thế Tuấn khẳng định, tỉnh quyết tâm đưa cầu Đồng Sơn vào sử dụng trước ngày 30/4/2025.""",
       c=[C("tỉnh quyết tâm đưa cầu Đồng Sơn vào sử dụng trước ngày 30/4/2025", "Phan Thế Tuấn",
            "Phó Chủ tịch UBND tỉnh Bắc Giang", "2025-04-30", "cue:quyết tâm|attr:speech_verb")]),
    D("ho-demand", "2024-12-03", """Đại biểu Hoàng Văn Cường đề nghị Sở Giáo dục và Đào tạo sớm có giải pháp giảm sĩ số học sinh tại các trường tiểu học nội thành xuống dưới 45 em mỗi lớp.""",
       d=[C("Đại biểu Hoàng Văn Cường đề nghị Sở Giáo dục và Đào tạo sớm có giải pháp giảm sĩ số học sinh tại các trường tiểu học nội thành xuống dưới 45 em mỗi lớp",
            "Hoàng Văn Cường", "Đại biểu", None, "cue:đề nghị|attr:subject_person")]),
    D("ho-assignment", "2024-04-16", """UBND tỉnh Long An chỉ đạo các huyện hoàn thành giải ngân vốn hỗ trợ nhà ở cho hộ nghèo trước ngày 31/10/2024.""",
       a=[C("UBND tỉnh Long An chỉ đạo các huyện hoàn thành giải ngân vốn hỗ trợ nhà ở cho hộ nghèo trước ngày 31/10/2024",
            None, "Ủy ban nhân dân tỉnh Long An", "2024-10-31", "cue:chỉ đạo|attr:subject_body")]),
    D("ho-session-report", "2024-12-11", """Kỳ họp thứ 21 HĐND tỉnh Quảng Nam: chất vấn về sạt lở và tái định cư

Sáng 10/12, HĐND tỉnh Quảng Nam khóa X tiếp tục chương trình kỳ họp thứ 21 với phiên chất vấn và trả lời chất vấn. Kỳ họp dự kiến bế mạc vào chiều 12/12.

Năm 2024, toàn tỉnh đã bố trí tái định cư cho 1.240 hộ dân vùng sạt lở, đạt 62% kế hoạch. Tuy nhiên, nhiều khu tái định cư ở huyện Nam Trà My chưa có nước sạch.

Đại biểu Hồ Quang Bửu (Tổ đại biểu huyện Hiệp Đức) chất vấn: "Vì sao khu tái định cư Trà Linh đã xây xong hơn một năm nhưng người dân vẫn chưa thể vào ở?".

Trả lời chất vấn, Giám đốc Sở Nông nghiệp và Phát triển nông thôn Lê Văn Hoàng cho biết, nguyên nhân chính là chưa hoàn thiện hệ thống cấp nước. "Chúng tôi sẽ hoàn thành hệ thống cấp nước cho khu tái định cư Trà Linh trước ngày 30/4/2025 để người dân vào ở ổn định", ông Lê Văn Hoàng nói.

Ông cũng cho rằng giá vật liệu xây dựng sẽ tiếp tục tăng trong năm tới, gây khó khăn cho các nhà thầu.

Phó Chủ tịch UBND tỉnh Trần Nam Hưng khẳng định, tỉnh sẽ bố trí 350 tỷ đồng để di dời toàn bộ các hộ dân còn lại ra khỏi vùng nguy cơ sạt lở cao trong năm 2025. Ông Hưng giao Sở Tài chính tham mưu phân bổ vốn trước ngày 15/1/2025.

Kết luận phiên chất vấn, Chủ tịch HĐND tỉnh Lê Văn Dũng đề nghị UBND tỉnh chỉ đạo các địa phương rà soát, công khai danh sách hộ dân trong vùng sạt lở trước ngày 31/3/2025.""",
       c=[C("Chúng tôi sẽ hoàn thành hệ thống cấp nước cho khu tái định cư Trà Linh trước ngày 30/4/2025 để người dân vào ở ổn định",
            "Lê Văn Hoàng", "Giám đốc Sở Nông nghiệp và Phát triển nông thôn", "2025-04-30", "cue:sẽ|attr:quote_after"),
          C("tỉnh sẽ bố trí 350 tỷ đồng để di dời toàn bộ các hộ dân còn lại ra khỏi vùng nguy cơ sạt lở cao trong năm 2025",
            "Trần Nam Hưng", "Phó Chủ tịch UBND tỉnh", "2025", "cue:sẽ|attr:speech_verb")],
       d=[C("Chủ tịch HĐND tỉnh Lê Văn Dũng đề nghị UBND tỉnh chỉ đạo các địa phương rà soát, công khai danh sách hộ dân trong vùng sạt lở trước ngày 31/3/2025",
            "Lê Văn Dũng", "Chủ tịch HĐND tỉnh", "2025-03-31", "cue:đề nghị|attr:subject_person")],
       a=[C("Ông Hưng giao Sở Tài chính tham mưu phân bổ vốn trước ngày 15/1/2025",
            "Trần Nam Hưng", "Phó Chủ tịch UBND tỉnh", "2025-01-15", "cue:giao|attr:short_name")]),
    D("ho-ff-agenda", "2024-12-01", """Kỳ họp thứ 20 HĐND tỉnh dự kiến kéo dài 3 ngày và sẽ xem xét, thông qua 35 nghị quyết quan trọng.""",
       ff="agenda"),
    D("ho-ff-past", "2024-08-02", """Quý II/2024, huyện đã hoàn thành 12 công trình giao thông nông thôn và đưa vào sử dụng 3 trạm y tế xã.""",
       ff="past_result"),
    D("ho-ff-praise", "2024-05-02", """Với quyết tâm chính trị cao, tỉnh đã cải thiện 14 bậc chỉ số PAPI so với năm trước.""",
       ff="praise"),
    D("ho-ff-question", "2024-07-08", """Cử tri muốn biết khi nào dự án cải tạo chung cư cũ tại phường Thành Công sẽ được triển khai?""",
       ff="question"),
    D("ho-ff-ranking", "2024-03-20", """Chỉ số SIPAS năm 2023 của thành phố tiếp tục tăng, đạt 85,2%, cao hơn mức trung bình cả nước.""",
       ff="ranking"),
]


def _place(doc: dict) -> dict:
    text = doc["text"]
    for key in ("commitments", "demands", "assignments"):
        for item in doc[key]:
            start = text.index(item["quote"])
            item["start"], item["end"] = start, start + len(item["quote"])
    return doc


def build() -> dict[str, list[dict]]:
    return {"commitments_dev.jsonl": [_place(d) for d in DEV],
            "commitments_heldout.jsonl": [_place(d) for d in HELDOUT]}


if __name__ == "__main__":
    for name, docs in build().items():
        with open(HERE / name, "w", encoding="utf-8") as out:
            for doc in docs:
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        print(f"{name}: {len(docs)} documents")
