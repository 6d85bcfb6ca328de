# ruff: noqa: E501  (generated from seeds 002 and 003; the seeds' paragraphs are kept whole)
"""Plan 242/KH-UBND of Bắc Ninh (seed 003) and the Bắc Kạn ward plan (seed 002), as written:
their sections and objectives, task groups with their bullets as tasks, and the bodies named in
"Tổ chức thực hiện" with their responsibilities, in order."""

PLAN_242_SECTIONS: list[dict[str, str]] = [
    {
        "kind": "purpose",
        "heading": "Mục đích",
        "body": "- Quán triệt, cụ thể hóa những nội dung cơ bản của Chiến lược quốc gia bảo vệ, chăm sóc "
        "và nâng cao sức khỏe nhân dân giai đoạn đến năm 2030, tầm nhìn đến năm 2045 phù hợp với "
        "tình hình kinh tế - xã hội của tỉnh để đáp ứng yêu cầu bảo vệ, chăm sóc và nâng cao sức "
        "khỏe nhân dân trên địa bàn.\n"
        "- Xác định mục tiêu, các nhiệm vụ trọng tâm và giải pháp chủ yếu cho giai đoạn đến năm "
        "2030, tầm nhìn đến năm 2045, phù hợp với tình hình kinh tế - xã hội của tỉnh, cũng như "
        "nhu cầu thực tế đặt trong công tác bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân.",
    },
    {
        "kind": "requirements",
        "heading": "Yêu cầu",
        "body": "- Kế hoạch thực hiện Chiến lược phải đúng quan điểm, mục tiêu, nhiệm vụ và phù hợp với "
        "tình hình thực tiễn tại địa phương, đơn vị.\n"
        "- Nội dung Kế hoạch phải xác định rõ trách nhiệm đầu mối, phối hợp của các sở, ngành, "
        "địa phương trong từng hoạt động, từng lĩnh vực cụ thể để hiện thực hóa các mục tiêu của "
        "Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân giai đoạn đến năm "
        "2030, tầm nhìn đến năm 2045.",
    },
    {
        "kind": "general_objective",
        "heading": "Mục tiêu chung",
        "body": "Xây dựng hệ thống y tế tỉnh Bắc Ninh theo hướng công bằng, chất lượng, hiệu quả và hội "
        "nhập, đổi mới bảo đảm mọi người dân trên địa bàn được hưởng các dịch vụ chăm sóc sức "
        "khỏe có chất lượng, được sống trong cộng đồng an toàn, phát triển tốt về thể chất và "
        "tinh thần, góp phần nâng cao chất lượng cuộc sống, chất lượng nguồn nhân lực cho sự "
        "nghiệp xây dựng và bảo vệ Tổ quốc.",
    },
    {
        "kind": "vision",
        "heading": "Định hướng đến năm 2045",
        "body": "Hệ thống y tế của tỉnh Bắc Ninh phát triển hiện đại, hội nhập quốc tế, nâng cao chất "
        "lượng dịch vụ y tế ngang tầm các thành phố lớn và các nước tiên tiến trong khu vực, đáp "
        "ứng nhu cầu chăm sóc sức khỏe ngày càng cao và đa dạng của nhân dân, đạt bao phủ chăm "
        "sóc sức khỏe toàn dân.",
    },
    {
        "kind": "funding",
        "heading": "Kinh phí thực hiện",
        "body": "Kinh phí thực hiện từ nguồn ngân sách nhà nước, bảo hiểm y tế, đầu tư của doanh nghiệp, "
        "khu vực tư nhân, người dân, viện trợ, tài trợ của các tổ chức, cá nhân trong và ngoài "
        "nước và các nguồn kinh phí hợp pháp khác; lồng ghép với các chương trình, đề án, dự án, "
        "kế hoạch khác có liên quan đang triển khai thực hiện trên địa bàn tỉnh, theo quy định "
        "về phân cấp ngân sách và quy định của pháp luật hiện hành.",
    },
]

PLAN_242_OBJECTIVES: list[str] = [
    "a) Công tác phòng, chống dịch bệnh được tăng cường, đặc biệt là dịch bệnh truyền nhiễm mới xuất "
    "hiện; bảo đảm an ninh y tế, ứng phó kịp thời với biến đổi khí hậu, các tình huống khẩn cấp về y "
    "tế công cộng. Từng bước kiểm soát các yếu tố nguy cơ gây bệnh, nâng cao năng lực quản lý môi "
    "trường y tế, các bệnh không lây nhiễm, bệnh nghề nghiệp, tai nạn thương tích và nâng cao sức "
    "khỏe người dân.",
    "b) Nâng cao chất lượng, hiệu quả của mạng lưới cung ứng dịch vụ y tế từ tỉnh đến cơ sở để đáp "
    "ứng với sự thay đổi mô hình bệnh tật, hội nhập quốc tế và cuộc cách mạng công nghiệp 4.0; xây "
    "dựng hệ thống chăm sóc sức khỏe ban đầu vững mạnh; thu hẹp khoảng cách về bệnh tật, tử vong giữa "
    "các vùng, miền, các nhóm dân tộc. Phát triển y tế ngoài công lập, tăng cường phối hợp công - tư "
    "trong cung ứng dịch vụ y tế.",
    "c) Phấn đấu đạt và duy trì vững chắc mức sinh thay thế; đưa tỉ số giới tính khi sinh về mức cân "
    "bằng tự nhiên; tận dụng lợi thế cơ cấu dân số vàng; thích ứng với già hóa dân số; phân bố dân số "
    "hợp lý và nâng cao chất lượng dân số. Chú trọng chăm sóc sức khỏe bà mẹ, trẻ em, người cao tuổi "
    "và các đối tượng ưu tiên.",
    "d) Phát triển nguồn nhân lực y tế cả về số lượng, chất lượng và cơ cấu, đặc biệt nhân lực cho y "
    "tế cơ sở, khu vực nông thôn; tiến tới đạt cơ cấu hợp lý giữa bác sĩ và điều dưỡng; bảo đảm cân "
    "đối giữa đào tạo và sử dụng nhân lực y tế",
    "e) Bảo đảm việc tiếp cận và tính sẵn có của thuốc, vắc xin, sinh phẩm, vật tư, thiết bị y tế có "
    "chất lượng với giá hợp lý, đáp ứng nhu cầu phòng bệnh, chữa bệnh của nhân dân; chú trọng phát "
    "triển công nghiệp dược, dược liệu và thiết bị y tế. Việc kiểm soát an toàn thực phẩm dựa trên "
    "đánh giá nguy cơ, sản xuất kinh doanh theo chuỗi, truy xuất nguồn gốc thực phẩm.",
    "g) Tăng tỷ trọng chi tiêu công cho y tế, nâng cao hiệu quả trong phân bổ và sử dụng ngân sách và "
    "các nguồn lực cho y tế, đạt mục tiêu bảo hiểm y tế toàn dân. Ưu tiên ngân sách nhà nước cho y tế "
    "dự phòng, y tế cơ sở, các khu vực khó khăn.",
    "h) Công tác xây dựng và thi hành pháp luật, chính sách y tế tiếp tục được đổi mới, bảo đảm chất "
    "lượng, đầy đủ, đồng bộ; năng lực quản trị hệ thống y tế được nâng cao theo hướng hiệu lực, hiệu "
    "quả, minh bạch, hiện đại, hội nhập.",
]

# (number, group title, [task texts])
PLAN_242_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "1",
        "Nâng cao sức khỏe nhân dân",
        [
            "Tăng cường công tác lãnh đạo, chỉ đạo của cấp ủy Đảng, chính quyền; đối với công tác bảo vệ, "
            "chăm sóc và nâng cao sức khỏe nhân dân. Đưa công tác bảo vệ, chăm sóc và nâng cao sức khỏe "
            "nhân dân thành một nội dung quan trọng trong chương trình, kế hoạch phát triển kinh tế - xã "
            "hội của tỉnh và các huyện, thị xã, thành phố, cụ thể hóa thành những mục tiêu, chỉ tiêu cơ "
            "bản; hằng năm, tổng kết, đánh giá kết quả thực hiện mục tiêu, nhiệm vụ công tác bảo vệ, chăm "
            "sóc và nâng cao sức khỏe nhân dân, coi đó là một tiêu chuẩn quan trọng đánh giá mức độ hoàn "
            "thành nhiệm vụ của cấp ủy Đảng, chính quyền các cấp.",
            "Đẩy mạnh thực hiện Chương trình sức khỏe Việt Nam trên địa bàn theo Kế hoạch số 404/KH-UBND "
            "ngày 10/8/2022 của UBND tỉnh; Đẩy mạnh phong trào vệ sinh yêu nước nâng cao sức khỏe nhân dân; "
            "Đề án tổng thể phát triển thể lực, tầm vóc người Việt Nam giai đoạn 2021-2030; Chiến lược Quốc "
            "gia về phòng, chống tác hại của thuốc lá đến năm 2030. Đa dạng hóa nội dung và đổi mới hình "
            "thức truyền thông, giáo dục sức khỏe để nâng cao nhận thức, trách nhiệm của người dân trong tự "
            "chăm sóc, nâng cao sức khỏe, phòng chống tác hại của thuốc lá, rượu, bia,...",
            "Thực hiện hiệu quả Chiến lược Quốc gia về dinh dưỡng giai đoạn 2021- 2030 và tầm nhìn đến năm "
            "2045; Chương trình Chăm sóc dinh dưỡng 1.000 ngày đầu đời. Bảo đảm dinh dưỡng hợp lý để cải "
            "thiện tình trạng dinh dưỡng, nâng cao thể trạng, tầm vóc, phù hợp với từng đối tượng, địa "
            "phương, vùng sinh thái, dân tộc. Tiếp tục tập trung triển khai quyết liệt các nhiệm vụ, giải "
            "pháp theo Kế hoạch số 355/KH-UBND ngày 30/6/2022 và Kế hoạch số 682/KH-UBND ngày 14/10/2021 "
            "của UBND tỉnh.",
            "Tập trung cải thiện sức khỏe bà mẹ, trẻ sơ sinh và trẻ nhỏ, giảm tỷ lệ trẻ em khuyết tật nhằm "
            "giảm sự khác biệt về các chỉ tiêu sức khỏe, dinh dưỡng, tử vong mẹ, tử vong trẻ em giữa các "
            "địa bàn. Phấn đấu hoàn thành các mục tiêu của Chương trình Can thiệp giảm tử vong trẻ em dưới "
            "5 tuổi đến năm 2030.",
            "Tăng cường năng lực quản lý nhà nước về an toàn thực phẩm, thống nhất đầu mối thực hiện nhiệm "
            "vụ bảo đảm an ninh, an toàn thực phẩm trên địa bàn theo định hướng của Trung ương. Thực hiện "
            "nghiêm các quy chuẩn kỹ thuật về an toàn thực phẩm. Thực hiện việc kiểm soát an toàn thực phẩm "
            "dựa trên đánh giá nguy cơ, sản xuất kinh doanh theo chuỗi, truy xuất nguồn gốc. Nâng cao năng "
            "lực phòng chống ngộ độc thực phẩm và các bệnh truyền qua thực phẩm.",
            "Thực hiện chăm sóc dài hạn, đẩy mạnh chăm sóc sức khỏe người lao động, người cao tuổi, người "
            "khuyết tật, phòng chống bệnh nghề nghiệp, tai nạn thương tích tại cộng đồng; tăng cường công "
            "tác y tế học đường. Thực hiện hiệu quả Chương trình chăm sóc và nâng cao sức khỏe người lao "
            "động, phòng chống bệnh nghề nghiệp giai đoạn 2020 - 2030, Chương trình Sức khỏe học đường giai "
            "đoạn 2021- 2025, Chương trình Y tế trường học trong các cơ sở giáo dục mầm non và phổ thông "
            "gắn với y tế cơ sở giai đoạn 2021 - 2025 và các năm tiếp theo. Tiếp tục triển khai thực hiện "
            "hiệu quả Kế hoạch số 356/KH-UBND ngày 04/6/2021 về triển khai thực hiện Chương trình chăm sóc "
            "sức khỏe người cao tuổi của tỉnh đến năm 2030; Kế hoạch số 873/KH-UBND ngày 10/12/2021 về Chăm "
            "sóc và nâng cao sức khỏe người lao động, phòng chống bệnh nghề nghiệp giai đoạn 2021- 2030; Kế "
            "hoạch số 363/KH-UBND ngày 06/7/2022 triển khai thực hiện Chương trình sức khỏe học đường giai "
            "đoạn 2021-2025; Kế hoạch số 376/KH-UBND ngày 14/7/2022 triển khai thực hiện Chương trình y tế "
            "trường học giai đoạn 2021- 2025 của UBND tỉnh.",
            "Phòng chống tác động bất lợi của biến đổi khí hậu, ô nhiễm môi trường, hóa chất và chất thải "
            "độc hại đến sức khỏe con người. Tăng cường tuyên truyền, nâng cao nhận thức, thay đổi hành vi "
            "nhằm tăng tỷ lệ hộ gia đình sử dụng nước sạch đạt quy chuẩn quốc gia và nhà tiêu hợp vệ sinh, "
            "tỷ lệ chất thải y tế được xử lý đạt quy chuẩn.",
        ],
    ),
    (
        "2",
        "Nâng cao năng lực phòng, chống dịch bệnh gắn với đổi mới y tế cơ sở",
        [
            "Tăng cường đầu tư mạng lưới y tế dự phòng, năng lực xét nghiệm, bảo đảm đủ năng lực dự báo, "
            "giám sát và phát hiện dịch bệnh sớm, khống chế kịp thời, có hiệu quả các dịch bệnh, các sự "
            "kiện khẩn cấp về y tế công cộng trên địa bàn. Tăng số loại vắc xin trong chương trình tiêm "
            "chủng mở rộng theo chỉ đạo, hướng dẫn của Bộ Y tế.",
            "Tăng nguồn lực trong nước cho công tác phòng, chống HIV/AIDS, bệnh lao, bệnh sốt rét để thực "
            "hiện mục tiêu cơ bản chấm dứt các dịch bệnh AIDS, lao và loại trừ sốt rét vào năm 2030; triển "
            "khai đồng bộ các nhiệm vụ, giải pháp theo Kế hoạch số 327/KH-UBND ngày 14/6/2022 của UBND tỉnh "
            "về triển khai công tác phòng chống HIV/AIDS giai đoạn 2022-2025, tầm nhìn 2030.",
            "Tăng cường quản lý các bệnh không lây nhiễm, kiểm soát các yếu tố nguy cơ gây bệnh. Chú trọng "
            "sàng lọc phát hiện sớm bệnh tật; phấn đấu đến năm 2030, người có nguy cơ cao mắc bệnh được "
            "kiểm tra sức khỏe ít nhất mỗi năm một lần, hướng tới kiểm tra sức khỏe định kỳ cho toàn dân. "
            "Tiếp tục triển khai thực hiện hiệu quả Kế hoạch số 356/KH-UBND ngày 30/6/2022 kế hoạch phòng, "
            "chống bệnh không lây nhiễm và rối loạn sức khỏe tâm thần giai đoạn 2022-2025.",
            "Triển khai thực hiện hiệu quả Chỉ thị số 25-CT/TW ngày 25 tháng 10 năm 2023 của Ban Bí thư; Kế "
            "hoạch số 123-KH/TU ngày 29/01/2024 của Tỉnh ủy thực hiện Chỉ thị số 25-CT/TW của Ban Bí thư về "
            "tiếp tục củng cố, hoàn thiện, nâng cao chất lượng hoạt động của y tế cơ sở trong tình hình mới "
            "với quan điểm y tế cơ sở là nền tảng, phát triển vững chắc hệ thống y tế cơ sở, xây dựng mạng "
            "lưới y tế rộng khắp, gần dân.",
            "Đẩy mạnh quản lý và điều trị các bệnh không lây nhiễm, bệnh mạn tính, chăm sóc dài hạn tại y "
            "tế cơ sở; thực hiện quản lý sức khỏe người dân tại gia đình và cộng đồng. Nâng cao năng lực "
            "phát hiện, quản lý, điều trị bệnh không lây nhiễm cho y tế cơ sở; đẩy mạnh triển khai quản lý, "
            "điều trị bệnh không lây nhiễm tại trạm y tế gắn với triển khai mô hình trạm y tế hoạt động "
            "theo nguyên lý y học gia đình, chăm sóc sức khỏe người cao tuổi và quản lý hồ sơ sức khỏe "
            "người dân; tiếp tục triển khai hiệu quả việc cập nhật thông tin bệnh không lây nhiễm vào hồ sơ "
            "sức khỏe điện tử.",
            "Thực hiện chuyển giao Trung tâm y tế đa chức năng cấp huyện về UBND cấp huyện quản lý toàn "
            "diện theo Nghị quyết số 38/NQ-CP ngày 02/4/2024 của Chính phủ ban hành Chương trình hành động "
            "của Chính phủ thực hiện Kết luận số 62-KL/TW ngày 02/10/2023 của Bộ Chính trị về thực hiện "
            "Nghị quyết số 19-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương Đảng khóa XII về tiếp tục "
            "đổi mới hệ thống tổ chức và quản lý, nâng cao chất lượng và hiệu quả hoạt động của các đơn vị "
            "sự nghiệp công lập.",
            "Rà soát, sắp xếp lại các Trạm y tế đảm bảo phù hợp theo Phương án sắp xếp đơn vị hành chính "
            "của UBND tỉnh; tổ chức hoạt động trạm y tế phù hợp với quy mô, cơ cấu dân số, điều kiện kinh "
            "tế - xã hội, khả năng tiếp cận dịch vụ y tế của người dân và phù hợp với Quy hoạch tỉnh Bắc "
            "Ninh thời kỳ 2021-2030, tầm nhìn đến năm 2050 theo Quyết định số 1589/QĐ-TTg ngày 08/12/2023; "
            "Quy hoạch mạng lưới cơ sở y tế thời kỳ 2021-2030, tầm nhìn đến năm 2050 theo Quyết định số "
            "201/QĐ-TTg ngày 27/02/2024 của Thủ tướng Chính phủ.",
            "Thống nhất mô hình tổ chức y tế các Khu, cụm công nghiệp, y tế trường học, y tế cơ quan bảo "
            "đảm phù hợp với thực tiễn phát triển công nghiệp trên địa bàn tỉnh và nhu cầu khám, chữa bệnh, "
            "chăm sóc sức khỏe của người lao động, công nhân, học sinh trong giai đoạn tới.",
        ],
    ),
    (
        "3",
        "Nâng cao chất lượng khám bệnh, chữa bệnh, phục hồi chức năng và sự hài lòng của người bệnh",
        [
            "Nâng cao và công bằng trong tiếp cận dịch vụ khám bệnh, chữa bệnh, phục hồi chức năng có chất "
            "lượng. Phát triển danh mục kỹ thuật ở tất cả các tuyến, bảo đảm thực hiện được hầu hết danh "
            "mục kỹ thuật theo phân tuyến của Bộ Y tế; các Bệnh viện tuyến tỉnh mở rộng phạm vi triển khai "
            "các kỹ thuật vượt tuyến, giảm dần tỷ lệ chuyển tuyến trung ương; tiếp tục triển khai hiệu quả "
            "Đề án ứng dụng phát triển kỹ thuật cao ngành y tế theo Quyết định số 194/QĐ-UBND ngày "
            "25/6/2021 và Quyết định số 607/QĐ-UBND ngày 31/12/2021 của UBND tỉnh.",
            "Hoàn thiện phác đồ, quy trình, hướng dẫn điều trị y học hiện đại, y học cổ truyền, chuẩn hóa "
            "mã bệnh theo quốc tế đảm bảo phù hợp với điều kiện cơ sở vật chất, trang thiết bị và nhân lực "
            "của các cơ sở y tế trên địa bàn. Thực hiện hiệu quả Chương trình phát triển y dược cổ truyền, "
            "kết hợp y dược cổ truyền với y dược hiện đại đến năm 2030 và Kế hoạch triển khai chiến lược "
            "quốc gia phát triển ngành dược giai đoạn 2030 và tầm nhìn đến năm 2045; đầu tư xây dựng mới "
            "Bệnh viện Y học cổ truyền và Phục hồi chức năng quy mô 500 giường giai đoạn 2026-2030; nâng "
            "cao hiệu quả hoạt động của các khoa y học cổ truyền tại Bệnh viện đa khoa tỉnh, Trung tâm y tế "
            "huyện và hoạt động khám, chữa bệnh y học cổ truyền tại tuyến xã.",
            "Đảm bảo sự kết nối, tương tác hiệu quả giữa các cấp độ chăm sóc, giữa khám bệnh, chữa bệnh, "
            "phục hồi chức năng và phòng bệnh, chăm sóc sức khỏe ban đầu. Nâng cao năng lực cấp cứu ngoại "
            "viện và chất lượng chuyển cơ sở khám bệnh, chữa bệnh. Thực hiện có hiệu quả Chương trình phát "
            "triển hệ thống phục hồi chức năng giai đoạn 2023 - 2030, tầm nhìn đến năm 2050.",
            "Nâng cao năng lực của mạng lưới khám bệnh, chữa bệnh trong chuẩn bị và ứng phó hiệu quả với "
            "dịch bệnh, đặc biệt là hồi sức tích cực, đồng thời đảm bảo thực hiện tốt nhiệm vụ cung ứng các "
            "dịch vụ khám bệnh, chữa bệnh hàng ngày cho người bệnh.",
            "Tập trung mở rộng hoạt động khám bệnh, chữa bệnh từ xa để người dân có cơ hội tiếp cận, sử "
            "dụng dịch vụ y tế chất lượng ngay tại y tế cơ sở. Tăng cường chỉ đạo, chuyển giao kỹ thuật "
            "chuyên môn trong trường hợp vượt quá khả năng điều trị tại chỗ. Tiếp tục thực hiện đồng bộ các "
            "giải pháp về giảm quá tải bệnh viện tuyến trên.",
            "Thực hiện công khai dịch vụ khám bệnh, chữa bệnh và liên thông, công nhận kết quả xét nghiệm, "
            "chẩn đoán hình ảnh giữa các bệnh viện, hạn chế tình trạng cung ứng các dịch vụ y tế quá mức "
            "cần thiết. Ban hành danh mục dịch vụ kỹ thuật các tuyến phải có đủ năng lực thực hiện, tiến "
            "tới bảo đảm chất lượng từng dịch vụ kỹ thuật đồng đều giữa các tuyến.",
            "Kết hợp chặt chẽ y học cổ truyền với y học hiện đại. Thực hiện hiệu quả Chương trình phát "
            "triển y dược cổ truyền, kết hợp y dược cổ truyền với y dược hiện đại đến năm 2030. Gắn phát "
            "triển dược liệu với phát triển kinh tế - xã hội.",
            "Cung cấp dịch vụ y tế đáp ứng nhu cầu của người lao động tại các khu công nghiệp. Chú trọng "
            "liên kết với ngành du lịch để hình thành sản phẩm du lịch kết hợp với chăm sóc y tế góp phần "
            "phát triển kinh tế.",
        ],
    ),
    (
        "4",
        "Công tác dân số và phát triển",
        [
            "Thực hiện hiệu quả Chiến lược dân số Việt Nam đến năm 2030 để đạt mục tiêu duy trì vững chắc "
            "mức sinh thay thế; đưa tỉ số giới tính khi sinh về mức cân bằng tự nhiên; tận dụng hiệu quả cơ "
            "cấu dân số vàng; thích ứng với già hóa dân số; quy mô, cơ cấu, phân bố dân số hợp lý và nâng "
            "cao chất lượng dân số.",
            "Triển khai đồng bộ các nhiệm vụ, giải pháp, hoàn thành mục tiêu Kế hoạch số 510/KH-UBND ngày "
            "26/11/2020 của UBND tỉnh thực hiện Chiến lược Dân số Việt Nam đến năm 2030; Kế hoạch số "
            "382/KH-UBND ngày 30/6/2021 của UBND tỉnh thực hiện Đề án kiểm soát mất cân bằng giới tính khi "
            "sinh.",
            "Có chính sách và biện pháp phù hợp để người dân được tiếp cận và sử dụng các dịch vụ y tế cơ "
            "bản, nhất là trẻ em, người khuyết tật, người bị di chứng chiến tranh, người cao tuổi,... Tiếp "
            "tục phát triển mạnh mạng lưới các cơ sở chăm sóc sức khỏe người cao tuổi.",
            "Tiếp tục triển khai thực hiện đầy đủ các nhiệm vụ, giải pháp theo Chương trình hành động số "
            "45/CTr-TU ngày 26/01/2018 của Tỉnh ủy Bắc Ninh; Kế hoạch số 199/KH-UBND ngày 04/6/2018 của "
            "UBND tỉnh thực hiện Nghị quyết lần thứ sáu Ban chấp hành Trung ương Đảng khóa XII về Công tác "
            "dân số trong tình hình mới.",
        ],
    ),
    (
        "5",
        "Phát triển nhân lực y tế",
        [
            "Đổi mới toàn diện công tác đào tạo để nâng cao chất lượng nguồn nhân lực y tế, đặc biệt là "
            "nhân lực cho y tế cơ sở. Phát triển nguồn nhân lực y tế bảo đảm số lượng, cơ cấu phù hợp và "
            "chất lượng nhân lực y tế cho từng vùng, từng cấp độ chăm sóc và từng chuyên khoa, đặc biệt một "
            "số chuyên khoa khó tuyển như lao, phong, tâm thần, pháp y, giải phẫu bệnh, hồi sức cấp cứu, "
            "truyền nhiễm...",
            "Thực hiện đa dạng hóa phương thức, loại hình đào tạo; chú trọng đào tạo sau đại học về chuyên "
            "môn, kỹ thuật để nâng cao năng lực cán bộ y tế và phát triển kỹ thuật ở các cơ sở y tế tuyển "
            "tỉnh, huyện. Tăng cường đào tạo, bồi dưỡng cho đội ngũ cán bộ, nhân viên y tế cơ sở; phối hợp "
            "linh hoạt các hình thức đào tạo, bồi dưỡng, cập nhật kiến thức y khoa liên tục. Thực hiện đồng "
            "bộ, có hiệu quả việc luân phiên, luân chuyển, điều động nhân lực y tế để hỗ trợ thường xuyên "
            "cho y tế cơ sở; tiếp tục triển khai các nhiệm vụ, giải pháp của Đề án tăng cường đào tạo, "
            "chuyển giao kỹ thuật, nâng cao năng lực chuyên môn cho y tế xã, phường, thị trấn trên địa bàn "
            "tỉnh Bắc Ninh ban hành kèm theo Quyết định số 368/QĐ-UBND ngày 30/8/2020 của UBND tỉnh.",
            "Rà soát vị trí việc làm, chức danh nghề nghiệp; tuyển dụng với số lượng, cơ cấu phù hợp, đảm "
            "bảo thực hiện chức năng, nhiệm vụ của từng đơn vị y tế cơ sở; bố trí, sắp xếp đội ngũ cán bộ y "
            "tế với số lượng, cơ cấu phù hợp theo Đề án vị trí việc làm được phê duyệt; duy trì mỗi trạm y "
            "tế có ít nhất một bác sĩ cơ hữu; mỗi thôn, khu phố có một nhân viên y tế đáp ứng tiêu chuẩn "
            "Thông tư 27/2023/TT-BYT ngày 29/12/2023 của Bộ Y tế.",
            "Thực hiện đầy đủ, kịp thời các chế độ, chính sách ưu đãi của Nhà nước đối với cán bộ y tế cơ "
            "sở; rà soát, trình cấp có thẩm quyền sửa đổi, bổ sung chính sách ưu đãi, thu hút cán bộ đặc "
            "thù của tỉnh một cách hợp lý, đảm bảo thu hút được nhân lực có trình độ chuyên môn về làm "
            "việc, gắn bó lâu dài tại y tế cơ sở; thực hiện đồng bộ, có hiệu quả việc luân phiên, luân "
            "chuyển, điều động nhân lực y tế để hỗ trợ thường xuyên cho y tế cơ sở.",
        ],
    ),
    (
        "6",
        "Đẩy mạnh nghiên cứu, ứng dụng khoa học công nghệ",
        [
            "Từng bước hiện đại hóa kỹ thuật y học chuyên môn sâu trong lĩnh vực phòng bệnh, khám chữa "
            "bệnh, kiểm nghiệm, giám định... Đầu tư thiết bị, công nghệ hiện đại trong chẩn đoán, điều trị "
            "bệnh, kiểm định, giám định an toàn thực phẩm, môi trường nước... Tạo điều kiện để các bác sĩ "
            "chuyên khoa đầu ngành được tham dự các hội thảo khoa học, trao đổi chuyên môn về y học trong "
            "nước và quốc tế.",
            "Khuyến khích các cơ sở y tế trong tỉnh tổ chức, đăng cai tổ chức và báo cáo khoa học trình bày "
            "tại hội thảo, mời các chuyên gia trong nước và nước ngoài tham dự.",
            "Ứng dụng khoa học công nghệ trong xử lý chất thải y tế; đẩy mạnh ứng dụng và chuyển giao các "
            "kỹ thuật tiên tiến trong phòng chống dịch bệnh, khám bệnh, chữa bệnh.",
            "Ứng dụng có hiệu quả công nghệ thông tin, chuyển đổi số trong quản lý điều hành hoạt động "
            "ngành y tế.",
        ],
    ),
    (
        "7",
        "Phát triển sản xuất, cung ứng thuốc, thiết bị y tế",
        [
            "Thực hiện hiệu quả Chiến lược quốc gia phát triển ngành Dược Việt Nam giai đoạn đến năm 2030 "
            "và tầm nhìn đến năm 2045, Chiến lược quốc gia về phòng, chống kháng thuốc đến năm 2030 và tầm "
            "nhìn đến năm 2045, Chương trình phát triển công nghiệp dược, dược liệu trong nước đến năm "
            "2030, tầm nhìn đến năm 2045.",
            "Đổi mới cơ chế phân phối, bảo đảm cung ứng đủ thuốc, vắc xin, vật tư, thiết bị y tế có chất "
            "lượng, an toàn, hiệu quả, giá hợp lý cho phòng bệnh, khám bệnh, chữa bệnh, phòng chống thiên "
            "tai, thảm họa, sự cố y tế công cộng và các nhu cầu cấp bách khác. Triển khai ứng dụng công "
            "nghệ thông tin, thực hiện kết nối mạng, bảo đảm kiểm soát xuất xứ, giá cả thuốc mua vào, bán "
            "ra ở các cơ sở kinh doanh thuốc trên địa bàn tỉnh.",
            "Nâng cao năng lực kiểm nghiệm thuốc, mỹ phẩm, thực phẩm; tổ chức lấy mẫu xét nghiệm, kiểm soát "
            "chặt chẽ chất lượng thuốc, thực phẩm chức năng lưu thông trên thị trường.",
            "Nâng cao năng lực, hiệu quả công tác quản lý nhà nước trong lĩnh vực dược, thực phẩm, thiết bị "
            "y tế. Công khai, minh bạch, cải cách thủ tục hành chính trong quản lý, cấp phép, mua sắm "
            "thuốc, thiết bị y tế.",
            "Xây dựng, ban hành định mức thiết bị chuyên dùng của các cơ sở y tế trên địa bàn phù hợp với "
            "quy hoạch phát triển các đơn vị ngành y tế, làm cơ sở đầu tư, mua sắm, quản lý sử dụng hiệu "
            "quả thiết bị y tế.",
            "+ Đầu tư mua sắm, thiết bị y tế cho các cơ sở y tế nhằm đáp ứng yêu cầu phát triển kỹ thuật và "
            "thực hiện nhiệm vụ chuyên môn; Huy động các nguồn lực, đầu tư thiết bị y tế công nghệ cao, thế "
            "hệ mới, nhưng vẫn đảm bảo phát huy hiệu quả sử dụng các thiết bị đã có.",
            "+ Rà soát, đầu tư thiết bị y tế tại tuyến y tế cơ sở (đặc biệt tại trạm y tế) đảm bảo quy định "
            "tại Thông tư số 28/2020/TT-BYT ngày 31/12/2020 của Bộ Y tế về việc quy định danh mục trang "
            "thiết bị tối thiểu của trạm y tế tuyến xã.",
        ],
    ),
    (
        "8",
        "Ứng dụng công nghệ thông tin và chuyển đổi số",
        [
            "Mở rộng ứng dụng công nghệ số trong các lĩnh vực hoạt động của ngành y tế, hình thành nền y tế "
            "thông minh với ba nội dung chính là phòng bệnh thông minh, khám bệnh, chữa bệnh thông minh và "
            "quản trị y tế thông minh.",
            "Triển khai đồng bộ việc ứng dụng công nghệ thông tin, chuyển đổi số trong mọi lĩnh vực của "
            "ngành y tế trên phạm vi toàn tỉnh; lập, quản lý và theo dõi hồ sơ sức khỏe cá nhân, bệnh án "
            "điện tử và kết nối các thông tin, dữ liệu quản lý khác như khám bệnh, chữa bệnh bảo hiểm y tế, "
            "tiêm chủng, quản lý bệnh truyền nhiễm, bệnh không lây nhiễm.",
            "Duy trì và củng cố việc kết nối mạng giữa cơ sở khám bệnh và các cơ sở kinh doanh thuốc, bảo "
            "đảm kiểm soát xuất xứ, giá thuốc được mua vào, bán ra và việc bán thuốc theo đơn trên toàn "
            "quốc.",
            "Ứng dụng công nghệ thông tin phổ biến tri thức trong phòng bệnh, chữa bệnh và nâng cao sức "
            "khỏe; ứng dụng trí tuệ nhân tạo trong y tế để tăng cường sự tiếp cận của người dân đến các "
            "thông tin y tế.",
        ],
    ),
    (
        "9",
        "Đổi mới tài chính y tế và bảo hiểm y tế",
        [
            "Ưu tiên bố trí ngân sách, bảo đảm tốc độ tăng chi cho y tế cao hơn tốc độ tăng chi ngân sách "
            "nhà nước; dành ít nhất 30% ngân sách y tế cho công tác y tế dự phòng. Triển khai đồng bộ các "
            "giải pháp để thực hiện bảo hiểm y tế toàn dân.",
            "Đẩy mạnh xã hội hoá; đa dạng hoá các hình thức hợp tác công - tư, bảo đảm minh bạch, công "
            "khai, cạnh tranh lành mạnh để khuyến khích y tế tư nhân phát triển.",
            "Ưu tiên phân bổ ngân sách nhà nước để chi đầu tư cho y tế cơ sở, y tế dự phòng, nghiên cứu y "
            "học, lĩnh vực tâm thần, phong, lao.",
            "Đổi mới mạnh mẽ cơ chế tài chính cho hoạt động chăm sóc sức khỏe ban đầu, ưu tiên ngân sách "
            "cho chăm sóc sức khỏe người có công, người nghèo, nông dân và các đối tượng yếu thế.",
            "Thực hiện phân bổ ngân sách dựa trên kết quả hoạt động và điều kiện thực tiễn. Tăng cường kiểm "
            "soát, giám định chi phí khám bệnh, chữa bệnh bảo hiểm y tế bảo đảm công khai, minh bạch, bảo "
            "đảm quyền lợi hợp pháp của người tham gia bảo hiểm y tế.",
            "Mở rộng quyền tự chủ về tài chính đối với các đơn vị sự nghiệp y tế công lập theo Nghị định số "
            "60/2021/NĐ-CP ngày 21/6/2021 của Chính phủ; gắn việc áp dụng quy định mức giá thu dịch vụ y tế "
            "mới với lộ trình bảo hiểm y tế toàn dân, lộ trình cải cách tiền lương; thực hiện tính đúng, "
            "tính đủ chi phí dịch vụ, bảo đảm phù hợp với trình độ chuyên môn, chất lượng dịch vụ ở từng "
            "tuyến và khả năng chi trả của nhân dân; minh bạch giá dịch vụ y tế.",
            "Thực hiện phương thức chi trả dịch vụ y tế từ chi trả theo phí dịch vụ sang kết hợp với các "
            "phương thức chi trả khác, bao gồm thanh toán theo định suất và theo nhóm chẩn đoán liên quan "
            "theo quy định của Chính phủ, Bộ Y tế.",
            "Triển khai đặt hàng, giao nhiệm vụ cho y tế cơ sở thực hiện các gói dịch vụ y tế cơ bản; chi "
            "trả theo hướng khuyến khích cung ứng các dịch vụ chăm sóc sức khỏe ban đầu, quản lý sức khỏe "
            "dân cư tại cộng đồng.",
        ],
    ),
    (
        "10",
        "Phát triển y tế gắn với bảo đảm quốc phòng an ninh",
        [
            "Phát huy thế mạnh y tế của lực lượng vũ trang; tổ chức linh hoạt các mô hình kết hợp quân dân "
            "y khám bệnh, chữa bệnh; phòng chống thiên tai, thảm họa, dịch bệnh.",
            "Tiếp tục duy trì và triển khai có hiệu quả Chương trình kết hợp quân dân y chăm sóc sức khỏe "
            "nhân dân đến năm 2030. Thực hiện kết hợp quân - dân y xây dựng lực lượng y tế dự bị động viên, "
            "lực lượng huy động Ngành y tế và bảo đảm y tế khu vực phòng thủ và phòng thủ dân sự; sẵn sàng "
            "đáp ứng y tế trong các tình huống quốc phòng và an ninh.",
        ],
    ),
    (
        "11",
        "Tăng cường phối hợp liên ngành, nâng cao hiệu quả công tác đối ngoại, hội nhập và truyền thông "
        "cung cấp thông tin y tế",
        [
            "Nâng cao vai trò, trách nhiệm của các bên liên quan và hiệu quả công tác phối hợp liên ngành, "
            "đẩy mạnh các hành động đa ngành trong chăm sóc sức khỏe trên địa bàn. Xây dựng các kế hoạch "
            "hành động liên ngành trong chăm sóc sức khỏe nói chung và đặc biệt trong chuẩn bị và ứng phó "
            "có hiệu quả với các tình huống khẩn cấp, dịch bệnh.",
            "Tăng cường hợp tác, tranh thủ hỗ trợ kỹ thuật, đào tạo và tài chính của các nước, các tổ chức "
            "quốc tế. Tăng cường hợp tác quốc tế trong đấu tranh phòng, chống tội phạm trong lĩnh vực y "
            "dược.",
            "Hài hoà hoá các thủ tục, quy trình với khu vực và thế giới về y tế. Tham gia xây dựng và áp "
            "dụng các chuẩn mực y tế trong nước theo hướng cập nhật với thế giới và khu vực.",
            "Triển khai công tác cung cấp thông tin y tế đồng bộ, minh bạch, chính xác, kịp thời, phối hợp "
            "chặt chẽ với các cơ quan báo chí truyền thông sâu rộng về các nhiệm vụ trọng tâm, các thành "
            "tựu, kết quả hoạt động của công tác y tế, các tấm gương điển hình cán bộ nhân viên y tế, y "
            "đức, y nghiệp và truyền thống lịch sử ngành y tế.",
        ],
    ),
    (
        "12",
        "Hoàn thiện hệ thống thể chế, tăng cường quản lý nhà nước về y tế",
        [
            "Đổi mới toàn diện cơ chế quản lý, điều hành tại các đơn vị y tế trong ngành để phát huy tính "
            "năng động, sáng tạo của mỗi đơn vị. Tăng cường đào tạo, bồi dưỡng để nâng cao năng lực quản lý "
            "hoạt động chuyên môn, quản lý tài chính, đầu tư, công sản, trang thiết bị và nhân sự, trước "
            "hết cho lãnh đạo đơn vị, lãnh đạo các khoa, phòng và các cán bộ tổ chức, cán bộ kế hoạch, tài "
            "chính.",
            "Tăng cường công tác phổ biến, giáo dục pháp luật, chính sách y tế, kiểm tra và trợ giúp pháp "
            "lý cho các đơn vị ngành y tế nhằm thực thi tốt hệ thống chính sách, pháp luật đối với ngành y "
            "tế.",
            "Tăng cường xây dựng chính sách dựa trên bằng chứng có sự tham gia rộng rãi của các tổ chức "
            "chính trị, xã hội, nghề nghiệp và người dân. Thiết lập hệ thống theo dõi, giám sát và đánh giá "
            "tác động của chính sách, kế hoạch y tế.",
            "Áp dụng hệ thống quy chuẩn, tiêu chuẩn cho các lĩnh vực của ngành y tế, nhất là quy chuẩn về "
            "chất lượng dịch vụ y tế. Tiếp tục thực hiện công tác cải cách thủ tục hành chính đối với các "
            "cơ sở y tế, tạo điều kiện thuận lợi nhất cho nhân dân trong việc tham gia các dịch vụ chăm sóc "
            "sức khỏe, đặc biệt chú ý cải tiến thủ tục khám, chữa bệnh cho đối tượng bảo hiểm y tế, người "
            "nghèo, đối tượng chính sách. Thực hiện dân chủ, công khai, minh bạch trong quản lý tại các cơ "
            "sở y tế.",
            "Tăng cường hoạt động thanh tra y tế trong tất cả các lĩnh vực liên quan đến công tác chăm sóc "
            "và bảo vệ sức khỏe nhân dân, chú trọng các hoạt động thanh tra về kinh doanh, phân phối thuốc, "
            "về khám chữa bệnh tại các cơ sở y tế công lập và ngoài công lập.",
            "Tiếp tục sắp xếp tổ chức bộ máy các đơn vị sự nghiệp y tế công lập bảo đảm tinh gọn, đồng bộ, "
            "hiệu lực, hiệu quả; phát triển và tăng cường sự tham gia của y tế ngoài công lập trong cung "
            "ứng dịch vụ y tế công.",
            "Đổi mới mạnh mẽ công tác quản lý và tổ chức hoạt động của các đơn vị sự nghiệp y tế công lập. "
            "Đẩy mạnh thực hiện quyền tự chủ về nhiệm vụ chuyên môn, tổ chức bộ máy, nhân sự và tài chính "
            "gắn với trách nhiệm giải trình, công khai, minh bạch.",
            "Đẩy mạnh phân cấp, phân quyền gắn với nâng cao năng lực quản lý, quản trị của các đơn vị sự "
            "nghiệp y tế công lập. Tăng cường trách nhiệm giải trình và công khai minh bạch, kỷ cương hành "
            "chính, kỷ luật công vụ, chú trọng công tác thanh tra, kiểm tra, xử lý vi phạm; thực hiện tốt "
            "công tác thi đua, khen thưởng để kịp thời động viên công chức, viên chức, người lao động vượt "
            "khó, hoàn thành nhiệm vụ được giao.",
        ],
    ),
]

# (number, body as written, [responsibilities])
PLAN_242_BODIES: list[tuple[int, str, list[str]]] = [
    (
        1,
        "Sở Y tế",
        [
            "Chủ trì, phối hợp với các sở, ban, ngành, đoàn thể liên quan và UBND các huyện, thị xã, thành "
            "phố tổ chức triển khai Kế hoạch thực hiện Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức "
            "khỏe nhân dân đến năm 2030, tầm nhìn đến năm 2045 của tỉnh.",
            "Chỉ đạo, giải quyết các nhiệm vụ chuyên môn về y tế theo thẩm quyền; phối hợp với các sở, ban, "
            "ngành, địa phương liên quan trình Ủy ban nhân dân tỉnh chỉ đạo xử lý những khó khăn, vướng mắc "
            "phát sinh trong quá trình triển khai thực hiện kế hoạch.",
            "Phối hợp với Sở Thông tin và Truyền thông, Đài Phát thanh và Truyền hình tỉnh, các cơ quan báo "
            "chí trên địa bàn tích cực tổ chức các hoạt động tuyên truyền rộng rãi về mục đích, ý nghĩa, "
            "các nội dung của Kế hoạch.",
            "Hướng dẫn, kiểm tra, đôn đốc, giám sát, đánh giá, sơ kết, tổng kết việc thực hiện; tổng hợp "
            "báo cáo và kịp thời đề xuất kiến nghị điều chỉnh Kế hoạch phù hợp với tình hình thực tế, báo "
            "cáo Ủy ban nhân dân tỉnh; định kỳ 5 năm tổ chức sơ kết, tổng kết, đánh giá kết quả thực hiện "
            "Kế hoạch.",
        ],
    ),
    (
        2,
        "Sở Kế hoạch và Đầu tư",
        [
            "Phối hợp với Sở Y tế và các sở, ngành có liên quan tham mưu UBND tỉnh đưa chỉ tiêu, nhiệm vụ "
            "về bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân vào kế hoạch phát triển kinh tế - xã hội "
            "hằng năm, 05 năm của tỉnh.",
            "Chủ trì, phối hợp với sở, ngành, địa phương liên quan tham mưu UBND tỉnh cân đối, bố trí kế "
            "hoạch vốn đầu tư công (nếu có) trung hạn, hằng năm thực hiện đầu tư cơ sở hạ tầng cho các đơn "
            "vị ngành y tế theo phân cấp đầu tư trên địa, bàn tỉnh và các quy định của pháp luật hiện "
            "hành.",
        ],
    ),
    (
        3,
        "Sở Tài chính",
        [
            "Căn cứ chế độ, chính sách hiện hành, khả năng cân đối ngân sách địa phương, phối hợp với các "
            "cơ quan, đơn vị có liên quan rà soát, tổng hợp dự toán; tham mưu cấp có thẩm quyền bố trí "
            "nguồn kinh phí thực hiện Kế hoạch theo các quy định của pháp luật hiện hành."
        ],
    ),
    (
        4,
        "Sở Thông tin và Truyền thông",
        [
            "Chủ trì, phối hợp với các cơ quan, đơn vị liên quan chỉ đạo các cơ quan báo chí, hệ thống "
            "truyền thanh cơ sở tuyên truyền, truyền thông rộng rãi mục đích, ý nghĩa, các nội dung của Kế "
            "hoạch và các nội dung truyền thông giáo dục sức khỏe, kiến thức pháp luật lĩnh vực y tế đến "
            "người dân trên địa bàn tỉnh."
        ],
    ),
    (
        5,
        "Sở Nội vụ",
        [
            "Căn cứ các quy định pháp luật chuyên ngành, phối hợp với Sở Y tế tham mưu UBND tỉnh tiếp tục "
            "sắp xếp tổ chức bộ máy các đơn vị sự nghiệp y tế trên địa bàn tỉnh tinh gọn, đồng bộ, hiệu "
            "lực, hiệu quả và ban hành chính sách thu hút nguồn nhân lực y tế trình độ cao, thu hút nhân "
            "lực y tế có trình độ chuyên môn làm việc lâu dài tại y tế cơ sở phù hợp với điều kiện thực tế "
            "của tỉnh, đảm bảo theo quy định của pháp luật."
        ],
    ),
    (
        6,
        "Sở Giáo dục và Đào tạo",
        [
            "Chủ trì, phối hợp với Sở Y tế để thực hiện các nội dung giáo dục về bảo vệ, chăm sóc sức khỏe "
            "trong nhà trường; kiện toàn hệ thống y tế trường học, bảo đảm cơ sở vật chất, trang thiết bị "
            "phục vụ công tác y tế trường học; triển khai các chương trình chăm sóc sức khỏe cho học sinh, "
            "sinh viên."
        ],
    ),
    (
        7,
        "Sở Lao động - Thương binh và Xã hội",
        [
            "Chủ trì, phối hợp với Sở Y tế và các sở, ngành liên quan thực hiện chính sách an sinh xã hội, "
            "đảm bảo chính sách y tế cho các đối tượng dễ bị tổn thương (người nghèo, cận nghèo, người già, "
            "trẻ em dưới 6 tuổi, đối tượng bảo trợ xã hội...)."
        ],
    ),
    (
        8,
        "Sở Tài nguyên và Môi trường",
        [
            "Chủ trì, phối hợp với Sở Y tế, UBND cấp huyện và các đơn vị có liên quan tham mưu UBND tỉnh "
            "tổng hợp đưa vào quy hoạch, kế hoạch sử dụng đất danh mục các dự án, cơ sở y tế cả công lập và "
            "ngoài công lập phải thu hồi đất, giao đất, cho thuê đất theo quy định. Kiểm soát, quan trắc và "
            "xử lý từ nguồn phát sinh đối với các chất ô nhiễm có tác động đến sức khỏe con người; quản lý, "
            "chia sẻ thông tin quan trắc về các chất ô nhiễm có tác động đến sức khỏe con người; thích ứng, "
            "giảm nhẹ tác động của biến đổi khí hậu; bảo vệ môi trường trong hoạt động y tế thuộc lĩnh vực "
            "được phân công quản lý."
        ],
    ),
    (
        9,
        "Sở Văn hóa, Thể thao và Du lịch",
        [
            "Chủ trì, phối hợp với các sở, ban ngành liên quan xây dựng, chỉ đạo tổ chức thực hiện chương "
            "trình vận động toàn dân luyện tập thể dục thể thao bảo vệ, nâng cao sức khỏe. Phối hợp với Sở "
            "Giáo dục và Đào tạo xây dựng các chương trình, đề án thể dục thể thao trong trường học nhằm "
            "nâng cao tầm vóc, thể lực của người dân tại tỉnh; xây dựng kế hoạch hành động, triển khai các "
            "giải pháp an toàn du lịch, phòng chống tai nạn thương tích trong phạm vi được phân công quản "
            "lý."
        ],
    ),
    (
        10,
        "Bảo hiểm xã hội tỉnh",
        [
            "Chủ trì, phối hợp với Sở Y tế, các địa phương đẩy mạnh việc tuyên truyền, vận động người dân "
            "tham gia bảo hiểm y tế. Rà soát, đẩy mạnh cải cách thủ tục hành chính bảo đảm quyền lợi hợp "
            "pháp cho người tham gia bảo hiểm y tế."
        ],
    ),
    (
        11,
        "Ban Quản lý An toàn thực phẩm tỉnh",
        [
            "Chủ trì, phối hợp với các sở, ngành liên quan xây dựng và tổ chức thực hiện các chính sách "
            "pháp luật về an toàn thực phẩm."
        ],
    ),
    (
        12,
        "Bộ Chỉ huy Quân sự tỉnh",
        [
            "Phối hợp với Sở Y tế thực hiện hiệu quả công tác kết hợp quân dân y trong bảo vệ, chăm sóc sức "
            "khỏe nhân dân và bộ đội trên địa bàn tỉnh góp phần củng cố an ninh, quốc phòng tại mỗi địa "
            "phương trên địa bàn tỉnh."
        ],
    ),
    (
        13,
        "Công an tỉnh",
        [
            "Chủ trì, phối hợp với các sở, ban, ngành liên quan tăng cường đấu tranh, kiểm tra phát hiện và "
            "xử lý các cơ sở vi phạm pháp luật trong lĩnh vực y tế."
        ],
    ),
    (
        14,
        "Các sở, ban, ngành, các cơ quan, tổ chức liên quan",
        [
            "Căn cứ chức năng, nhiệm vụ của đơn vị để xây dựng kế hoạch hoạt động lồng ghép nội dung bảo "
            "vệ, chăm sóc và nâng cao sức khỏe nhân dân vào hoạt động của đơn vị; định kỳ thông tin, báo "
            "cáo về Sở Y tế để tổng hợp báo cáo UBND tỉnh."
        ],
    ),
    (
        15,
        "Đề nghị Ủy ban Mặt trận Tổ quốc tỉnh và các tổ chức chính trị - xã hội đẩy mạnh công tác tuyên "
        "truyền, giáo dục nhằm nâng cao nhận thức và huy động các tầng lớp nhân dân tích cực tham gia "
        "các hoạt động bảo vệ, chủ động chăm sóc sức khỏe của bản thân và cộng đồng. Tham gia giám sát "
        "việc thực hiện chính sách, pháp luật về bảo vệ và chăm sóc sức khỏe nhân dân.",
        [],
    ),
    (
        16,
        "Ủy ban nhân dân các huyện, thị xã, thành phố",
        [
            "Tuyên truyền, phổ biến, lồng ghép mục tiêu, nhiệm vụ, giải pháp của Kế hoạch này với kế hoạch "
            "phát triển kinh tế xã hội của các huyện, thị xã, thành phố; tổ chức thực hiện Kế hoạch có hiệu "
            "quả.",
            "Căn cứ Kế hoạch thực hiện Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân "
            "của tỉnh, chủ động xây dựng và triển khai Kế hoạch hành động của địa phương; bố trí đất cho "
            "phát triển cơ sở y tế công lập và ngoài công lập; cân đối đủ kinh phí đầu tư cơ sở vật chất và "
            "kinh phí hỗ trợ các chương trình, đề án. Chỉ đạo UBND các xã, phường, thị trấn căn cứ vào Kế "
            "hoạch bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân của tỉnh, huyện và điều kiện thực tế của "
            "địa phương, có trách nhiệm xây dựng và triển khai kế hoạch bảo vệ, chăm sóc và nâng cao sức "
            "khỏe nhân dân trên địa bàn.",
            "Trên đây là Kế hoạch thực hiện Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe nhân "
            "dân giai đoạn đến năm 2030, tầm nhìn đến năm 2045 trên địa bàn tỉnh Bắc Ninh. Yêu cầu các sở, "
            "ban, ngành và UBND các huyện, thị xã, thành phố tổ chức thực hiện; định kỳ hàng năm và 5 năm, "
            "các sở, ban, ngành, UBND các huyện, thị xã, thành phố báo cáo tình hình, kết quả thực hiện Kế "
            "hoạch này về Sở Y tế để tổng hợp báo cáo UBND tỉnh./.",
        ],
    ),
]

BAC_KAN_OBJECTIVES: list[str] = [
    "Phường Bắc Kạn duy trì đạt chuẩn quốc gia về y tế, bảo đảm đầy đủ các tiêu chí về cơ sở vật "
    "chất, nhân lực, trang thiết bị và công tác chăm sóc sức khỏe ban đầu cho Nhân dân; hệ thống y tế "
    "cơ sở được củng cố toàn diện, hoạt động hiệu quả, đáp ứng yêu cầu phòng bệnh, khám chữa bệnh, "
    "phục hồi chức năng và quản lý sức khỏe cộng đồng.",
    "Nâng cao thể lực, trí lực, tầm vóc và tuổi thọ khỏe mạnh của Nhân dân trên địa bàn phường. Đến "
    "năm 2030, tăng chiều cao trung bình của trẻ em và thanh thiếu niên từ 1 - 18 tuổi thêm tối thiểu "
    "1,5 cm; tuổi thọ trung bình đạt từ 75,5 tuổi trở lên, trong đó số năm sống khỏe mạnh đạt tối "
    "thiểu 68 năm.",
    "Giảm gánh nặng bệnh tật và kiểm soát các yếu tố nguy cơ ảnh hưởng đến sức khỏe. Tỷ lệ tiêm chủng "
    "các vắc-xin trong Chương trình Tiêm chủng mở rộng trên địa bàn phường đạt trên 95%. Tỷ lệ người "
    "dân thường xuyên tham gia hoạt động thể chất tăng thêm 10%. Tăng cường kiểm soát các yếu tố nguy "
    "cơ ảnh hưởng đến sức khỏe như rượu, bia, thuốc lá và từ môi trường đất, nước, không khí...",
    "Người dân trên địa bàn phường được tiếp cận dịch vụ y tế có chất lượng, hướng tới chăm sóc sức "
    "khỏe toàn diện. Từ năm 2026, người dân được khám sức khỏe định kỳ hoặc khám sàng lọc miễn phí ít "
    "nhất mỗi năm 1 lần, được lập sổ sức khỏe điện tử để quản lý sức khỏe theo vòng đời, từng bước "
    "giảm gánh nặng chi phí y tế. Đến năm 2030, người dân được miễn viện phí ở mức cơ bản trong phạm "
    "vi quyền lợi bảo hiểm y tế theo lộ trình.",
    "Trạm y tế phường được đầu tư cơ sở vật chất, thiết bị y tế, nhân lực theo chức năng, nhiệm vụ, "
    "phù hợp với quy mô dân số và địa bàn quản lý; đến năm 2027 có ít nhất từ 4 đến 5 bác sĩ. Tăng tỉ "
    "lệ khám bệnh, chữa bệnh bảo hiểm y tế tại Trạm y tế trên 25%.",
    "Đến năm 2026, tỉ lệ bao phủ bảo hiểm y tế đạt trên 95% dân số, đến năm 2030 đạt bao phủ bảo hiểm "
    "y tế toàn dân trên địa bàn phường; phát triển các loại hình bảo hiểm sức khỏe.",
    "Giảm rõ rệt các yếu tố nguy cơ ảnh hưởng đến sức khỏe cộng đồng như ô nhiễm môi trường, thực "
    "phẩm không an toàn, sử dụng rượu, bia, thuốc lá; hình thành nếp sống, thói quen lành mạnh, tích "
    "cực rèn luyện thân thể, tham gia phong trào thể dục thể thao, xây dựng môi trường sống an toàn, "
    "xanh - sạch - đẹp.",
]

BAC_KAN_GROUPS: list[tuple[str, str, list[str]]] = [
    (
        "1",
        "Đổi mới mạnh mẽ tư duy và hành động trong lãnh đạo, chỉ đạo, tổ chức thực hiện công tác bảo vệ, "
        "chăm sóc và nâng cao sức khỏe Nhân dân",
        [
            "Tổ chức quán triệt, nâng cao nhận thức, tạo sự thống nhất ý chí và hành động trong việc triển "
            "khai thực hiện Nghị quyết số 282/NQ-CP ngày 15/9/2025 của Chính phủ và Chương trình hành động "
            "số 03-CTr/TU ngày 20/10/2025 của Tỉnh ủy đến các cơ quan, đơn vị, cán bộ và nhân dân.",
            "Tổ chức triển khai thông tin truyền thông, giáo dục sức khỏe, tăng cường nhận thức về bảo vệ, "
            "chăm sóc và nâng cao sức khỏe Nhân dân, tạo ý thức tự giác, chủ động trong phòng bệnh của mỗi "
            "cá nhân và toàn xã hội. Tổ chức tuyên truyền bằng nhiều hình thức: Hội nghị, bản tin, loa "
            "truyền thanh, pa-nô, áp phích, mạng xã hội, các cuộc sinh hoạt tổ dân phố, hội nghị nhân "
            "dân...; chú trọng tuyên truyền trực tiếp đến các hộ dân, nhóm đối tượng dễ bị tổn thương (phụ "
            "nữ có thai, trẻ nhỏ, người cao tuổi).",
            "Lòng ghép và ưu tiên đưa các chỉ tiêu về bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân vào "
            "quy hoạch, chương trình hành động, kế hoạch phát triển kinh tế - xã hội hàng năm, 5 năm và dài "
            "hạn của địa phương.",
            "Triển khai thực hiện có hiệu quả “Ngày Sức khỏe toàn dân” (07/4) hàng năm theo chỉ đạo, hướng "
            "dẫn của Chính phủ và Bộ Y tế.",
            "Đưa nội dung giáo dục sức khỏe vào các Đề án/Chương trình giáo dục phù hợp với các cấp học, "
            "bậc học; triển khai các hoạt động chăm sóc sức khỏe, giáo dục thể chất, dinh dưỡng học đường "
            "tại cơ sở giáo dục.",
            "Xây dựng và triển khai thực hiện Chương trình sức khỏe học đường theo giai đoạn phù hợp với "
            "các văn bản chỉ đạo của Thủ tướng Chính phủ, Bộ Y tế, Bộ Giáo dục và Đào tạo và tình hình thực "
            "tế của địa phương, đơn vị.",
            "Xây dựng và triển khai thực hiện các mô hình cộng đồng, trường học và nơi làm việc an toàn, "
            "khỏe mạnh.",
            "Thực hiện đổi mới mạnh mẽ tư duy quản trị ngành y tế, tạo môi trường quản trị minh bạch và "
            "trách nhiệm giải trình gắn với cải cách thủ tục hành chính, phân cấp, phân quyền triệt để.",
            "Triển khai các giải pháp đồng bộ bảo đảm trật tự, an toàn giao thông, an toàn vệ sinh lao "
            "động, phòng, chống cháy nổ, tai nạn, thương tích, bạo lực gia đình.",
            "Triển khai hiệu quả Chiến lược quốc gia về dinh dưỡng đến năm 2030.",
            "Triển khai kiểm soát các yếu tố nguy cơ từ môi trường (đất, nước, không khí...) ảnh hưởng tới "
            "sức khỏe.",
            "Khảo sát đánh giá thực trạng hiểu biết sức khỏe của người dân trên địa bàn phường.",
            "Triển khai các giải pháp phòng, chống lạm dụng, trục lợi chính sách và vi phạm pháp luật trong "
            "công tác bảo vệ, chăm sóc, nâng cao sức khỏe nhân dân.",
            "Thường xuyên kiểm tra, giám sát; định kỳ sơ kết, tổng kết, đánh giá thi đua, khen thưởng kết "
            "quả thực hiện theo quy định.",
        ],
    ),
    (
        "2",
        "Hoàn thiện thể chế, tập trung nâng cao năng lực hệ thống y tế, nhất là y tế dự phòng, y tế cơ "
        "sở, phát huy thế mạnh của y học cổ truyền",
        [
            "Triển khai hiệu quả các quy định pháp luật về bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân "
            "trên địa bàn. Tích cực, chủ động tham gia góp ý xây dựng các Luật về Dân số, Phòng bệnh, An "
            "toàn thực phẩm, thiết bị y tế, y học cổ truyền... theo kế hoạch, chương trình công tác của "
            "Trung ương, của tỉnh.",
            "Tổ chức triển khai thực hiện hiệu quả Chương trình mục tiêu Quốc gia về chăm sóc sức khỏe, dân "
            "số và phát triển giai đoạn 2026-2035.",
            "Kiện toàn, nâng cao năng lực hệ thống y tế dự phòng địa phương theo hướng hiện đại, đủ năng "
            "lực giám sát, cảnh báo sớm, khống chế kịp thời dịch bệnh và chủ động tổ chức triển khai các "
            "hoạt động phòng, chống dịch bệnh.",
            "Tăng cường thực hiện Chương trình Tiêm chủng mở rộng cả về phạm vi và đối tượng tiêm chủng "
            "theo lộ trình. Thực hiện quản lý, chăm sóc sức khỏe theo vòng đời.",
            "Thực hiện chức năng, nhiệm vụ, tổ chức bộ máy của Trạm y tế cấp xã theo mô hình đơn vị sự "
            "nghiệp công lập theo hướng dẫn của Bộ Y tế, phù hợp thực tế, bảo đảm cung ứng dịch vụ cơ bản, "
            "thiết yếu về phòng bệnh, chăm sóc sức khỏe ban đầu, khám bệnh, chữa bệnh và các dịch vụ chăm "
            "sóc xã hội.",
            "củng cố, nâng cao năng lực đồng bộ cho Trạm y tế về nhân lực, bảo đảm cơ cấu, đủ số lượng bác "
            "sĩ theo chức năng, nhiệm vụ; duy trì đội ngũ nhân viên y tế tại tổ dân phố, công tác viên dân "
            "số theo chức năng, nhiệm vụ; bảo đảm cơ sở vật chất, thuốc, thiết bị y tế cơ bản.",
            "Triển khai chăm sóc sức khỏe theo nguyên lý y học gia đình, tăng cường kết nối, hỗ trợ giữa "
            "các cấp chuyên môn kỹ thuật trong hệ thống y tế từ tỉnh.",
            "Tăng cường kết hợp hiệu quả giữa lực lượng y tế, công an, quân đội và các ngành liên quan, bảo "
            "đảm người dân được tiếp cận dịch vụ cấp cứu nhanh chóng, kịp thời ngay tại hiện trường.",
            "Phát huy tiềm năng và thế mạnh của y học cổ truyền gắn với phát huy tiềm năng dược liệu, phát "
            "triển vùng trồng dược liệu đạt tiêu chuẩn. Bảo tồn tri thức truyền thống và phát huy giá trị "
            "đa dụng của dược liệu, bài thuốc, phương pháp truyền thống. Tập trung nâng cao chất lượng y "
            "học cổ truyền, nhất là thuốc cổ truyền, dược liệu.",
            "Tiếp tục thực hiện có hiệu quả Quyết định số 1183/QĐ-TTg ngày 14 tháng 10 năm 2024 của Thủ "
            "tướng Chính phủ ban hành Kế hoạch triển khai Chỉ thị số 28-CT/TW của Bộ Chính trị về tăng "
            "cường công tác chăm sóc, giáo dục và bảo vệ trẻ em đáp ứng với yêu cầu phát triển đất nước "
            "phồn vinh, hạnh phúc; thực hiện đầy đủ các quyền của trẻ em; bảo đảm cho trẻ em, nhất là trẻ "
            "em có hoàn cảnh đặc biệt được bình đẳng tiếp cận với các dịch vụ bảo vệ, chăm sóc phù hợp theo "
            "độ tuổi; tạo mọi điều kiện để trẻ em có cơ hội phát triển toàn diện cả về thể chất, trí tuệ và "
            "tinh thần.",
            "Triển khai đầy đủ các chương trình, đề án hướng tới giảm bệnh tật, tử vong và cải thiện tình "
            "trạng dinh dưỡng ở bà mẹ và trẻ em; thu hẹp sự khác biệt về các chỉ số sức khỏe bà mẹ, trẻ em, "
            "sức khỏe sinh sản giữa các khu vực trên địa bàn; kết hợp chặt chẽ giữa việc đào tạo nâng cao "
            "năng lực cán bộ và nâng cấp cơ sở vật chất, bổ sung trang thiết bị, thuốc thiết yếu phục vụ "
            "cho việc dự phòng, phát hiện và xử trí cấp cứu sản khoa và sơ sinh.",
        ],
    ),
    (
        "3",
        "Nâng cao y đức, phát triển nhân lực y tế chất lượng, đồng bộ, đáp ứng sự hài lòng của người "
        "bệnh và hội nhập quốc tế",
        [
            "Tiếp tục đổi mới toàn diện phong cách, tinh thần, thái độ phục vụ Nhân dân, người bệnh gắn "
            "liền với nâng cao năng lực chuyên môn của đội ngũ cán bộ y tế, thực hiện tốt mong muốn của Chủ "
            "tịch Hồ Chí Minh “Luong y phải như từ mẫu”, thường xuyên bồi dưỡng, nâng cao ý thức tự học "
            "tập, rèn luyện, trau dồi y đức, quy tắc ứng xử, kỹ năng giao tiếp, tư vấn người bệnh.",
            "Thực hiện nghiêm các quy định về tiêu chuẩn đạo đức nghề nghiệp của nhân viên y tế; đổi mới và "
            "tăng cường giáo dục y đức, kiến thức pháp luật trong đào tạo khối ngành sức khỏe.",
            "Thực hiện bảo đảm chế độ ưu đãi theo nghề đối với công chức, viên chức công tác tại các cơ sở "
            "y tế công lập theo các quy định hiện hành.",
            "Cải thiện môi trường làm việc, bảo đảm an toàn, giảm áp lực cho nhân viên y tế; đổi mới cách "
            "thức quản lý cung ứng dịch vụ y tế theo chất lượng đầu ra, đáp ứng sự hài lòng của cả người "
            "bệnh và nhân viên y tế.",
            "Nâng cao tinh thần trách nhiệm, kỷ luật lao động, kiên quyết chấn chỉnh và khắc phục những "
            "biểu hiện tiêu cực, xử lý nghiêm khắc, kịp thời các hành vi xâm hại nhân viên y tế. Tăng cường "
            "phòng, chống tham nhũng, tiêu cực, lãng phí trong lĩnh vực y tế.",
            "Phát triển nhân lực y tế bảo đảm đồng bộ về số lượng, chất lượng, cơ cấu, nhất là nhân lực "
            "phục vụ y tế cơ sở, y tế dự phòng.",
            "Thực hiện kịp thời các chính sách ưu đãi của nhà nước về y tế phù hợp với điều kiện phát triển "
            "kinh tế - xã hội, tương xứng với quan điểm nghề y là nghề đặc biệt, phải được đào tạo, sử dụng "
            "và đãi ngộ đặc biệt.",
            "Tiếp tục thực hiện cơ chế, chính sách duy trì đội ngũ nhân viên y tế thôn bản; quan tâm đào "
            "tạo chuyên môn, nghiệp vụ đối với nhân viên y tế thôn bản.",
            "Duy trì và phát triển đội ngũ cộng tác viên dân số; bồi dưỡng kiến thức để nâng cao năng lực "
            "chuyên môn về công tác dân số và phát triển; đầu tư và cung cấp trang thiết bị phù hợp để phục "
            "vụ công tác chuyên môn.",
            "Tăng cường hợp tác và hội nhập quốc tế về nghiên cứu, ứng dụng, chuyên giao kỹ thuật, khoa "
            "học, công nghệ, đào tạo nhân lực trong lĩnh vực y tế và trao đổi, phát huy thế mạnh, tiềm năng "
            "của y tế địa phương.",
        ],
    ),
    (
        "4",
        "Đẩy mạnh cải cách tài chính y tế và phát triển hiệu quả, bền vững chính sách bảo hiểm y tế",
        [
            "Ưu tiên bố trí và bảo đảm mức tăng chi ngân sách nhà nước hằng năm cho lĩnh vực y tế, bảo đảm "
            "ngân sách nhà nước chi thường xuyên và chi đầu tư cho y tế cơ sở, y tế dự phòng. Bố trí ngân "
            "sách nhà nước để đầu tư nâng cấp cơ sở vật chất, thiết bị y tế cho Trạm y tế phường.",
            "Triển khai khám sức khỏe định kỳ hoặc khám sàng lọc miễn phí cho người dân trên địa bàn phường "
            "ít nhất mỗi năm một lần theo nhóm đối tượng và lộ trình ưu tiên. Từ năm 2026, xây dựng kế "
            "hoạch và tổ chức phối hợp giữa các hoạt động khám sức khỏe định kỳ, khám sàng lọc miễn phí, "
            "kiểm tra sức khỏe của học sinh, sinh viên, khám bệnh nghề nghiệp, khám sức khỏe cho người lao "
            "động theo quy định và khám bệnh, chữa bệnh bảo hiểm y tế để khám bệnh miễn phí và tiến tới "
            "hoàn thành việc tạo lập sổ sức khỏe điện tử cho toàn bộ người dân.",
            "Nâng cao hiệu quả hoạt động quản lý, sử dụng Quỹ bảo hiểm y tế, cải cách thủ tục hành chính, "
            "sử dụng tiết kiệm chi phí quản lý, tăng chi cho khám, chữa bệnh.",
        ],
    ),
    (
        "5",
        "Đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số toàn diện trong chăm "
        "sóc sức khỏe",
        [
            "Thúc đẩy mạnh mẽ chuyển đổi số y tế toàn diện; hoàn thành, vận hành hiệu quả sổ sức khỏe điện "
            "tử, bệnh án điện tử, đơn thuốc điện tử; kết nối đồng bộ, quản lý dữ liệu sức khỏe người dân "
            "theo vòng đời; phối hợp xây dựng cơ sở dữ liệu quốc gia về y tế, cơ sở dữ liệu chuyên ngành y "
            "tế; kết nối, liên thông với cơ sở dữ liệu quốc gia.",
            "Triển khai thực hiện các giải pháp đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo "
            "trong lĩnh vực y tế theo Nghị quyết số 57-NQ/TW, ngày 22/12/2024 của Bộ Chính trị. Đẩy mạnh "
            "ứng dụng trí tuệ nhân tạo (AI), blockchain và dữ liệu lớn (Big Data), Internet vạn vật (IoT) "
            "trong lĩnh vực y tế nhằm tăng cường tính minh bạch, hiệu quả trong việc cung cấp, sử dụng các "
            "dịch vụ y tế trên địa bàn.",
            "Khuyến khích cán bộ, người dân sử dụng các nền tảng số phục vụ khám chữa bệnh, tra cứu thông "
            "tin y tế, đăng ký lịch khám, tư vấn sức khỏe từ xa. Tạo điều kiện cho đội ngũ cán bộ y tế tham "
            "gia các lớp tập huấn, nâng cao năng lực sử dụng phần mềm quản lý, báo cáo trực tuyến, thống kê "
            "y tế, đảm bảo minh bạch và kịp thời.",
        ],
    ),
    (
        "6",
        "Đẩy mạnh phát triển y tế tư nhân, huy động và sử dụng hiệu quả mọi nguồn lực cho phát triển y "
        "tế",
        [
            "Thực hiện đồng bộ, hiệu quả các giải pháp tại Nghị quyết số 68-NQ/TW ngày 04 tháng 5 năm 2025 "
            "của Bộ Chính trị, thúc đẩy mạnh mẽ sự tham gia của khu vực kinh tế tư nhân, huy động các nguồn "
            "lực xã hội trong công tác chăm sóc sức khỏe Nhân dân, nhất là đầu tư, phát triển cung ứng dịch "
            "vụ chăm sóc sức khỏe chất lượng cao, dịch vụ phòng bệnh, nghiên cứu khoa học, đào tạo nhân lực "
            "y tế, sản xuất thuốc, vắc-xin, thiết bị y tế.",
            "Khuyến khích, tạo điều kiện thuận lợi cho các hoạt động đầu tư của tư nhân về lĩnh vực y tế. "
            "Triển khai các mô hình hợp tác công tư trong lĩnh vực y tế, sản xuất thuốc, vắc xin, sinh "
            "phẩm, thiết bị y tế.",
            "Ưu tiên dành quỹ đất sạch, đất thu hồi của các dự án, cho phép chuyển đổi linh hoạt mục đích "
            "sử dụng đất sang đất dành cho y tế; tập trung giải phóng mặt bằng, giao đất sạch cho các dự án "
            "xây dựng, phát triển các cơ sở chăm sóc sức khỏe.",
            "Thực hiện không áp dụng thuế thu nhập doanh nghiệp đối với các cơ sở y tế công lập, tư nhân "
            "hoạt động không vì mục tiêu lợi nhuận.",
            "Ưu tiên dành trụ sở cơ quan nhà nước dôi dư sau sắp xếp cho các cơ sở y tế; cho phép áp dụng "
            "hình thức cho thuê công trình thuộc sở hữu nhà nước đối với cơ sở y tế tư nhân theo quy định",
            "Tăng cường kiểm tra, giám sát, không để trục lợi chính sách, sử dụng lãng phí, kém hiệu quả, "
            "thất thoát các nguồn lực, xử lý nghiêm các sai phạm.",
        ],
    ),
]

BAC_KAN_BODIES: list[tuple[int, str, list[str]]] = [
    (
        1,
        "Phòng Văn hoá - Xã hội",
        [
            "Tham mưu cho UBND phường xây dựng Kế hoạch triển thực hiện Nghị quyết số 72-NQ/TW ngày "
            "09/9/2025 của Bộ Chính trị về một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng "
            "cao sức khỏe Nhân dân.",
            "Phối hợp các cơ quan, đơn vị đẩy mạnh và đổi mới các hoạt động thông tin, truyền thông về một "
            "số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân. Thực hiện "
            "việc thông tin thường xuyên, tăng thời lượng phát sóng, số lượng tin, bài viết có chất lượng "
            "về công tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân trong các chương trình, chuyên mục.",
            "Phối hợp cơ quan Bảo hiểm xã hội triển khai chính sách bảo hiểm y tế toàn dân; phối hợp rà "
            "soát, lập danh sách đối tượng được ngân sách hỗ trợ mua thẻ bảo hiểm y tế.",
            "Hướng dẫn, kiểm tra, đôn đốc thực hiện Kế hoạch và định kỳ báo cáo theo quy định.",
        ],
    ),
    (
        2,
        "Trạm Y tế phường",
        [
            "Chủ động xây dựng kế hoạch hành động cụ thể, bám sát các mục tiêu, nhiệm vụ về bảo vệ, chăm "
            "sóc và nâng cao sức khỏe Nhân dân.",
            "Tập trung củng cố và nâng cao năng lực y tế cơ sở; duy trì hiệu quả các chương trình y tế, dân "
            "số, tiêm chủng mở rộng, phòng chống dịch bệnh, an toàn thực phẩm và quản lý bệnh không lây "
            "nhiễm.",
            "Đẩy mạnh truyền thông, giáo dục sức khỏe; thực hiện quản lý, chăm sóc sức khỏe theo vòng đời, "
            "từng bước triển khai hồ sơ sức khỏe điện tử và mô hình y học gia đình. Đồng thời, nâng cao ý "
            "thức, chất lượng khám chữa bệnh, kết hợp y học cổ truyền với y học hiện đại; tăng cường tham "
            "gia đào tạo, bồi dưỡng chuyên môn cho cán bộ y tế.",
        ],
    ),
    (
        3,
        "Đề nghị Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội",
        [
            "Lồng ghép việc thực hiện Kế hoạch thực hiện Chương trình hành động số 03-CTr/TU các phong trào "
            "thi đua, cuộc vận động của Ủy ban mặt trận tổ quốc và các tổ chức chính trị - xã hội; vận động "
            "đoàn viên, hội viên và Nhân dân thực hiện nếp sống văn minh, rèn luyện thân thể, bảo vệ sức "
            "khỏe, phòng chống tệ nạn xã hội. Phối hợp giám sát việc thực hiện các quy định về an toàn thực "
            "phẩm, bảo vệ môi trường, chăm sóc sức khỏe Nhân dân. Đề xuất biểu dương, nhân rộng gương tập "
            "thể, cá nhân điển hình trong phong trào xây dựng “Tổ dân phố sức khỏe”, “Gia đình sức khỏe”."
        ],
    ),
    (
        4,
        "Đề nghị Bảo hiểm xã hội cơ sở Bắc Kạn",
        [
            "Chủ trì, phối hợp với UBND phường xây dựng chỉ tiêu, kế hoạch, giải pháp, chính sách nhằm phát "
            "triển, tăng tỷ lệ bao phủ bảo hiểm y tế hàng năm theo lộ trình để sớm thực hiện bảo hiểm y tế "
            "toàn dân.",
            "Đẩy mạnh tuyên truyền, phổ biến pháp luật, chế độ chính sách của Nhà nước về bảo hiểm y tế, "
            "quản lý, sử dụng quỹ bảo hiểm y tế theo đúng quy định, bảo đảm quyền lợi của người tham gia "
            "bảo hiểm y tế.",
        ],
    ),
    (
        5,
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        [
            "Trên cơ sở đề xuất nhu cầu kinh phí liên quan đến ngành Y tế, căn cứ khả năng cân đối ngân "
            "sách nghiên cứu, tổng hợp báo cáo cấp có thẩm quyền xem xét, quyết định cân đối bố trí kinh "
            "phí thực hiện các nội dung Kế hoạch đảm bảo theo quy định của Pháp luật.",
            "Tham gia kiểm tra công tác bảo đảm an toàn thực phẩm trong sản xuất, kinh doanh nông sản, thực "
            "phẩm trên địa bàn phường.",
            "Phối hợp tuyên truyền, vận động người dân cải thiện nhà ở, công trình vệ sinh, chuồng trại "
            "chăn nuôi hợp vệ sinh, góp phần phòng bệnh từ môi trường.",
        ],
    ),
    (
        6,
        "Trung tâm Dịch vụ tổng hợp phường",
        [
            "Đẩy mạnh và đổi mới các hoạt động thông tin, truyền thông về một số giải pháp đột phá, tăng "
            "cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân.",
            "Tổ chức thực hiện việc thông tin thường xuyên, tăng thời lượng phát sóng, số lượng tin, bài "
            "viết có chất lượng về công tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân trong các chương "
            "trình, chuyên mục.",
        ],
    ),
    (
        7,
        "Các cơ sở giáo dục trên địa bàn phường",
        [
            "Tổ chức quán triệt Nghị quyết 72-NQ/TW của Bộ Chính trị về một số giải pháp đột phá, tăng "
            "cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân và Kế hoạch này đến toàn thể cán bộ, giáo "
            "viên, nhân viên và học sinh.",
            "Phối hợp chặt chẽ với Trạm Y tế phường trong công tác y tế trường học, phòng chống dịch bệnh, "
            "tiêm chủng và quản lý sức khỏe học sinh; khám sức khỏe định kỳ cho học sinh theo quy định; "
            "theo dõi, quản lý hồ sơ sức khỏe học sinh, ứng dụng công nghệ thông tin trong quản lý hồ sơ "
            "sức khỏe học sinh, theo dõi tiêm chúng; xây dựng và triển khai các chương trình: Truyền thông "
            "giáo dục sức khỏe, chăm sóc sức khỏe và dinh dưỡng học đường.",
            "Xây dựng môi trường học đường an toàn, lành mạnh, thân thiện, không bạo lực, không thuốc lá, "
            "hạn chế đồ uống có đường, thực phẩm không bảo đảm an toàn; tăng cường giáo dục thể chất, hoạt "
            "động thể thao, rèn luyện thân thể cho học sinh; tuyên truyền phòng chống tác hại của thuốc lá, "
            "rượu bia, chất kích thích, bạo lực học đường; Lồng ghép giáo dục sức khỏe, dinh dưỡng hợp lý, "
            "phòng chống bệnh không lây nhiễm, phòng chống tai nạn thương tích, đuối nước, xâm hại trẻ em "
            "vào hoạt động giáo dục của nhà trường.",
            "Đối với đơn vị trường có tổ chức bếp ăn bán trú: Kiểm soát chặt chẽ nguồn thực phẩm tại bếp ăn "
            "bán trú; bảo đảm các quy định về vệ sinh an toàn thực phẩm.",
            "Phối hợp vận động 100% học sinh tham gia bảo hiểm y tế; đồng thời hướng dẫn phụ huynh sử dụng "
            "thẻ BHYT cho học sinh đúng quy định.",
        ],
    ),
    (
        8,
        "Các tổ dân phố",
        [
            "Căn cứ Kế hoạch của Ủy ban nhân dân phường, tuyên truyền sâu rộng đến người dân về một số giải "
            "pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân: Vận động người dân "
            "tham gia bảo hiểm y tế, khám sức khỏe định kỳ, thực hiện chế độ dinh dưỡng hợp lý và rèn luyện "
            "thể dục thể thao; tuyên truyền phòng, chống tác hại của thuốc lá, rượu bia, ma túy; phòng "
            "chống tai nạn thương tích, đuối nước cho trẻ em; phối hợp tuyên truyền cho các hộ sản xuất, "
            "kinh doanh thực phẩm nhỏ lẻ chấp hành quy định về an toàn thực phẩm; vận động Nhân dân thực "
            "hiện thu gom, xử lý rác thải đúng quy định; giữ gìn vệ sinh khu dân cư,...",
            "Trên đây là Kế hoạch triển khai thực hiện Nghị quyết số 282/NQ-CP ngày 15/9/2025 của Chính phủ "
            "và Chương trình hành động số 03-CTr/TU ngày 20/10/2025 của Tỉnh ủy Thái Nguyên thực hiện Nghị "
            "quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị về một số giải pháp đột phá, tăng cường bảo "
            "vệ, chăm sóc và nâng cao sức khỏe Nhân dân, đề nghị các cơ quan, đơn vị, đoàn thể, các tổ chức "
            "chính trị - xã hội, các tổ dân phố nghiêm túc triển khai, thực hiện./.",
        ],
    ),
]
