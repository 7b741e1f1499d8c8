//! Extraction speed: a 30-page conclusion notice (about 85,000 characters, 160 items in four
//! numbering styles) must be drafted in under 10 ms (measured: about 4 ms). Run with `cargo bench --bench extract`.

use chidao::domain::calendar::Calendar;
use chidao::extract::{extract, units::Directory};
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

fn bench(c: &mut Criterion) {
    let text = thirty_pages();
    let directory = Directory::builtin();
    let calendar = Calendar::shipped();
    let draft = extract(&text, None, &directory, &calendar);
    assert_eq!(draft.items.len(), 160);
    eprintln!(
        "notice: {} characters, {} items",
        text.chars().count(),
        draft.items.len()
    );
    c.bench_function("extract a 30-page notice", |b| {
        b.iter(|| extract(std::hint::black_box(&text), None, &directory, &calendar))
    });
    c.bench_function("build the unit directory matcher", |b| {
        b.iter(Directory::builtin)
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
