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

/// Vietnamese alphabetical order: letter by letter in the Vietnamese alphabet (a ă â b c d đ e
/// ê g h i … o ô ơ … u ư v x y; f j w z, which Vietnamese does not use, where Latin puts them),
/// digits before letters, a space or mark before anything else, case ignored; tones (none,
/// huyền, hỏi, ngã, sắc, nặng) only break ties, then the text itself.
pub fn vi_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    vi_sort_key(a).cmp(&vi_sort_key(b))
}

/// `vi_cmp`'s order as bytes compared as they are: the letters' places, then the tones, then
/// the text, the first two each ended by 0 with every value in them one higher, so that a name
/// which begins another comes first, as in the (letters, tones, text) it encodes.
pub type SortKey = std::sync::Arc<[u8]>;

/// How many names' keys are remembered; past it the memory starts again.
const REMEMBERED: usize = 20_000;

/// `vi_cmp`'s order as a key, for `sort_by_cached_key`. Remembered: the same few thousand
/// names (units, people) are put in order on page after page, and keying one is a Unicode
/// decomposition (a task page spent a tenth of its time keying a unit's forty people).
pub fn vi_sort_key(s: &str) -> SortKey {
    use std::sync::{Mutex, OnceLock, PoisonError};
    static KEYS: OnceLock<Mutex<std::collections::HashMap<Box<str>, SortKey>>> = OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    if let Some(k) = keys.lock().unwrap_or_else(PoisonError::into_inner).get(s) {
        return k.clone();
    }
    let k = encoded_key(s);
    let mut keys = keys.lock().unwrap_or_else(PoisonError::into_inner);
    if keys.len() >= REMEMBERED {
        keys.clear();
    }
    keys.insert(s.into(), k.clone());
    k
}

fn encoded_key(s: &str) -> SortKey {
    let (letters, tones) = vi_key(s);
    let mut out = Vec::with_capacity(letters.len() + tones.len() + s.len() + 2);
    for part in [letters, tones] {
        out.extend(part.iter().map(|v| v + 1));
        out.push(0);
    }
    out.extend_from_slice(s.as_bytes());
    out.into()
}

/// (letters as their places in the alphabet, their tones).
fn vi_key(s: &str) -> (Vec<u8>, Vec<u8>) {
    let (a, e, o, u) = (place('a'), place('e'), place('o'), place('u'));
    let (mut letters, mut tones) = (Vec::new(), Vec::new());
    for c in s.nfd().flat_map(char::to_lowercase) {
        let last = letters.last_mut();
        match (c, last) {
            // The marks that make a letter of its own: ă â ê ô ơ ư.
            ('\u{0306}', Some(l)) if Some(*l) == a => *l += 1,
            ('\u{0302}', Some(l)) if [a, e, o].contains(&Some(*l)) => {
                *l += if Some(*l) == a { 2 } else { 1 }
            }
            ('\u{031b}', Some(l)) if [o, u].contains(&Some(*l)) => {
                *l += if Some(*l) == o { 2 } else { 1 }
            }
            // Tones, in the dictionary's order.
            ('\u{0300}', _) => set_last(&mut tones, 1),
            ('\u{0309}', _) => set_last(&mut tones, 2),
            ('\u{0303}', _) => set_last(&mut tones, 3),
            ('\u{0301}', _) => set_last(&mut tones, 4),
            ('\u{0323}', _) => set_last(&mut tones, 5),
            ('\u{0300}'..='\u{036f}', _) => {}
            (c, _) => {
                let p = match c {
                    '0'..='9' => Some(c as u8 - b'0' + 1),
                    c => place(c),
                };
                match p {
                    Some(p) => {
                        letters.push(p);
                        tones.push(0);
                    }
                    // Spaces and marks: one separator, before every letter.
                    None if letters.last() != Some(&0) && !letters.is_empty() => {
                        letters.push(0);
                        tones.push(0);
                    }
                    None => {}
                }
            }
        }
    }
    (letters, tones)
}

/// A letter's place in the alphabet a ă â b c d đ e ê f g … o ô ơ p … u ư v w x y z, counted
/// from 11 (digits take 1–10, a separator 0). A table, not a search of the alphabet: every list
/// page keys the names of all units with it. After NFD only đ is a letter beyond ASCII; the
/// composed ă â ê ô ơ ư are kept for text that reaches here undecomposed.
fn place(c: char) -> Option<u8> {
    const ASCII: [u8; 26] = [
        0, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 23, 24, 25, 26, 28, 29, 30,
        31, 32,
    ];
    let p = match c {
        'a'..='z' => ASCII[c as usize - 'a' as usize],
        'ă' => 1,
        'â' => 2,
        'đ' => 6,
        'ê' => 8,
        'ô' => 19,
        'ơ' => 20,
        'ư' => 27,
        _ => return None,
    };
    Some(p + 11)
}

fn set_last(tones: &mut [u8], tone: u8) {
    if let Some(t) = tones.last_mut() {
        *t = tone;
    }
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
    fn place_table_follows_the_alphabet() {
        for (i, c) in "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz".chars().enumerate() {
            assert_eq!(place(c), Some(i as u8 + 11), "{c}");
        }
        assert_eq!(place('1'), None);
        assert_eq!(place('&'), None);
    }

    #[test]
    fn vietnamese_alphabetical_order() {
        let mut names = vec![
            "Điện Biên",
            "Huế",
            "Lâm Đồng",
            "Cao Bằng",
            "Hải Phòng",
            "Lào Cai",
            "Đắk Lắk",
            "Hà Nội",
            "Lạng Sơn",
            "Cà Mau",
            "An Giang",
            "Ủy ban",
            "Ninh Bình",
            "Bắc Ninh",
            "Ô Môn",
            "Ơn",
            "Ong",
            "Uông Bí",
            "Ưu",
            "Vĩnh Long",
            "Ea Kar",
            "Êa",
            "Gia Lai",
        ];
        names.sort_by(|a, b| vi_cmp(a, b));
        assert_eq!(
            names,
            vec![
                "An Giang",
                "Bắc Ninh",
                "Cà Mau",
                "Cao Bằng",
                "Đắk Lắk",
                "Điện Biên",
                "Ea Kar",
                "Êa",
                "Gia Lai",
                "Hà Nội",
                "Hải Phòng",
                "Huế",
                "Lạng Sơn",
                "Lào Cai",
                "Lâm Đồng",
                "Ninh Bình",
                "Ong",
                "Ô Môn",
                "Ơn",
                "Uông Bí",
                "Ủy ban",
                "Ưu",
                "Vĩnh Long",
            ]
        );
        // Tones break ties only, in the dictionary's order; case does not count.
        let mut tones = vec!["mạ", "má", "mã", "mả", "mà", "ma", "Ma"];
        tones.sort_by(|a, b| vi_cmp(a, b));
        assert_eq!(tones, vec!["Ma", "ma", "mà", "mả", "mã", "má", "mạ"]);
        assert_eq!(
            vi_cmp("Sở KH&CN Cà Mau", "Sở KH&CN Cao Bằng"),
            std::cmp::Ordering::Less
        );
        assert_eq!(
            vi_cmp("Cục 2", "Cục 10"),
            std::cmp::Ordering::Greater,
            "text, not numbers"
        );
    }

    /// The byte key keeps the order of what it encodes where one name begins another, and a
    /// remembered key is the one computed afresh.
    #[test]
    fn a_name_that_begins_another_comes_first() {
        let mut names = vec!["Hà Nội 2", "Hà", "Ha", "Hà Nội", "Hàn", "Hà Nam", "H"];
        names.sort_by_cached_key(|n| vi_sort_key(n));
        assert_eq!(
            names,
            vec!["H", "Ha", "Hà", "Hà Nam", "Hà Nội", "Hà Nội 2", "Hàn"]
        );
        assert_eq!(vi_sort_key("Lạng Sơn"), encoded_key("Lạng Sơn"));
        assert_eq!(vi_sort_key("Lạng Sơn"), vi_sort_key("Lạng Sơn"));
    }

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
