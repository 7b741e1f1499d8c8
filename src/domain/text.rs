//! Folding Vietnamese text for search: "Sở Khoa học Lạng Sơn" and "so khoa hoc lang son" meet.

use unicode_normalization::UnicodeNormalization;

/// Lower case, diacritics removed (đ becomes d), runs of anything but letters and digits
/// collapsed to one space. Used both for what is stored and for what is searched.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.nfd() {
        let c = match c {
            'đ' | 'Đ' => 'd',
            // Combining marks are what NFD splits the tones and hats into.
            '\u{0300}'..='\u{036f}' => continue,
            _ => c,
        };
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a search query, folded; each must appear in a match.
pub fn search_terms(q: &str) -> Vec<String> {
    fold(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_string)
        .collect()
}

/// A LIKE pattern that matches `term` anywhere; `\` escapes the wildcards a term may hold.
pub fn like_pattern(term: &str) -> String {
    let mut p = String::from("%");
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(
            fold("Sở Khoa học và Công nghệ tỉnh Lạng Sơn"),
            "so khoa hoc va cong nghe tinh lang son"
        );
        assert_eq!(fold("ĐẮK LẮK"), "dak lak");
        assert_eq!(fold("  Bà Rịa - Vũng Tàu  "), "ba ria vung tau");
        assert_eq!(fold("KH&CN"), "kh cn");
        assert_eq!(fold("Thủ tướng"), fold("THU TUONG"));
    }

    #[test]
    fn terms_and_patterns() {
        assert_eq!(search_terms("Sở  Lạng-Sơn"), vec!["so", "lang", "son"]);
        assert!(search_terms("  ").is_empty());
        assert_eq!(like_pattern("a%b_c"), "%a\\%b\\_c%");
    }
}
