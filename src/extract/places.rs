//! The province a text is about, and the units it names only generically because of it: a
//! notice to one province says "Sở", "Quý Sở", "Sở Khoa học và Công nghệ", "ngành khoa học và
//! công nghệ thành phố", "tỉnh", "UBND tỉnh" or "Trung tâm Ứng dụng …" (a centre under the
//! department) and means that province's own.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::extract::bodies;
use crate::extract::folded::Folded;

/// A province's department of science and technology and its people's committee, as positions
/// in the directory's units.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub department: Option<usize>,
    pub committee: Option<usize>,
}

/// Every province the directory knows, with every name (current and former) it goes by.
pub struct Places {
    places: Vec<Place>,
    /// For each pattern of `matcher`: the place it names.
    named: Vec<usize>,
    matcher: AhoCorasick,
}

/// Whose unit a name is and of which place: ("so khoa hoc va cong nghe tinh lang son") →
/// (department, "lang son").
fn parse(folded_name: &str) -> Option<(bool, &str)> {
    const DEPARTMENT: [&str; 3] = ["so khoa hoc va cong nghe ", "so kh&cn ", "so khcn "];
    const COMMITTEE: [&str; 2] = ["uy ban nhan dan ", "ubnd "];
    let (department, rest) = DEPARTMENT
        .iter()
        .find_map(|p| folded_name.strip_prefix(p).map(|r| (true, r)))
        .or_else(|| {
            COMMITTEE
                .iter()
                .find_map(|p| folded_name.strip_prefix(p).map(|r| (false, r)))
        })?;
    let rest = ["tinh ", "thanh pho ", "tp. ", "tp "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest)
        .trim();
    // "các tỉnh", "cấp tỉnh": a group, not a place.
    let group = rest.starts_with("cac ") || rest.starts_with("cap ") || rest.is_empty();
    (!group).then_some((department, rest))
}

impl Places {
    /// `units`: every name of every unit, the canonical one first, as the directory gets them.
    pub fn new(units: &[(i64, Vec<String>)]) -> Places {
        let fold = |s: &str| {
            Folded::new(s)
                .text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut places: Vec<Place> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut named = Vec::new();
        for (i, (_, names)) in units.iter().enumerate() {
            let Some(canonical) = names.first().map(|n| fold(n)) else {
                continue;
            };
            let Some((department, key)) = parse(&canonical) else {
                continue;
            };
            let at = match keys.iter().position(|k| k == key) {
                Some(at) => at,
                None => {
                    keys.push(key.to_string());
                    places.push(Place::default());
                    places.len() - 1
                }
            };
            if department {
                places[at].department = Some(i);
            } else {
                places[at].committee = Some(i);
            }
            for name in names {
                if let Some((_, place)) = parse(&fold(name)) {
                    if !patterns.iter().any(|p| p == place) {
                        patterns.push(place.to_string());
                        named.push(at);
                    }
                }
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("valid patterns");
        Places {
            places,
            named,
            matcher,
        }
    }

    /// Where a place is named in the folded text, as (folded range, place); a name must be a
    /// whole word and written with a capital, and the dateline ("Hà Nội, ngày …") names where
    /// a notice was signed, not what it is about.
    fn named_in(&self, f: &Folded) -> Vec<(Range<usize>, usize)> {
        self.matcher
            .find_iter(&f.text)
            .filter(|m| {
                let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
                !word(f.text[..m.start()].chars().next_back())
                    && !word(f.text[m.end()..].chars().next())
                    && f.original(m.start()..m.end())
                        .chars()
                        .next()
                        .is_some_and(char::is_uppercase)
                    && !f.text[m.end()..].starts_with(", ngay")
            })
            .map(|m| (m.range(), self.named[m.pattern().as_usize()]))
            .collect()
    }

    /// The one province a text names, if it names exactly one (under any of its names).
    pub fn only_one(&self, f: &Folded) -> Option<usize> {
        let mut found = self.named_in(f).into_iter().map(|(_, p)| p);
        let first = found.next()?;
        found.all(|p| p == first).then_some(first)
    }

    /// Mentions that name a unit only generically, resolved to `place`'s own, as (folded range,
    /// the unit's position in the directory). "tỉnh X" with X a known province is that
    /// province's committee wherever it stands.
    pub fn generic_mentions(&self, f: &Folded, place: Option<usize>) -> Vec<(Range<usize>, usize)> {
        static GENERIC: OnceLock<Regex> = OnceLock::new();
        let generic = GENERIC.get_or_init(|| {
            Regex::new(r"\b(?:(Quý Sở|(?:Sở Khoa học và Công nghệ|Sở KH&CN|Sở KHCN|Sở|ngành khoa học và công nghệ)(?: tỉnh| thành phố)?)|(Ủy ban nhân dân|Uỷ ban nhân dân|UBND)(?: (?:tỉnh|thành phố))?|(tỉnh|thành phố|Tỉnh|Thành phố))\b")
                .expect("valid pattern")
        });
        let text = f.original;
        let places_after = self.named_in(f);
        let place_at = |folded_start: usize| {
            let i = places_after.partition_point(|(r, _)| r.start < folded_start);
            places_after
                .get(i)
                .filter(|(r, _)| r.start == folded_start)
                .map(|(r, p)| (r.end, *p))
        };
        // "tỉnh Lạng Sơn" in "Sở Giáo dục và Đào tạo tỉnh Lạng Sơn" is part of another
        // body's name.
        // Found only when a generic name is, since most items have none.
        let bodies = std::cell::OnceCell::new();
        let bodies = || bodies.get_or_init(|| bodies::unit_like_phrases(text));
        let inside = |at: usize| {
            let i = bodies().partition_point(|b| b.end <= at);
            bodies().get(i).is_some_and(|b| b.start < at)
        };
        let mut out = Vec::new();
        for c in generic.captures_iter(text) {
            let m = c.get(0).expect("match");
            if inside(m.start()) {
                continue;
            }
            let after = text[m.end()..].trim_start_matches(' ');
            let next = after.split_whitespace().next().unwrap_or("");
            let before = text[..m.start()]
                .split_whitespace()
                .next_back()
                .unwrap_or("");
            let capital_next = next.chars().next().is_some_and(char::is_uppercase);
            let folded = f.folded_offset(m.start())..f.folded_offset(m.end());
            let department = |p: usize| self.places[p].department;
            let committee = |p: usize| self.places[p].committee;
            let found = if c.get(1).is_some() {
                // "Sở Tài chính" is another department.
                (!capital_next)
                    .then_some(place)
                    .flatten()
                    .and_then(department)
            } else {
                // "tỉnh Lạng Sơn": that province; "cấp tỉnh", "UBND xã": no one province.
                let gap = text.len() - after.len();
                match place_at(f.folded_offset(gap)) {
                    Some((end, p)) => {
                        if let Some(unit) = committee(p) {
                            out.push((folded.start..end, unit));
                        }
                        continue;
                    }
                    None => {
                        let local = ["xã", "huyện", "phường", "quận", "cấp", "các"];
                        let plural = ["cấp", "liên", "các", "giữa"];
                        let lone =
                            !capital_next && !local.contains(&next) && !plural.contains(&before);
                        lone.then_some(place).flatten().and_then(committee)
                    }
                }
            };
            if let Some(unit) = found {
                out.push((folded, unit));
            }
        }
        // A centre or branch of the department: "Trung tâm Ứng dụng tiến bộ khoa học và công
        // nghệ", "Chi cục Tiêu chuẩn Đo lường Chất lượng".
        if let Some(unit) = place.and_then(|p| self.places[p].department) {
            const OF_THE_DEPARTMENT: [&str; 10] = [
                "khoa hoc",
                "cong nghe",
                "kh&cn",
                "tieu chuan",
                "do luong",
                "chat luong",
                "ung dung",
                "ky thuat",
                "so huu tri tue",
                "doi moi sang tao",
            ];
            for r in bodies().iter().cloned() {
                let phrase = &text[r.clone()];
                // The name runs on in lower case ("Trung tâm Ứng dụng tiến bộ khoa học và
                // công nghệ"): its first words, up to punctuation, say whose it is.
                let mut words = Vec::new();
                for word in text[r.start..].split_whitespace().take(10) {
                    let bare = word.trim_end_matches([',', '.', ';', ':']);
                    words.push(bare);
                    if bare.len() != word.len() {
                        break;
                    }
                }
                let name = words.join(" ");
                let folded = Folded::new(&name).text;
                if (phrase.starts_with("Trung tâm ") || phrase.starts_with("Chi cục "))
                    && OF_THE_DEPARTMENT.iter().any(|w| folded.contains(w))
                {
                    out.push((f.folded_offset(r.start)..f.folded_offset(r.end), unit));
                }
            }
        }
        out.sort_by_key(|(r, _)| r.start);
        out
    }
}
