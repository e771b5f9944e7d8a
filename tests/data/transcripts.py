"""Session records written for the tests (no real person is meant): a plain transcript,
a live report with timestamps, and news prose about a question session."""

TRANSCRIPT = """BIÊN BẢN PHIÊN CHẤT VẤN
Kỳ họp thứ 18, HĐND tỉnh Bắc Giang khóa XIX, ngày 10/7/2024

Chủ tọa Lê Thị Thu Hà: Kính thưa các vị đại biểu, tiếp theo chương trình, kỳ họp tiến hành phiên chất vấn nhóm vấn đề về ngập úng đô thị và giải phóng mặt bằng. Đề nghị các đại biểu đặt câu hỏi ngắn gọn, đúng trọng tâm.

Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn: Xin hỏi Giám đốc Sở Xây dựng, vì sao tình trạng ngập úng tại các khu dân cư mới của thành phố Bắc Giang kéo dài nhiều năm mà chưa được xử lý? Đề nghị Sở Xây dựng khẩn trương rà soát toàn bộ hệ thống thoát nước và báo cáo HĐND tỉnh tại kỳ họp cuối năm 2024.

Giám đốc Sở Xây dựng Trần Minh Đức trả lời: Xin cảm ơn đại biểu. Nguyên nhân chính là hệ thống cống thoát nước được xây dựng từ lâu, không theo kịp tốc độ đô thị hóa.
Sở Xây dựng cam kết hoàn thành cải tạo 12 tuyến cống chính trước ngày 31/12/2024. Chúng tôi sẽ công khai tiến độ từng tuyến trên cổng thông tin điện tử của tỉnh.

Đại biểu Phạm Thị Hồng (Tổ đại biểu thành phố Bắc Giang) chất vấn Chủ tịch UBND tỉnh: Dự án đường vành đai IV chậm giải phóng mặt bằng đã hơn hai năm, khi nào thì bàn giao đủ mặt bằng cho nhà thầu?

Phó Chủ tịch UBND tỉnh Ngô Quang Vinh trả lời: Tỉnh đã thành lập tổ công tác đặc biệt để tháo gỡ vướng mắc. UBND tỉnh cam kết bàn giao toàn bộ mặt bằng dự án trong quý III năm 2025.

Chủ tọa Lê Thị Thu Hà kết luận: HĐND tỉnh đề nghị UBND tỉnh chỉ đạo các sở, ngành thực hiện đúng những nội dung đã cam kết và báo cáo kết quả tại kỳ họp giữa năm 2025.
"""

LIVE = """Trực tiếp: Phiên chất vấn tại Kỳ họp thứ 18 HĐND tỉnh Bắc Giang khóa XIX

08h05: Phiên chất vấn bắt đầu dưới sự điều hành của Chủ tịch HĐND tỉnh Lê Thị Thu Hà, với hai nhóm vấn đề về ngập úng đô thị và giải phóng mặt bằng.

08h20: Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn Giám đốc Sở Xây dựng về tình trạng ngập úng kéo dài tại các khu dân cư mới của thành phố.

08h35: Trả lời chất vấn của đại biểu Nguyễn Văn Khải, Giám đốc Sở Xây dựng Trần Minh Đức cho biết, sở sẽ hoàn thành cải tạo 12 tuyến cống chính trước ngày 31/12/2024.

09h10: Đại biểu Phạm Thị Hồng (Tổ đại biểu thành phố Bắc Giang) chất vấn về tiến độ giải phóng mặt bằng dự án đường vành đai IV.

09h25: Trả lời, Phó Chủ tịch UBND tỉnh Ngô Quang Vinh khẳng định, UBND tỉnh sẽ bàn giao toàn bộ mặt bằng dự án trong quý III năm 2025.
"""

PROSE = """Chiều 10/7, tại Kỳ họp thứ 18, HĐND tỉnh Bắc Giang khóa XIX tiến hành phiên chất vấn về ngập úng đô thị.

Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn Giám đốc Sở Xây dựng về nguyên nhân ngập úng kéo dài tại các khu dân cư mới của thành phố Bắc Giang.

Trả lời chất vấn của đại biểu Nguyễn Văn Khải, Giám đốc Sở Xây dựng Trần Minh Đức cho biết, hệ thống cống thoát nước được xây dựng từ lâu, không theo kịp tốc độ đô thị hóa.
Ông Đức cam kết sở sẽ hoàn thành cải tạo 12 tuyến cống chính trước ngày 31/12/2024 và công khai tiến độ từng tuyến.
"""

# A later sitting where the delegate recalls the department's promise of TRANSCRIPT.
RECALL = """BIÊN BẢN PHIÊN CHẤT VẤN
Kỳ họp thứ 20, HĐND tỉnh Bắc Giang khóa XIX, ngày 12/7/2025

Đại biểu Nguyễn Văn Khải (Tổ đại biểu huyện Yên Dũng) chất vấn: Tại kỳ họp thứ 18, Sở Xây dựng đã cam kết hoàn thành cải tạo 12 tuyến cống chính trước ngày 31/12/2024 nhưng đến nay vẫn chưa thực hiện. Đề nghị Giám đốc Sở Xây dựng cho biết nguyên nhân.

Giám đốc Sở Xây dựng Trần Minh Đức trả lời: Sở xin nhận trách nhiệm về việc chậm tiến độ.

Chủ tọa Lê Thị Thu Hà kết luận: Đề nghị Sở Xây dựng báo cáo tiến độ tại kỳ họp cuối năm 2025.
"""

# TRANSCRIPT with one label changed in its format only (no real record with such a label was
# found): an office with a parenthesis before the name, and no verb.
TRANSCRIPT_OFFICE_IN_PARENTHESES = TRANSCRIPT.replace("Phó Chủ tịch UBND tỉnh Ngô Quang Vinh trả lời:",
                                                      "Phó Chủ tịch UBND tỉnh (phụ trách khối kinh tế) Ngô Quang Vinh:")

# TRANSCRIPT with the minutes' way of labelling a delegate: "Bà X – Đại biểu tổ …:", no verb.
TRANSCRIPT_MINUTES_LABEL = TRANSCRIPT.replace(
    "Đại biểu Phạm Thị Hồng (Tổ đại biểu thành phố Bắc Giang) chất vấn Chủ tịch UBND tỉnh:",
    "Bà Phạm Thị Hồng – Đại biểu tổ thành phố Bắc Giang:")
