//! Text folded one character for one character (lower case, no diacritics, đ as d), so that
//! patterns run on the folded text and what they find is cut from the original.

use unicode_normalization::UnicodeNormalization;

pub struct Folded<'a> {
    pub original: &'a str,
    pub text: String,
    /// For each character: its byte offset in the original and in the folded text.
    starts: Vec<(usize, usize)>,
}

fn fold_slow(c: char) -> char {
    match c {
        'đ' | 'Đ' => 'd',
        _ => {
            let base = c.nfd().next().unwrap_or(c);
            base.to_lowercase().next().unwrap_or(base)
        }
    }
}

/// Latin letters with their marks (U+00C0 to U+1EFF, where every Vietnamese letter lies) are
/// folded once into a table: decomposing each character of a long paste was most of the
/// extractor's time.
const TABLE: std::ops::Range<u32> = 0xC0..0x1F00;

fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    static FOLDED: std::sync::OnceLock<Vec<char>> = std::sync::OnceLock::new();
    let table = FOLDED.get_or_init(|| {
        TABLE
            .map(|u| char::from_u32(u).map_or('\u{FFFD}', fold_slow))
            .collect()
    });
    match (c as u32).checked_sub(TABLE.start) {
        Some(i) if (c as u32) < TABLE.end => table[i as usize],
        _ => fold_slow(c),
    }
}

impl<'a> Folded<'a> {
    pub fn new(original: &'a str) -> Folded<'a> {
        let mut text = String::with_capacity(original.len());
        let mut starts = Vec::with_capacity(original.len());
        for (i, c) in original.char_indices() {
            starts.push((i, text.len()));
            text.push(fold_char(c));
        }
        Folded {
            original,
            text,
            starts,
        }
    }

    fn original_offset(&self, folded: usize) -> usize {
        match self.starts.binary_search_by_key(&folded, |s| s.1) {
            Ok(i) => self.starts[i].0,
            Err(i) if i >= self.starts.len() => self.original.len(),
            Err(i) => self.starts[i].0,
        }
    }

    /// The folded offset of an original byte offset (a character boundary).
    pub fn folded_offset(&self, original: usize) -> usize {
        match self.starts.binary_search_by_key(&original, |s| s.0) {
            Ok(i) => self.starts[i].1,
            Err(i) if i >= self.starts.len() => self.text.len(),
            Err(i) => self.starts[i].1,
        }
    }

    /// The original text behind a byte range of the folded text.
    pub fn original(&self, range: std::ops::Range<usize>) -> &'a str {
        &self.original[self.original_offset(range.start)..self.original_offset(range.end)]
    }

    pub fn original_range(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        self.original_offset(range.start)..self.original_offset(range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_back() {
        let f = Folded::new("Giao Sở KH&CN tỉnh Lạng Sơn “trước ngày 15/8”");
        assert_eq!(f.text, "giao so kh&cn tinh lang son “truoc ngay 15/8”");
        let at = f.text.find("lang son").unwrap();
        assert_eq!(f.original(at..at + "lang son".len()), "Lạng Sơn");
        let at = f.text.find("truoc ngay 15/8").unwrap();
        assert_eq!(
            f.original(at..at + "truoc ngay 15/8".len()),
            "trước ngày 15/8"
        );
    }
}
