//! Finding the concluding part of a text and splitting it into items, however they are
//! numbered: "1.", "2.1.", "II.", "a)", "-", "+", "Thứ nhất, ... Thứ hai, ...", "gồm: A; B; C",
//! and sub-items under an item that names the unit ("5. Các Sở KH&CN: a) ...; b) ...").

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::extract::duty::DUTY;
use crate::extract::folded::Folded;

#[derive(Debug, Clone, PartialEq)]
pub struct RawItem {
    pub label: String,
    pub text: String,
    pub source: Range<usize>,
    /// Texts above the item that may name its unit, nearest first (a heading, a parent item,
    /// the sentence introducing an enumeration).
    pub inherited: Vec<String>,
    /// The lead-in sentence of the concluding part: it names a unit for the items only where
    /// it asks one ("đề nghị Sở … thực hiện các nhiệm vụ sau:"), not where one speaks ("Văn
    /// phòng Bộ thông báo …").
    pub intro: Option<String>,
    /// A clause of running prose: a task only if it names a unit and a duty (see `extract`).
    pub prose: bool,
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
                re(r"(?:ket luan|giao nhiem vu|chi dao|yeu cau|co y kien|thong nhat)(?:\s*(?:,|va)\s*(?:ket luan|giao nhiem vu|chi dao|yeu cau|de nghi|thong nhat))*(?:\s+(?:cac|mot so|nhung))?(?:\s+(?:noi dung|nhiem vu|van de|y kien|viec))?(?:\s+cu the)?(?:\s+cua\s+[^.:;\n]{1,80}?)?(?:\s+nhu\s+sau\s*(?::|\n)|\s+sau\s*:|\s*:)"),
                re(r"de nghi[^.:;]{0,300}?(?:nhiem vu|noi dung|giai phap|viec)[^.:;]{0,120}?sau\s*:"),
                re(r"giao nhiem vu cho[^.:;]{0,300}?gom\s*:"),
                re(r"(?:phat bieu\s+)?ket luan\s+(?:tai\s+)?(?:hoi nghi|hoi thao|cuoc hop|buoi lam viec)|ket luan hoi thao"),
            ],
            // "Nơi nhận", the closing formula, the signature; on a web page, what follows the
            // article ("Tin khác").
            end: re(r"(?m)^\s*noi nhan|tren day la (?:ket luan|y kien)|van phong bo (?:xin )?thong bao|^\s*(?:tl|kt|tm|q)\.\s|\./\.|^\s*(?:cac )?(?:tin khac|tin lien quan|bai viet lien quan|thong tin moi nhat)\s*$"),
            marker: re(r"^\s*(?:(\d{1,2}(?:\.\d{1,2})*)\s*[.)]|([ivxlc]{1,6})\s*[.)]|([a-zđ])\s*\)|([-–+•*]))\s+"),
            // "thứ nhất, …", "một là, …", and inline "(1) … (2) …", "a) … b) …".
            ordinal: re(r"\bthu\s+(nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)\s*[,:]|\b(mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s+la\s*[,:]|\((\d{1,2})\)\s|(?:^|[\s:;,])([a-n])\)\s"),
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
    /// An unmarked line over the items: "Đối với Cục A:", "Tổ chức thực hiện".
    Heading,
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
        (Kind::Heading, Kind::Number | Kind::Letter | Kind::Bullet(_)) => true,
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
/// Where an enumeration inside running text ("thứ nhất, …", "một là, …", "(1) …", "a) …")
/// puts its parts: (where the marker starts, where the part's text starts, label). Words
/// ("thứ nhất,") stay in the text; labels ("a)", "(1)") do not.
type Markers = Vec<(usize, usize, String)>;

/// The enumeration in `range` that counts from its first value ("thứ nhất, thứ hai", "a), b)"):
/// a lone "(2)" or a passing "hai là" is none. Of several kinds, the one that starts first.
fn run(f: &Folded, range: Range<usize>) -> Option<Markers> {
    // Folded letters: "đ)" reads "d)", and some write "a) … e)" without it.
    const LETTERS: [&str; 2] = ["abcddeghiklmn", "abcdefghiklmn"];
    let p = patterns();
    let mut kinds: [Markers; 4] = Default::default();
    for c in p.ordinal.captures_iter(&f.text[range.clone()]) {
        let at = |m: regex::Match| range.start + m.start();
        let whole = c.get(0).expect("match");
        let end = range.start + whole.end();
        let (kind, marker, body, label) = match (c.get(1), c.get(2), c.get(3), c.get(4)) {
            (Some(o), ..) => {
                let n = ORDINALS.iter().position(|x| *x == o.as_str()).unwrap_or(99);
                (0, at(whole), at(whole), (n + 1).to_string())
            }
            (_, Some(o), ..) => {
                let n = COUNTED.iter().position(|x| *x == o.as_str()).unwrap_or(99);
                (1, at(whole), at(whole), (n + 1).to_string())
            }
            (_, _, Some(d), _) => (2, at(whole), end, d.as_str().to_string()),
            (.., Some(l)) => {
                let place = at(l);
                let label = f.original(place..place + l.len()).to_string();
                (3, place, end, label)
            }
            _ => continue,
        };
        kinds[kind].push((marker, body, label));
    }
    // From the first "one", each next value in turn; any other marker is words in a part
    // ("lần thứ tư," in a speech before "Thứ nhất, …").
    let counted = |k: usize, found: Markers| -> Markers {
        let value = |m: &(usize, usize, String)| match k {
            3 => f.text[m.0..].chars().next().unwrap_or(' ').to_string(),
            _ => m.2.clone(),
        };
        let mut best: Markers = Vec::new();
        let sequences: Vec<Vec<String>> = match k {
            3 => LETTERS
                .iter()
                .map(|l| l.chars().map(String::from).collect())
                .collect(),
            _ => vec![(1..=99).map(|n: usize| n.to_string()).collect()],
        };
        for sequence in sequences {
            let mut taken: Markers = Vec::new();
            for m in &found {
                if sequence.get(taken.len()) == Some(&value(m)) {
                    taken.push(m.clone());
                }
            }
            if taken.len() > best.len() {
                best = taken;
            }
        }
        best
    };
    kinds
        .into_iter()
        .enumerate()
        .map(|(k, found)| counted(k, found))
        .filter(|found| found.len() >= 2)
        .min_by_key(|found| found[0].0)
}

/// The parts of a run of markers, the last one ending at `end`.
fn parts(markers: &Markers, end: usize) -> Vec<(String, Range<usize>)> {
    markers
        .iter()
        .enumerate()
        .map(|(i, (_, body, label))| {
            let stop = markers.get(i + 1).map(|n| n.0).unwrap_or(end);
            (label.clone(), *body..stop.max(*body))
        })
        .collect()
}

/// Where an item's task starts in `range`: past leftover punctuation, a joining word and the
/// speaker (", Thứ trưởng Nguyễn Văn A đề nghị …" starts at "đề nghị").
fn task_start(f: &Folded, range: Range<usize>) -> usize {
    static SPEAKER: OnceLock<Regex> = OnceLock::new();
    let speaker = SPEAKER.get_or_init(|| {
        Regex::new(r"^(?:thu truong|bo truong|lanh dao bo|pho thu tuong|thu tuong|pho chu tich|chu tich|dong chi)(?:\s+[^\s,.;:]+){0,5}?\s+(?:de nghi|yeu cau|giao|chi dao)\b")
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

fn item(f: &Folded, label: String, range: Range<usize>, inherited: Vec<String>) -> RawItem {
    let range = task_start(f, range.clone())..range.end;
    let text = f.original(range.clone());
    let trimmed = text.trim().trim_end_matches([';']).trim().to_string();
    RawItem {
        label,
        text: trimmed,
        source: f.original_range(range),
        inherited,
        intro: None,
        prose: false,
    }
}

/// The clauses of running text in `range`, ended by ". ", ";", "!", "?" or a line break, but
/// not inside "30.6" or "57-NQ/TW"; as prose items for `extract` to keep or drop.
fn clauses(f: &Folded, range: Range<usize>) -> Vec<RawItem> {
    let mut out = Vec::new();
    let mut start = range.start;
    let bytes = f.text.as_bytes();
    for (i, c) in f.text[range.clone()].char_indices() {
        let i = range.start + i;
        let ends = match c {
            '\n' => true,
            '.' | ';' | '!' | '?' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            _ => false,
        };
        if ends || i + c.len_utf8() == range.end {
            let end = i + c.len_utf8();
            if f.text[start..end].trim().len() > 15 {
                let mut it = item(f, String::new(), start..end, Vec::new());
                it.prose = true;
                out.push(it);
            }
            start = end;
        }
    }
    out
}

/// Every clause of a text with no concluding part and no numbered items, for `extract` to
/// propose those that name a unit and a duty.
pub fn all_clauses(text: &str) -> Vec<RawItem> {
    let f = Folded::new(text);
    clauses(&f, 0..f.text.len())
}

/// The parts of an enumeration in words, the last ending with its paragraph, named by the
/// sentence before the first part: (where the last part ends, the parts).
fn enumeration(f: &Folded, markers: &Markers, end: usize) -> (usize, Vec<RawItem>) {
    let first = markers[0].0;
    let last = markers[markers.len() - 1].1;
    let stop = f.text[last..end]
        .find('\n')
        .map(|i| last + i)
        .unwrap_or(end);
    let from = f.text[..first]
        .trim_end()
        .trim_end_matches(':')
        .rfind(['.', '\n'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let above = vec![f.original(from..first).trim().to_string()];
    let items = parts(markers, stop)
        .into_iter()
        .map(|(label, r)| item(f, label, r, above.clone()))
        .collect();
    (stop, items)
}

/// A concluding part in running prose. A list right after the lead-in's colon ("… gồm: Cục A
/// …; Cục B …; Văn phòng Bộ …") gives one item per part; an enumeration ("Thứ nhất, …", "một
/// là, …") one per part; everything else is clauses, kept by `extract` if they are tasks.
fn prose(f: &Folded, range: Range<usize>) -> Vec<RawItem> {
    let mut out = Vec::new();
    let mut range = range;
    if f.text[..range.start].trim_end().ends_with(':') {
        let sentence_end = f.text[range.clone()]
            .find(['\n'])
            .map(|i| range.start + i)
            .unwrap_or(range.end);
        let sentence_end = f.text[range.start..sentence_end]
            .find(". ")
            .map(|i| range.start + i + 1)
            .unwrap_or(sentence_end);
        let list: Vec<RawItem> = clauses(f, range.start..sentence_end);
        if list.len() >= 2 && run(f, range.start..sentence_end).is_none() {
            out.extend(list.into_iter().map(|c| RawItem { prose: false, ..c }));
            range = sentence_end..range.end;
        }
    }
    let Some(markers) = run(f, range.clone()) else {
        out.extend(clauses(f, range));
        return out;
    };
    // Before the enumeration: clauses, the last of which introduces it ("Bộ trưởng đề nghị
    // các Sở … tập trung vào ba nhiệm vụ:") and names the unit for its parts.
    let mut before = clauses(f, range.start..markers[0].0);
    before.pop();
    out.extend(before);
    let (stop, parts) = enumeration(f, &markers, range.end);
    out.extend(parts);
    out.extend(clauses(f, stop..range.end));
    out
}

/// Whether an unmarked line is a heading between items: "Đối với các Sở Khoa học và Công
/// nghệ:", "Tổ chức thực hiện", "Về cơ chế, chính sách". It starts with a capital after a line
/// that ended a sentence, and ends with ":" or is a few words with no closing punctuation.
fn is_heading(f: &Folded, all: &[Line], j: usize) -> bool {
    let text = f.original(all[j].range.clone()).trim();
    let previous = all[..j]
        .iter()
        .rev()
        .map(|l| f.original(l.range.clone()).trim())
        .find(|t| !t.is_empty());
    let after_sentence = previous.is_none_or(|p| p.ends_with(['.', ';', ':']) || is_title(p));
    let capital = text.chars().next().is_some_and(char::is_uppercase);
    after_sentence
        && capital
        && all[j].label.is_none()
        && (text.ends_with(':') && text.len() < 200 || is_title(text))
}

/// A few words with no closing punctuation: a title, not a sentence.
fn is_title(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.split_whitespace().count() <= 10
        && !text.ends_with(['.', ',', ';', ':'])
        && text.chars().next().is_some_and(char::is_uppercase)
}

/// One item per marked line, with the unmarked lines that follow it. A marked line with marked
/// lines under it ("2. Các Sở KH&CN:" then "a) ...") is a heading, and so is an unmarked line
/// such as "Đối với Cục A:" or "Tổ chức thực hiện": its words name the unit for the items under
/// it.
fn numbered(f: &Folded, all: &[Line]) -> Vec<RawItem> {
    let mut out = Vec::new();
    let mut parent: Option<((String, Kind), String)> = None;
    let mut bullets: Vec<char> = Vec::new();
    for l in all {
        if let Some((_, Kind::Bullet(c))) = l.label {
            if !bullets.contains(&c) {
                bullets.push(c);
            }
        }
    }
    let blank = |j: usize| f.text[all[j].range.clone()].trim().is_empty();
    let mut i = 0;
    while i < all.len() {
        let Some(this) = all[i].label.clone() else {
            if !blank(i) && is_heading(f, all, i) {
                let text = f.original(all[i].range.clone()).trim().to_string();
                parent = Some(((String::new(), Kind::Heading), text));
            }
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < all.len() && all[j].label.is_none() && !blank(j) && !is_heading(f, all, j) {
            j += 1;
        }
        let mut body = all[i].body_start..all[j - 1].range.end;
        let body_text = f.text[body.clone()].trim().to_string();
        // A heading line between this item and the next marked one parts them.
        let parted = j < all.len() && !blank(j) && all[j].label.is_none();
        let next = all[j..]
            .iter()
            .find_map(|l| l.label.clone())
            .filter(|_| !parted);
        let heads = next.as_ref().is_some_and(|n| is_child(&this, n, &bullets))
            && (body_text.ends_with(':') || body_text.len() < 120 || this.1 == Kind::Roman);
        if heads || this.1 == Kind::Roman {
            parent = (this.1 != Kind::Roman)
                .then(|| (this.clone(), f.original(body.clone()).trim().to_string()));
            i = j;
            continue;
        }
        // "3. Tổ chức thực hiện" over the item's text: a title, not part of the task.
        let own_line = f.original(all[i].body_start..all[i].range.end);
        if j > i + 1 && is_title(own_line) {
            body = all[i + 1].range.start..body.end;
        }
        let under = parent.as_ref().filter(|p| is_child(&p.0, &this, &bullets));
        let label = match (under, this.1) {
            (Some(p), Kind::Letter) if p.0 .1 != Kind::Heading => {
                format!("{}.{}", p.0 .0, this.0)
            }
            (_, Kind::Bullet(_)) => (out.len() + 1).to_string(),
            _ => this.0.clone(),
        };
        let mut inherited: Vec<String> = under.map(|p| p.1.clone()).into_iter().collect();
        if under.is_none() {
            parent = None;
        }
        // "1. Cục A chủ trì các việc: a) …; b) …": one item per part, the words before the
        // enumeration naming the unit.
        match run(f, body.clone()) {
            Some(markers) => {
                let before = f.original(body.start..markers[0].0).trim().to_string();
                inherited.insert(0, before);
                for (sub, r) in parts(&markers, body.end) {
                    out.push(item(f, format!("{label}.{sub}"), r, inherited.clone()));
                }
            }
            None => out.push(item(f, label, body, inherited)),
        }
        i = j;
    }
    out
}

/// Marked lines that read as tasks: at least one speaks of a duty (a recipe's steps, or a web
/// page's "• Đang online: 1", are no draft).
fn dutiful(f: &Folded, all: &[Line]) -> bool {
    all.iter()
        .filter(|l| l.label.is_some())
        .any(|l| DUTY.iter().any(|w| f.text[l.range.clone()].contains(w)))
}

/// The items of a text's concluding part.
pub fn items(text: &str) -> Vec<RawItem> {
    let f = Folded::new(text);
    let Some((start, end, intro)) = conclusion(&f) else {
        // No lead-in: the text's numbered or bulleted lines, if it has some, are the draft (up
        // to "Nơi nhận" and the signature); or else an enumeration in words ("Thứ nhất, …").
        let end = patterns()
            .end
            .find(&f.text)
            .map(|m| m.start())
            .unwrap_or(f.text.len());
        let all = lines(&f, 0..end);
        let marked = all.iter().filter(|l| l.label.is_some()).count();
        if marked >= 2 && dutiful(&f, &all) {
            return numbered(&f, &all);
        }
        return match run(&f, 0..end) {
            Some(markers) => enumeration(&f, &markers, end).1,
            None => Vec::new(),
        };
    };
    let all = lines(&f, start..end);
    // "…như sau: a) …; b) …; c) …" on one line is an enumeration in a sentence.
    let marked: Vec<&Line> = all.iter().filter(|l| l.label.is_some()).collect();
    let one_line_run = matches!(marked[..], [l] if l.label.as_ref().is_some_and(|(_, k)| *k == Kind::Letter))
        && run(&f, start..end).is_some();
    let mut found = if dutiful(&f, &all) && !one_line_run {
        numbered(&f, &all)
    } else {
        prose(&f, start..end)
    };
    for it in &mut found {
        it.intro = Some(intro.clone());
    }
    found
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
            "Thứ trưởng kết luận như sau: a) Vụ Pháp chế rà soát văn bản; b) Cục Sở hữu trí tuệ hướng dẫn địa phương; c) Văn phòng Bộ theo dõi.",
        ] {
            let got = items(text);
            assert_eq!(got.len(), 3, "{text}: {got:?}");
            let labels: Vec<&str> = got.iter().map(|i| i.label.as_str()).collect();
            assert!(labels == ["1", "2", "3"] || labels == ["a", "b", "c"], "{labels:?}");
            assert!(got[1].text.contains("Cục Sở hữu trí tuệ"), "{got:?}");
        }
        // Inside a numbered item, the parts are its sub-items, named by the words before them.
        let got = items("Thứ trưởng kết luận các nội dung sau:\n1. Cục Sở hữu trí tuệ thực hiện các việc: a) hoàn thiện hồ sơ; b) tổ chức hội thảo; c) báo cáo Thứ trưởng.\n2. Giao Văn phòng Bộ theo dõi.\n");
        let labels: Vec<&str> = got.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["1.a", "1.b", "1.c", "2"]);
        assert_eq!(got[0].text, "hoàn thiện hồ sơ");
        assert!(got[0].inherited[0].starts_with("Cục Sở hữu trí tuệ"));
        // "a)" alone, or letters out of order, are no enumeration.
        assert_eq!(items("Thứ trưởng kết luận như sau: theo điểm a) khoản 1, Vụ Pháp chế rà soát văn bản; c) Cục Sở hữu trí tuệ hướng dẫn.").len(), 2);
    }

    /// Headings between numbered parts are not part of an item, and the unit under one is
    /// still the item's.
    #[test]
    fn headings_between_items() {
        let text = "Thứ trưởng có ý kiến như sau:\nVề xử lý đơn\n1. Cục Sở hữu trí tuệ giải quyết đơn tồn đọng.\nVề cơ chế, chính sách\n2. Vụ Pháp chế rà soát văn bản.\n3. Tổ chức thực hiện\nVăn phòng Bộ theo dõi, đôn đốc.\nĐối với các Sở Khoa học và Công nghệ:\n- Báo cáo kết quả hằng quý.\n";
        let got = items(text);
        let texts: Vec<&str> = got.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Cục Sở hữu trí tuệ giải quyết đơn tồn đọng.",
                "Vụ Pháp chế rà soát văn bản.",
                "Văn phòng Bộ theo dõi, đôn đốc.",
                "Báo cáo kết quả hằng quý."
            ]
        );
        assert_eq!(got[3].inherited[0], "Đối với các Sở Khoa học và Công nghệ:");
        // A line wrapped mid-sentence is no heading.
        let got = items("Thứ trưởng kết luận như sau:\n1. Cục Sở hữu trí tuệ phối hợp với\nCục Chuyển đổi số quốc gia vận hành hệ thống.\n2. Giao Văn phòng Bộ theo dõi.\n");
        assert!(got[0].text.ends_with("vận hành hệ thống."), "{got:?}");
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
        let got: Vec<String> = all_clauses(text)
            .into_iter()
            .filter(|c| crate::extract::duty::has_duty(&c.text))
            .map(|s| s.text)
            .collect();
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
            "Văn phòng Bộ thông báo ý kiến kết luận của Thứ trưởng Phạm Đức Anh như sau:",
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
        assert_eq!(all[1].inherited[0], "Các Sở KH&CN:");
        assert_eq!(all[3].text, "Giao Văn phòng Bộ theo dõi,\nđôn đốc.");
    }

    #[test]
    fn ordinals_and_lists() {
        let text = "Phó Chủ tịch đề nghị Sở Khoa học và Công nghệ tập trung thực hiện tốt một số nhiệm vụ trọng tâm sau:\nThứ nhất, tập trung triển khai các nội dung chỉ đạo.\nThứ hai, hoàn thành các chỉ tiêu của ngành.";
        let got = items(text);
        assert_eq!(got.len(), 2);
        assert_eq!(got[1].label, "2");
        assert!(got[0]
            .intro
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
