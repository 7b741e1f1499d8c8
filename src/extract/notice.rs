//! The parts of a notice around its items: number ("Số: 1873/TB-BKHCN"), place and date ("Hà
//! Nội, ngày 12 tháng 6 năm 2020"), title (the lines under "THÔNG BÁO").

use std::sync::OnceLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::extract::folded::Folded;

#[derive(Debug, Default, PartialEq)]
pub struct Header {
    pub number: Option<String>,
    pub place: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub title: Option<String>,
}

struct Patterns {
    number: Regex,
    dated: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        number: Regex::new(r"(?m)^\s*so\s*:\s*([0-9][0-9a-z/\-.]*)").expect("valid"),
        dated: Regex::new(
            r"(?m)^\s*([^\n,]{2,40}),\s*ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})",
        )
        .expect("valid"),
    })
}

pub fn read_header(text: &str) -> Header {
    let f = Folded::new(text);
    let p = patterns();
    let mut h = Header::default();
    // Only the top of the text is the letterhead; a number further down is something cited.
    let top = f
        .text
        .char_indices()
        .nth(1500)
        .map(|(i, _)| i)
        .unwrap_or(f.text.len());
    if let Some(c) = p.number.captures(&f.text[..top]) {
        let m = c.get(1).expect("group");
        h.number = Some(f.original(m.range()).trim_end_matches('.').to_string());
    }
    if let Some(c) = p.dated.captures(&f.text[..top]) {
        h.place = Some(
            f.original(c.get(1).expect("group").range())
                .trim()
                .to_string(),
        );
        h.issued_on = NaiveDate::from_ymd_opt(
            c[4].parse().unwrap_or(0),
            c[3].parse().unwrap_or(0),
            c[2].parse().unwrap_or(0),
        );
    }
    // The title: the lines after "THÔNG BÁO" up to a blank line or the opening paragraph.
    let lines: Vec<&str> = text.lines().collect();
    if let Some(at) = lines
        .iter()
        .position(|l| Folded::new(l.trim()).text == "thong bao")
    {
        let title: Vec<&str> = lines[at + 1..]
            .iter()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| !l.trim().is_empty())
            .take(3)
            .map(|l| l.trim())
            .collect();
        if !title.is_empty() {
            h.title = Some(title.join(" "));
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterhead() {
        let text = "BỘ KHOA HỌC VÀ CÔNG NGHỆ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nSố: 1873/TB-BKHCN\nHà Nội, ngày 12 tháng 6 năm 2020\n\nTHÔNG BÁO\nKết luận của Bộ trưởng tại Hội nghị\ntrực tuyến\n\nNgày 05 tháng 6 năm 2020, ...";
        let h = read_header(text);
        assert_eq!(h.number.as_deref(), Some("1873/TB-BKHCN"));
        assert_eq!(h.place.as_deref(), Some("Hà Nội"));
        assert_eq!(h.issued_on, NaiveDate::from_ymd_opt(2020, 6, 12));
        assert_eq!(
            h.title.as_deref(),
            Some("Kết luận của Bộ trưởng tại Hội nghị trực tuyến")
        );
        assert_eq!(read_header("một đoạn văn bất kỳ"), Header::default());
    }
}
