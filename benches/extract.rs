//! Extraction speed: a 30-page conclusion notice (about 85,000 characters, 160 numbered items
//! in four sections, of which the first `MAX_ITEMS` are drafted) and a 30-page news report in
//! running prose must each be drafted in under 10 ms. Run with `cargo bench --bench extract`.

use chidao::domain::calendar::Calendar;
use chidao::extract::{extract, units::Directory, MAX_ITEMS};
use criterion::{criterion_group, criterion_main, Criterion};

const UNITS: &[&str] = &[
    "Cục Sở hữu trí tuệ",
    "Vụ Pháp chế",
    "Sở KH&CN tỉnh Lạng Sơn",
    "Cục Kế hoạch - Tài chính",
    "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia",
    "Sở Khoa học và Công nghệ tỉnh Bến Tre",
];

/// A long notice written the way long notices are: sections, numbered items, sub-items.
pub fn thirty_pages() -> String {
    let mut s = String::from("BỘ KHOA HỌC VÀ CÔNG NGHỆ\nSố: 999/TB-BKHCN\nHà Nội, ngày 12 tháng 6 năm 2025\n\nTHÔNG BÁO\nKết luận của Bộ trưởng tại Hội nghị tổng kết\n\n");
    s.push_str(&"Các đại biểu đã thảo luận về kết quả thực hiện nhiệm vụ, trong đó đã hoàn thành 85% chỉ tiêu của năm. ".repeat(40));
    s.push_str("\nBộ trưởng kết luận như sau:\n");
    for section in 0..4 {
        s.push_str(&format!(
            "{}. NHÓM NHIỆM VỤ {}\n",
            ["I", "II", "III", "IV"][section],
            section + 1
        ));
        for i in 1..=40 {
            let lead = UNITS[(section * 40 + i) % UNITS.len()];
            let coord = UNITS[(section * 40 + i + 1) % UNITS.len()];
            s.push_str(&format!(
                "{i}. Giao {lead} chủ trì, phối hợp với {coord} rà soát, hoàn thiện cơ chế, chính sách về đầu tư, tài chính cho khoa học, công nghệ và đổi mới sáng tạo; tổng hợp ý kiến của các địa phương, doanh nghiệp và các tổ chức khoa học và công nghệ; xây dựng dự thảo báo cáo đánh giá tác động, lấy ý kiến rộng rãi và hoàn thiện hồ sơ, trình Bộ trưởng trước ngày {}/{}/2025. Trong quá trình thực hiện, nếu có vướng mắc, kịp thời báo cáo Bộ trưởng để chỉ đạo giải quyết.\n",
                1 + i % 28,
                1 + (i + section) % 12
            ));
        }
    }
    s.push_str("\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n");
    s
}

/// A long news report: speeches that report results and requests, then a conclusion in
/// prose whose tasks sit in clauses, subjects and generic names among sentences of praise.
pub fn thirty_pages_of_prose() -> String {
    let mut s = String::from("Hội nghị tổng kết công tác khoa học và công nghệ tỉnh Lạng Sơn\n\n");
    let speech = "Báo cáo tại Hội nghị, Giám đốc Sở cho biết năm qua Sở đã triển khai 42 nhiệm vụ khoa học và công nghệ, hoàn thành 100% chỉ tiêu được giao. Sở Khoa học và Công nghệ tỉnh Lạng Sơn kiến nghị Bộ hỗ trợ kinh phí xây dựng phòng thí nghiệm. ";
    s.push_str(&speech.repeat(100));
    s.push_str("\n\nPhát biểu kết luận Hội nghị, Thứ trưởng đánh giá cao kết quả của tỉnh. ");
    for i in 0..100 {
        let unit = UNITS[i % UNITS.len()];
        s.push_str(&format!(
            "Đối với {unit}, cần khẩn trương hoàn thiện cơ chế, chính sách về đổi mới sáng tạo trước ngày {}/{}/2026; tiếp tục hướng dẫn các doanh nghiệp trên địa bàn tỉnh ứng dụng công nghệ, báo cáo kết quả hằng quý. Thứ trưởng đề nghị Sở phối hợp với Trung tâm Ứng dụng tiến bộ khoa học và công nghệ nhân rộng các mô hình hiệu quả. Các đại biểu nhất trí cao với ý kiến chỉ đạo.\n",
            1 + i % 28,
            1 + i % 12
        ));
    }
    s
}

fn bench(c: &mut Criterion) {
    let text = thirty_pages();
    let directory = Directory::builtin();
    let calendar = Calendar::shipped();
    let draft = extract(&text, None, &directory, &calendar);
    assert_eq!(draft.items.len(), MAX_ITEMS);
    eprintln!(
        "notice: {} characters, {} items",
        text.chars().count(),
        draft.items.len()
    );
    c.bench_function("extract a 30-page notice", |b| {
        b.iter(|| extract(std::hint::black_box(&text), None, &directory, &calendar))
    });
    let prose = thirty_pages_of_prose();
    let draft = extract(&prose, None, &directory, &calendar);
    assert_eq!(draft.items.len(), MAX_ITEMS, "{:#?}", &draft.items[..3]);
    eprintln!(
        "news report: {} characters, {} items",
        prose.chars().count(),
        draft.items.len()
    );
    c.bench_function("extract a 30-page news report", |b| {
        b.iter(|| extract(std::hint::black_box(&prose), None, &directory, &calendar))
    });
    c.bench_function("build the unit directory matcher", |b| {
        b.iter(Directory::builtin)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
