//! Bodies a text names, known to the directory or not: "Sở Giáo dục và Đào tạo tỉnh Lạng
//! Sơn", "Trung tâm Ứng dụng tiến bộ khoa học và công nghệ", "Sở Tài chính".

use std::sync::OnceLock;

/// Words that follow a body's name as the sentence goes on, not as the name's last syllable.
#[rustfmt::skip]
const NOT_A_NAME: &[&str] = &[
    "và", "có", "đã", "sẽ", "cần", "phải", "là", "được", "tham", "chủ",
    "phối", "thực", "hướng", "báo", "rà", "tổ", "triển", "hoàn", "nghiên", "đề",
    "bố", "theo", "tiếp", "xây", "khẩn", "tập", "sớm", "kịp", "trình", "chỉ",
    "gửi", "thẩm", "kiểm", "quản", "xem", "giải", "đôn", "tổng", "lập", "cung",
    "bảo", "phát", "tăng", "đẩy", "nâng", "làm", "với", "cùng", "về", "của",
    "tại", "trong", "để", "các", "những", "nhằm", "thuộc", "trực", "tỉnh", "thành",
    "huyện", "xã", "quận", "phường", "cấp", "nghị", "số", "ngày", "năm", "tháng",
];

const ORG_WORDS: &[&str] = &[
    "Sở",
    "Cục",
    "Vụ",
    "Viện",
    "Trung tâm",
    "Tổng cục",
    "Chi cục",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "Hiệp hội",
    "Hội",
    "Ban",
    "Văn phòng",
    "Thanh tra",
    "Học viện",
    "Đại học",
    "Trường",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
];

/// Unit-like phrases, known to the directory or not: an organisation word followed by a name
/// in which capitalised words carry on ("Sở Giáo dục và Đào tạo tỉnh Lạng Sơn"); the phrase
/// ends at its last capitalised word, at punctuation, or after three lower-case words.
pub fn unit_like_phrases(text: &str) -> Vec<std::ops::Range<usize>> {
    let tokens: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
        .collect();
    let capital = |t: &str| t.chars().next().is_some_and(|c| c.is_uppercase());
    static ORGS: OnceLock<Vec<Vec<&'static str>>> = OnceLock::new();
    let orgs = ORGS.get_or_init(|| ORG_WORDS.iter().map(|w| w.split(' ').collect()).collect());
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let org_at = |i: usize| {
            orgs.iter()
                .filter(|w| {
                    tokens[i..]
                        .iter()
                        .map(|t| t.1)
                        .take(w.len())
                        .eq(w.iter().copied())
                })
                .map(|w| w.len())
                .max()
        };
        let org_len = org_at(i);
        let Some(org_len) = org_len else {
            i += 1;
            continue;
        };
        let start = tokens[i].0;
        let mut last_cap: Option<usize> = None;
        let mut lower_run = 0;
        let mut j = i + org_len;
        while j < tokens.len() {
            // Another body begins: "Sở Nội vụ và Sở Giáo dục …" names two.
            if j > i + org_len && org_at(j).is_some() {
                break;
            }
            let word = tokens[j].1.trim_end_matches([',', ';', '.', ':', ')']);
            let punct = word.len() != tokens[j].1.len();
            if capital(word) {
                last_cap = Some(j);
                lower_run = 0;
            } else {
                lower_run += 1;
                if lower_run >= 3 {
                    break;
                }
            }
            if punct {
                break;
            }
            j += 1;
        }
        match last_cap {
            Some(end) => {
                // A name's last word goes on in lower case ("Sở Tài chính", "Sở Nội vụ", "Sở
                // Giáo dục và Đào tạo") unless what follows is the sentence's verb; a place
                // ("tỉnh Lạng Sơn") is capitals throughout.
                let whole =
                    |t: &str| t.len() == t.trim_end_matches([',', ';', '.', ':', ')']).len();
                let lone = end == i + org_len || !capital(tokens[end - 1].1);
                let end = match tokens.get(end + 1) {
                    Some((_, next))
                        if lone
                            && whole(tokens[end].1)
                            && next.chars().next().is_some_and(char::is_lowercase)
                            && !NOT_A_NAME
                                .contains(&next.trim_end_matches([',', ';', '.', ':', ')'])) =>
                    {
                        end + 1
                    }
                    _ => end,
                };
                let (at, word) = tokens[end];
                let word = word.trim_end_matches([',', ';', '.', ':', ')']);
                out.push(start..at + word.len());
                i = end + 1;
            }
            None => i += org_len,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_units_are_seen() {
        let text = "Giao Sở Giáo dục và Đào tạo tỉnh Lạng Sơn phối hợp";
        let found: Vec<&str> = unit_like_phrases(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, vec!["Sở Giáo dục và Đào tạo tỉnh Lạng Sơn"]);
        // A name's last syllable in lower case is the name's; the verb after it is not.
        let text = "Giao Sở Tài chính tham mưu, phối hợp với Sở Nội vụ và Sở Giáo dục và Đào tạo xây dựng; Sở Y tế tỉnh Lạng Sơn tuyên truyền";
        let found: Vec<&str> = unit_like_phrases(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(
            found,
            [
                "Sở Tài chính",
                "Sở Nội vụ",
                "Sở Giáo dục và Đào tạo",
                "Sở Y tế tỉnh Lạng Sơn"
            ]
        );
    }
}
