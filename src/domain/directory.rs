//! The unit directory that ships with the service, loaded on first start.
//!
//! Pure data: `models::unit::seed_directory_if_empty` stores it.
//!
//! Provinces as of 1 July 2025 (Resolution 202/2025/QH15: 34 provincial-level units), each with
//! the former provinces merged into it; the ministry's 25 units after its merger with the former
//! Ministry of Information and Communications (Decree 55/2025/NĐ-CP), with former names.

crate::words! {
    /// What kind of body a unit is; lists of units are ordered and grouped by it.
    pub enum UnitKind {
        Ministry = "ministry",
        Province = "province",
        /// A provincial people's committee: an outside body, but one the ministry addresses as a
        /// class of its own (and lists apart).
        PeoplesCommittee = "peoples_committee",
        External = "external",
    }
}

// In the order lists group units by.

#[derive(Debug, Clone)]
pub struct NewUnit {
    pub name: String,
    pub short_name: String,
    pub kind: UnitKind,
    pub emails: String,
}

impl NewUnit {
    pub fn new(name: &str, short: &str, kind: UnitKind, emails: &str) -> Self {
        NewUnit {
            name: name.trim().to_string(),
            short_name: short.trim().to_string(),
            kind,
            emails: emails.trim().to_string(),
        }
    }
}

/// (name without "tỉnh"/"thành phố", is a centrally-run city, former provinces merged into it)
pub const PROVINCES: &[(&str, bool, &[&str])] = &[
    ("Hà Nội", true, &[]),
    ("Huế", true, &["Thừa Thiên Huế"]),
    ("Hải Phòng", true, &["Hải Dương"]),
    ("Đà Nẵng", true, &["Quảng Nam"]),
    ("Hồ Chí Minh", true, &["Bình Dương", "Bà Rịa - Vũng Tàu"]),
    ("Cần Thơ", true, &["Sóc Trăng", "Hậu Giang"]),
    ("Lai Châu", false, &[]),
    ("Điện Biên", false, &[]),
    ("Sơn La", false, &[]),
    ("Lạng Sơn", false, &[]),
    ("Quảng Ninh", false, &[]),
    ("Thanh Hóa", false, &[]),
    ("Nghệ An", false, &[]),
    ("Hà Tĩnh", false, &[]),
    ("Cao Bằng", false, &[]),
    ("Tuyên Quang", false, &["Hà Giang"]),
    ("Lào Cai", false, &["Yên Bái"]),
    ("Thái Nguyên", false, &["Bắc Kạn"]),
    ("Phú Thọ", false, &["Vĩnh Phúc", "Hòa Bình"]),
    ("Bắc Ninh", false, &["Bắc Giang"]),
    ("Hưng Yên", false, &["Thái Bình"]),
    ("Ninh Bình", false, &["Hà Nam", "Nam Định"]),
    ("Quảng Trị", false, &["Quảng Bình"]),
    ("Quảng Ngãi", false, &["Kon Tum"]),
    ("Gia Lai", false, &["Bình Định"]),
    ("Khánh Hòa", false, &["Ninh Thuận"]),
    ("Lâm Đồng", false, &["Đắk Nông", "Bình Thuận"]),
    ("Đắk Lắk", false, &["Phú Yên"]),
    ("Đồng Nai", false, &["Bình Phước"]),
    ("Tây Ninh", false, &["Long An"]),
    ("Vĩnh Long", false, &["Bến Tre", "Trà Vinh"]),
    ("Đồng Tháp", false, &["Tiền Giang"]),
    ("Cà Mau", false, &["Bạc Liêu"]),
    ("An Giang", false, &["Kiên Giang"]),
];

/// (name, short name, former names)
pub const MINISTRY_UNITS: &[(&str, &str, &[&str])] = &[
    ("Vụ Bưu chính", "Vụ BC", &[]),
    (
        "Vụ Đánh giá và Thẩm định công nghệ",
        "Vụ ĐGTĐCN",
        &["Vụ Đánh giá, Thẩm định và Giám định công nghệ"],
    ),
    (
        "Vụ Khoa học kỹ thuật và công nghệ",
        "Vụ KHKT&CN",
        &["Vụ Khoa học và Công nghệ các ngành kinh tế - kỹ thuật"],
    ),
    (
        "Vụ Khoa học Xã hội, Nhân văn và Tự nhiên",
        "Vụ KHXHNV&TN",
        &["Vụ Khoa học Xã hội và Tự nhiên"],
    ),
    ("Vụ Kinh tế và Xã hội số", "Vụ KT&XHS", &[]),
    ("Vụ Hợp tác quốc tế", "Vụ HTQT", &[]),
    ("Vụ Pháp chế", "Vụ PC", &[]),
    ("Vụ Tổ chức cán bộ", "Vụ TCCB", &[]),
    ("Văn phòng Bộ", "VPB", &[]),
    ("Thanh tra Bộ", "TTra", &[]),
    (
        "Cục An toàn bức xạ và hạt nhân",
        "Cục ATBXHN",
        &["Cục Năng lượng nguyên tử"],
    ),
    ("Cục Bưu điện Trung ương", "Cục BĐTW", &[]),
    ("Cục Công nghiệp công nghệ thông tin", "Cục CNCNTT", &[]),
    ("Cục Chuyển đổi số quốc gia", "Cục CĐSQG", &[]),
    (
        "Cục Đổi mới sáng tạo",
        "Cục ĐMST",
        &["Cục Ứng dụng và Phát triển công nghệ"],
    ),
    (
        "Cục Khởi nghiệp và Doanh nghiệp công nghệ",
        "Cục KN&DNCN",
        &["Cục Phát triển thị trường và doanh nghiệp khoa học và công nghệ"],
    ),
    (
        "Cục Kế hoạch - Tài chính",
        "Cục KHTC",
        &["Vụ Kế hoạch - Tài chính"],
    ),
    ("Cục Sở hữu trí tuệ", "Cục SHTT", &[]),
    ("Cục Tần số vô tuyến điện", "Cục TSVTĐ", &[]),
    (
        "Cục Thông tin, Thống kê",
        "Cục TTTK",
        &["Cục Thông tin khoa học và công nghệ quốc gia"],
    ),
    ("Cục Viễn thông", "Cục VT", &[]),
    (
        "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia",
        "Ủy ban TĐC",
        &["Tổng cục Tiêu chuẩn Đo lường Chất lượng"],
    ),
    ("Trung tâm Công nghệ thông tin", "TTCNTT", &[]),
    ("Học viện Chiến lược Khoa học và Công nghệ", "HVCLKHCN", &[]),
    ("Báo VnExpress", "VnExpress", &[]),
];

/// Outside bodies that conclusions commonly address, besides the provincial people's committees.
pub const OUTSIDE_BODIES: &[(&str, &str, &[&str])] = &[
    ("Hiệp hội Doanh nghiệp nhỏ và vừa Việt Nam", "VINASME", &[]),
    (
        "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam",
        "VUSTA",
        &[],
    ),
    (
        "Liên đoàn Thương mại và Công nghiệp Việt Nam",
        "VCCI",
        &["Phòng Thương mại và Công nghiệp Việt Nam"],
    ),
];

pub const GROUP_PROVINCIAL: &str = "Các Sở Khoa học và Công nghệ";
pub const GROUP_MINISTRY: &str = "Các đơn vị thuộc Bộ";
pub const GROUP_PEOPLES_COMMITTEES: &str = "Ủy ban nhân dân các tỉnh, thành phố";

fn place(name: &str, city: bool) -> String {
    if city {
        format!("thành phố {name}")
    } else {
        format!("tỉnh {name}")
    }
}

/// The unit directory as rows to insert, with the groups each belongs to.
pub fn entries() -> Vec<(NewUnit, Vec<String>, &'static str)> {
    let mut out = Vec::new();
    for (name, city, former) in PROVINCES {
        let full = format!("Sở Khoa học và Công nghệ {}", place(name, *city));
        let mut aliases = vec![
            format!("Sở KH&CN {name}"),
            format!("Sở KH&CN {}", place(name, *city)),
        ];
        if *name == "Hồ Chí Minh" {
            aliases.push("Sở KH&CN TP.HCM".into());
            aliases.push("Sở Khoa học và Công nghệ TP Hồ Chí Minh".into());
        }
        for f in *former {
            aliases.push(format!("Sở Khoa học và Công nghệ tỉnh {f}"));
            aliases.push(format!("Sở KH&CN {f}"));
        }
        out.push((
            NewUnit::new(&full, &format!("Sở KH&CN {name}"), UnitKind::Province, ""),
            aliases,
            GROUP_PROVINCIAL,
        ));
        let committee = format!("Ủy ban nhân dân {}", place(name, *city));
        let mut aliases = vec![format!("UBND {}", place(name, *city))];
        for f in *former {
            aliases.push(format!("Ủy ban nhân dân tỉnh {f}"));
            aliases.push(format!("UBND tỉnh {f}"));
        }
        out.push((
            NewUnit::new(
                &committee,
                &format!("UBND {name}"),
                UnitKind::PeoplesCommittee,
                "",
            ),
            aliases,
            GROUP_PEOPLES_COMMITTEES,
        ));
    }
    for (name, short, former) in MINISTRY_UNITS {
        out.push((
            NewUnit::new(name, short, UnitKind::Ministry, ""),
            former.iter().map(|s| s.to_string()).collect(),
            GROUP_MINISTRY,
        ));
    }
    for (name, short, former) in OUTSIDE_BODIES {
        out.push((
            NewUnit::new(name, short, UnitKind::External, ""),
            former.iter().map(|s| s.to_string()).collect(),
            "",
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_four_provinces_from_sixty_three() {
        assert_eq!(PROVINCES.len(), 34);
        let cities = PROVINCES.iter().filter(|p| p.1).count();
        assert_eq!(cities, 6);
        // Huế's former name is a rename, not a merged province.
        let former: usize = PROVINCES
            .iter()
            .filter(|p| p.0 != "Huế")
            .map(|p| p.2.len())
            .sum();
        assert_eq!(PROVINCES.len() + former, 63);
        assert_eq!(MINISTRY_UNITS.len(), 25);
    }

    #[test]
    fn aliases_never_collide() {
        let mut seen = std::collections::HashSet::new();
        for (unit, aliases, _) in entries() {
            assert!(
                seen.insert(crate::domain::text::fold(&unit.name)),
                "{}",
                unit.name
            );
            for a in aliases {
                assert!(seen.insert(crate::domain::text::fold(&a)), "{a}");
            }
        }
    }
}
