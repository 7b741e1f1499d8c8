//! Finding the concluding part of a text and splitting it into items, however they are
//! numbered: "1.", "2.1.", "II.", "a)", "-", "+", "Thứ nhất, ... Thứ hai, ...", "gồm: A; B; C",
//! and sub-items under an item that names the unit ("5. Các Sở KH&CN: a) ...; b) ...").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::extract::folded::Folded;

#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    pub label: String,
    pub text: String,
    pub source: Range<usize>,
    /// Text above the item that may name its unit (a parent item or an introducing sentence).
    pub inherited: Option<String>,
}

struct Patterns {
    starts: Vec<Regex>,
    end: Regex,
    marker: Regex,
    ordinal: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let re = |s: &str| Regex::new(s).expect("valid pattern");
        Patterns {
            // In order of strength: the first kind found wins.
            starts: vec![
                // A sentence about concluding, assigning or asking that closes the lead-in:
                // "kết luận và giao nhiệm vụ cụ thể như sau:", "kết luận, giao nhiệm vụ như
                // sau:", "có ý kiến như sau:", "kết luận các nội dung sau:", "… như sau" and a
                // line break.
                re(r"(?:ket luan|giao nhiem vu|chi dao|yeu cau|co y kien|thong nhat)(?:\s*(?:,|va)\s*(?:ket luan|giao nhiem vu|chi dao|yeu cau|de nghi|thong nhat))*(?:\s+(?:cac|mot so|nhung))?(?:\s+(?:noi dung|nhiem vu|van de|y kien|viec))?(?:\s+cu the)?(?:\s+nhu\s+sau\s*(?::|\n)|\s+sau\s*:|\s*:)"),
                re(r"de nghi[^.:;]{0,300}?(?:nhiem vu|noi dung|giai phap|viec)[^.:;]{0,120}?sau\s*:"),
                re(r"giao nhiem vu cho[^.:;]{0,300}?gom\s*:"),
                re(r"(?:phat bieu\s+)?ket luan\s+(?:tai\s+)?(?:hoi nghi|hoi thao|cuoc hop|buoi lam viec)|ket luan hoi thao"),
            ],
            end: re(r"(?m)^\s*noi nhan|tren day la (?:ket luan|y kien)|van phong bo (?:xin )?thong bao|^\s*(?:tl|kt|tm|q)\.\s|\./\."),
            marker: re(r"^\s*(?:(\d{1,2}(?:\.\d{1,2})*)\s*[.)]|([ivxlc]{1,6})\s*[.)]|([a-zđ])\s*\)|([-–+•*]))\s+"),
            // "thứ nhất, …", "một là, …", and inline "(1) … (2) …".
            ordinal: re(r"\bthu\s+(nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\s*[,:]|\b(mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s+la\s*[,:]|\((\d{1,2})\)\s"),
        }
    })
}

const ORDINALS: [&str; 10] = [
    "nhat", "hai", "ba", "tu", "nam", "sau", "bay", "tam", "chin", "muoi",
];
/// "một là", "hai là", …: the same places, counted.
const COUNTED: [&str; 10] = [
    "mot", "hai", "ba", "bon", "nam", "sau", "bay", "tam", "chin", "muoi",
];

/// Where the conclusion starts (after its marker) and ends, and the introducing sentence.
fn conclusion(f: &Folded) -> Option<(usize, usize, String)> {
    let p = patterns();
    let (marker_start, start) = p
        .starts
        .iter()
        .find_map(|re| re.find(&f.text).map(|m| (m.start(), m.end())))?;
    let end = p
        .end
        .find_at(&f.text, start)
        .map(|m| m.start())
        .unwrap_or(f.text.len());
    // The sentence that introduces the items, from its start to the marker's end.
    let sentence_start = f.text[..marker_start]
        .rfind(['.', '\n'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let intro = f.original(sentence_start..start).trim().to_string();
    Some((start, end.max(start), intro))
}

struct Line {
    range: Range<usize>,
    label: Option<(String, Kind)>,
    body_start: usize,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    Number,
    Roman,
    Letter,
    /// "-", "+", "•": each symbol a level of its own.
    Bullet(char),
}

/// Whether a line labelled `child` sits under a heading labelled `parent`. Bullet symbols rank
/// in the order the text first uses them ("-" then "+": "+" lines sit under "-" lines).
fn is_child(parent: &(String, Kind), child: &(String, Kind), bullets: &[char]) -> bool {
    let rank = |c: char| bullets.iter().position(|b| *b == c);
    match (parent.1, child.1) {
        (Kind::Number, Kind::Number) => child.0.starts_with(&format!("{}.", parent.0)),
        (Kind::Number, Kind::Letter | Kind::Bullet(_)) | (Kind::Letter, Kind::Bullet(_)) => true,
        (Kind::Bullet(a), Kind::Bullet(b)) => rank(b) > rank(a),
        (Kind::Roman, Kind::Number | Kind::Letter | Kind::Bullet(_)) => true,
        _ => false,
    }
}

fn lines(f: &Folded, range: Range<usize>) -> Vec<Line> {
    let p = patterns();
    let mut out = Vec::new();
    let mut at = range.start;
    for raw in f.text[range.clone()].split_inclusive('\n') {
        let r = at..at + raw.len();
        at += raw.len();
        let label = p.marker.captures(raw).map(|c| {
            let whole = c.get(0).expect("match").end();
            let (text, kind) = if let Some(n) = c.get(1) {
                (n.as_str().to_string(), Kind::Number)
            } else if let Some(n) = c.get(2) {
                // "II." is a section; "c)" is a letter item, so roman numerals must be capitals.
                let original = f.original(r.start + n.start()..r.start + n.end());
                if original.chars().all(|ch| ch.is_uppercase()) {
                    (n.as_str().to_uppercase(), Kind::Roman)
                } else if n.as_str().len() == 1 {
                    (n.as_str().to_string(), Kind::Letter)
                } else {
                    (n.as_str().to_string(), Kind::Roman)
                }
            } else if let Some(n) = c.get(3) {
                (n.as_str().to_string(), Kind::Letter)
            } else {
                let symbol = c
                    .get(4)
                    .and_then(|m| m.as_str().chars().next())
                    .unwrap_or('-');
                (String::new(), Kind::Bullet(symbol))
            };
            ((text, kind), r.start + whole)
        });
        match label {
            Some((l, body)) => out.push(Line {
                range: r,
                label: Some(l),
                body_start: body,
            }),
            None => out.push(Line {
                body_start: r.start,
                range: r,
                label: None,
            }),
        }
    }
    out
}

/// Splits a text at "Thứ nhất, ... Thứ hai, ..." markers; None when it has fewer than two.
fn by_ordinals(f: &Folded, range: Range<usize>) -> Option<Vec<(String, Range<usize>)>> {
    let p = patterns();
    let found: Vec<(usize, String)> = p
        .ordinal
        .captures_iter(&f.text[range.clone()])
        .map(|c| {
            let n = match (c.get(1), c.get(2), c.get(3)) {
                (Some(o), _, _) => ORDINALS.iter().position(|x| *x == o.as_str()).unwrap_or(0) + 1,
                (_, Some(o), _) => COUNTED.iter().position(|x| *x == o.as_str()).unwrap_or(0) + 1,
                (_, _, Some(d)) => d.as_str().parse().unwrap_or(0),
                _ => 0,
            };
            (
                range.start + c.get(0).expect("match").start(),
                n.to_string(),
            )
        })
        .collect();
    // A run that counts from one: "(2)" alone, or "hai là" in passing, is no enumeration.
    let counts = found
        .iter()
        .enumerate()
        .all(|(i, (_, n))| *n == (i + 1).to_string());
    if found.len() < 2 || !counts {
        return None;
    }
    Some(
        found
            .iter()
            .enumerate()
            .map(|(i, (at, label))| {
                let end = found.get(i + 1).map(|n| n.0).unwrap_or(range.end);
                (label.clone(), *at..end)
            })
            .collect(),
    )
}

/// Splits "gồm: A; B; C" (or a run of clauses joined by ";") into its parts.
fn by_semicolons(f: &Folded, range: Range<usize>) -> Option<Vec<(String, Range<usize>)>> {
    let text = &f.text[range.clone()];
    let parts: Vec<Range<usize>> = {
        let mut v = Vec::new();
        let mut at = 0;
        for piece in text.split_inclusive(';') {
            v.push(range.start + at..range.start + at + piece.len());
            at += piece.len();
        }
        v
    };
    let parts: Vec<Range<usize>> = parts
        .into_iter()
        .filter(|r| f.text[r.clone()].trim().len() > 15)
        .collect();
    if parts.len() < 2 {
        return None;
    }
    Some(
        parts
            .into_iter()
            .enumerate()
            .map(|(i, r)| ((i + 1).to_string(), r))
            .collect(),
    )
}

/// Where an item's task starts in `range`: past leftover punctuation and the speaker
/// (", Thứ trưởng Nguyễn Văn A đề nghị …" starts at "đề nghị").
fn task_start(f: &Folded, range: Range<usize>) -> usize {
    static SPEAKER: OnceLock<Regex> = OnceLock::new();
    let speaker = SPEAKER.get_or_init(|| {
        Regex::new(r"^(?:thu truong|bo truong|lanh dao bo|pho thu tuong|thu tuong)(?:\s+[^\s,.;:]+){0,4}?\s+(?:de nghi|yeu cau|giao|chi dao)\b")
            .expect("valid pattern")
    });
    let text = &f.text[range.clone()];
    let lead = text.len()
        - text
            .trim_start_matches([',', ';', ':', '.', ' ', '\t', '\n'])
            .len();
    let rest = &text[lead..];
    // Up to the verb, which stays: the task reads "đề nghị …".
    let speaker_len = speaker.find(rest).map_or(0, |m| {
        ["de nghi", "yeu cau", "giao", "chi dao"]
            .iter()
            .filter_map(|v| m.as_str().rfind(v))
            .max()
            .unwrap_or(0)
    });
    range.start + lead + speaker_len
}

fn item(f: &Folded, label: String, range: Range<usize>, inherited: Option<String>) -> RawItem {
    let range = task_start(f, range.clone())..range.end;
    let text = f.original(range.clone());
    let trimmed = text.trim().trim_end_matches([';']).trim().to_string();
    RawItem {
        label,
        text: trimmed,
        source: f.original_range(range),
        inherited,
    }
}

/// The words that make a sentence a task: someone is given, asked or put in charge of work.
const DUTY: [&str; 12] = [
    "giao",
    "de nghi",
    "yeu cau",
    "chu tri",
    "phoi hop",
    "bao cao",
    "trien khai",
    "thuc hien",
    "tham muu",
    "hoan thanh",
    "xay dung",
    "ra soat",
];

/// The text's sentences that speak of a duty (see `DUTY`), as items to propose when the text
/// has no concluding part and no numbered items: a person checks each one.
pub fn duty_sentences(text: &str) -> Vec<RawItem> {
    let f = Folded::new(text);
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = f.text.as_bytes();
    for (i, c) in f.text.char_indices() {
        // A sentence ends at . ; ! ? or a line break, not inside "30.6" or "57-NQ/TW".
        let ends = match c {
            '\n' => true,
            '.' | ';' | '!' | '?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            _ => false,
        };
        if ends || i + c.len_utf8() == f.text.len() {
            let end = i + c.len_utf8();
            let sentence = &f.text[start..end];
            if sentence.trim().len() > 15 && DUTY.iter().any(|w| sentence.contains(w)) {
                let label = (out.len() + 1).to_string();
                out.push(item(&f, label, start..end, None));
            }
            start = end;
        }
    }
    out
}

/// The items of a text's concluding part.
pub fn items(text: &str) -> Vec<RawItem> {
    let f = Folded::new(text);
    let (start, end, intro) = match conclusion(&f) {
        Some((start, end, intro)) => (start, end, Some(intro)),
        None => {
            // No lead-in: the text's numbered or bulleted lines, if it has some, are the
            // draft (up to "Nơi nhận" and the signature).
            let end = patterns()
                .end
                .find(&f.text)
                .map(|m| m.start())
                .unwrap_or(f.text.len());
            // Numbered lines that read as tasks: at least two, one with a word of duty (a
            // recipe's steps are no draft).
            let marked: Vec<Line> = lines(&f, 0..end)
                .into_iter()
                .filter(|l| l.label.is_some())
                .collect();
            let dutiful = marked
                .iter()
                .any(|l| DUTY.iter().any(|w| f.text[l.range.clone()].contains(w)));
            if marked.len() < 2 || !dutiful {
                return Vec::new();
            }
            (0, end, None)
        }
    };
    let all = lines(&f, start..end);
    let numbered = all.iter().filter(|l| l.label.is_some()).count();
    let mut out = Vec::new();
    if numbered >= 1 {
        // One item per marked line, with the unmarked lines that follow it. A marked line with
        // marked lines under it ("2. Các Sở KH&CN:" then "a) ...") is a heading: its words name
        // the unit for the items under it.
        let mut parent: Option<((String, Kind), String)> = None;
        let mut bullets: Vec<char> = Vec::new();
        for l in &all {
            if let Some((_, Kind::Bullet(c))) = l.label {
                if !bullets.contains(&c) {
                    bullets.push(c);
                }
            }
        }
        let mut i = 0;
        while i < all.len() {
            let Some(this) = all[i].label.clone() else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < all.len()
                && all[j].label.is_none()
                && !f.text[all[j].range.clone()].trim().is_empty()
            {
                j += 1;
            }
            let body = all[i].body_start..all[j - 1].range.end;
            let body_text = f.text[body.clone()].trim().to_string();
            let next = all[j..].iter().find_map(|l| l.label.clone());
            let heads = next.as_ref().is_some_and(|n| is_child(&this, n, &bullets))
                && (body_text.ends_with(':') || body_text.len() < 120 || this.1 == Kind::Roman);
            if heads || this.1 == Kind::Roman {
                parent = (this.1 != Kind::Roman)
                    .then(|| (this.clone(), f.original(body.clone()).trim().to_string()));
                i = j;
                continue;
            }
            let under = parent.as_ref().filter(|p| is_child(&p.0, &this, &bullets));
            let label = match (under, this.1) {
                (Some(p), Kind::Letter) => format!("{}.{}", p.0 .0, this.0),
                (_, Kind::Bullet(_)) => (out.len() + 1).to_string(),
                _ => this.0.clone(),
            };
            let inherited = match under {
                Some(p) => Some(p.1.clone()),
                None => intro.clone(),
            };
            if under.is_none() {
                parent = None;
            }
            out.push(item(&f, label, body, inherited));
            i = j;
        }
    } else if let Some(parts) = by_ordinals(&f, start..end) {
        for (label, r) in parts {
            out.push(item(&f, label, r, intro.clone()));
        }
    } else if let Some(parts) = by_semicolons(&f, start..end) {
        for (label, r) in parts {
            out.push(item(&f, label, r, intro.clone()));
        }
    } else {
        // One paragraph: up to the end of its first sentence.
        let stop = f.text[start..end]
            .find(". ")
            .map(|i| start + i + 1)
            .unwrap_or(end);
        if f.text[start..stop].trim().len() > 15 {
            out.push(item(&f, "1".into(), start..stop, intro.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {

    /// Each lead-in people write before the items, and the numbered items alone when there is
    /// none.
    #[test]
    fn enumerations_inside_a_sentence() {
        for text in [
            "Thứ trưởng kết luận như sau: một là, Vụ Pháp chế rà soát văn bản; hai là, Cục Sở hữu trí tuệ hướng dẫn địa phương; ba là, Văn phòng Bộ theo dõi.",
            "Thứ trưởng kết luận như sau: (1) Vụ Pháp chế rà soát văn bản; (2) Cục Sở hữu trí tuệ hướng dẫn địa phương; (3) Văn phòng Bộ theo dõi.",
            "Thứ trưởng kết luận như sau: thứ nhất, Vụ Pháp chế rà soát văn bản; thứ hai, Cục Sở hữu trí tuệ hướng dẫn địa phương; thứ ba, Văn phòng Bộ theo dõi.",
        ] {
            let got = items(text);
            assert_eq!(got.len(), 3, "{text}: {got:?}");
            assert_eq!(
                got.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(),
                ["1", "2", "3"]
            );
            assert!(got[1].text.contains("Cục Sở hữu trí tuệ"), "{got:?}");
        }
    }

    #[test]
    fn an_item_starts_at_its_task() {
        let text = "Thứ trưởng kết luận như sau: , Thứ trưởng Lê Xuân Định đề nghị Vụ Pháp chế rà soát văn bản; Cục Sở hữu trí tuệ hướng dẫn địa phương.";
        let got = items(text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].text.starts_with("đề nghị Vụ Pháp chế"),
            "{}",
            got[0].text
        );
        assert!(
            got[1].text.starts_with("Cục Sở hữu trí tuệ"),
            "{}",
            got[1].text
        );
    }

    #[test]
    fn duty_sentences_in_prose() {
        let text = "Chiều 5/3, đoàn công tác làm việc với tỉnh. Sở KH&CN Lạng Sơn cần sớm hoàn thành kế hoạch 30.6 năm nay; đề nghị Cục Sở hữu trí tuệ hướng dẫn bảo hộ nhãn hiệu. Không khí buổi làm việc rất sôi nổi.";
        let got: Vec<String> = duty_sentences(text).into_iter().map(|s| s.text).collect();
        assert_eq!(
            got,
            [
                "Sở KH&CN Lạng Sơn cần sớm hoàn thành kế hoạch 30.6 năm nay",
                "đề nghị Cục Sở hữu trí tuệ hướng dẫn bảo hộ nhãn hiệu."
            ]
        );
    }

    #[test]
    fn lead_ins_as_ministries_write_them() {
        let body = "\n1. Giao Vụ Pháp chế rà soát văn bản.\n2. Giao Cục Sở hữu trí tuệ hướng dẫn địa phương.\n3. Giao Văn phòng Bộ theo dõi.\n\nNơi nhận:\n- Như trên;";
        for lead_in in [
            "Thứ trưởng kết luận và giao nhiệm vụ như sau:",
            "Thứ trưởng kết luận, giao nhiệm vụ như sau:",
            "Bộ trưởng giao nhiệm vụ như sau:",
            "Lãnh đạo Bộ có ý kiến như sau:",
            "Thứ trưởng kết luận các nội dung sau:",
            "Thứ trưởng kết luận và giao nhiệm vụ cụ thể như sau:",
            "Thứ trưởng kết luận như sau",
            "Sau khi nghe báo cáo, Thứ trưởng thống nhất:",
        ] {
            let text = format!(
                "THÔNG BÁO\nSố: 12/TB-BKHCN\nNội dung cuộc họp đã được trao đổi.\n{lead_in}{body}"
            );
            let got = items(&text);
            assert_eq!(got.len(), 3, "{lead_in}: {got:?}");
            assert_eq!(
                got[0].text, "Giao Vụ Pháp chế rà soát văn bản.",
                "{lead_in}"
            );
        }
        // No lead-in at all: the numbered lines are the draft.
        let got = items(&format!("THÔNG BÁO KẾT QUẢ CUỘC HỌP{body}"));
        assert_eq!(got.len(), 3, "{got:?}");
        // A single numbered line and no lead-in is no list.
        assert!(items("Ngày 1. Hội nghị diễn ra tốt đẹp.").is_empty());
    }
    use super::*;

    fn labels(text: &str) -> Vec<(String, String)> {
        items(text)
            .into_iter()
            .map(|i| (i.label, i.text.chars().take(12).collect()))
            .collect()
    }

    #[test]
    fn numbered_lettered_and_headings() {
        let text = "Bộ trưởng kết luận như sau:\n1. Giao Vụ Pháp chế rà soát.\n2. Các Sở KH&CN:\na) tham mưu ban hành kế hoạch;\nb) báo cáo kết quả.\n3. Giao Văn phòng Bộ theo dõi,\nđôn đốc.\n\nNơi nhận:\n- Như trên;";
        let got = labels(text);
        assert_eq!(
            got.iter().map(|g| g.0.as_str()).collect::<Vec<_>>(),
            vec!["1", "2.a", "2.b", "3"]
        );
        let all = items(text);
        assert_eq!(all[1].inherited.as_deref(), Some("Các Sở KH&CN:"));
        assert_eq!(all[3].text, "Giao Văn phòng Bộ theo dõi,\nđôn đốc.");
    }

    #[test]
    fn ordinals_and_lists() {
        let text = "Phó Chủ tịch đề nghị Sở Khoa học và Công nghệ tập trung thực hiện tốt một số nhiệm vụ trọng tâm sau:\nThứ nhất, tập trung triển khai các nội dung chỉ đạo.\nThứ hai, hoàn thành các chỉ tiêu của ngành.";
        let got = items(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].label, "2");
        assert!(got[0]
            .inherited
            .as_deref()
            .unwrap()
            .contains("Sở Khoa học và Công nghệ"));
        let list = "Bộ trưởng giao nhiệm vụ cho các đơn vị trực thuộc Bộ gồm: Cục A xây dựng cơ chế hỗ trợ; Cục B hướng dẫn các địa phương; Văn phòng Bộ tổng hợp báo cáo.";
        assert_eq!(items(list).len(), 3);
    }

    #[test]
    fn no_conclusion_no_items() {
        assert!(items("Cách làm phở bò: 1. Ninh xương 8 tiếng. 2. Thái thịt.").is_empty());
        assert!(items("").is_empty());
    }
}
