//! Who a conclusion item speaks of: every mention of a unit or group of the directory, found by
//! name, short name, alias or former name, with or without diacritics, with the usual
//! abbreviations (KH&CN, KHCN, UBND, TP), and each mention's role in the item: lead,
//! coordinating, or only context ("theo đề nghị của Sở ...").

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use std::collections::BTreeSet;

use crate::extract::folded::Folded;
use crate::extract::places::Places;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Unit(usize),
    Group(usize),
}

#[derive(Debug, Clone)]
pub struct DirUnit {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct DirGroup {
    pub id: i64,
    pub name: String,
    pub members: Vec<usize>,
}

/// A group as the directory is built from it: (id, name, member positions in the units).
pub type GroupRow = (i64, String, Vec<usize>);

/// The unit directory as the extractor reads it, with one matcher over every way of writing
/// every name.
pub struct Directory {
    pub units: Vec<DirUnit>,
    pub groups: Vec<DirGroup>,
    matcher: AhoCorasick,
    targets: Vec<Target>,
    pub places: Places,
}

/// A name as it is folded for matching: the extractor's char-for-char fold, spaces single.
fn norm(s: &str) -> String {
    let f = Folded::new(s);
    f.text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const SWAPS: &[(&str, &[&str])] = &[
    (
        "khoa hoc va cong nghe",
        &["kh&cn", "khcn", "kh và cn", "kh va cn", "kh-cn"],
    ),
    ("uy ban nhan dan", &["ubnd"]),
    ("trung uong", &["tw"]),
    (
        "thanh pho ho chi minh",
        &["tp ho chi minh", "tp. ho chi minh", "tp.hcm", "tp hcm"],
    ),
    ("thanh pho ", &["tp ", "tp. ", ""]),
    ("tinh ", &[""]),
];

/// Every way a name is written: abbreviated or spelled out, with or without "tỉnh"/"thành phố".
fn variants(name: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    out.insert(norm(name));
    for (long, shorts) in SWAPS {
        let current: Vec<String> = out.iter().cloned().collect();
        for v in current {
            if v.contains(long) {
                for s in *shorts {
                    out.insert(
                        v.replace(long, s)
                            .split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
                }
            }
            for s in shorts.iter().filter(|s| !s.trim().is_empty()) {
                if v.contains(s.trim_end()) {
                    out.insert(v.replace(s.trim_end(), long.trim_end()));
                }
            }
        }
    }
    // A bare place name or acronym is too short to mean a unit on its own.
    out.retain(|v| v.len() >= 6 && v.contains(' '));
    out
}

/// Ways a text names a whole group.
fn group_phrases(name: &str) -> Vec<String> {
    let n = norm(name);
    let mut out: Vec<String> = variants(name).into_iter().collect();
    if n.starts_with("cac so khoa hoc va cong nghe") {
        for p in [
            "so khoa hoc va cong nghe cac tinh, thanh pho",
            "so khoa hoc va cong nghe cac tinh",
            "so kh&cn cac tinh, thanh pho",
            "so kh&cn cac tinh",
            "cac so kh&cn",
            "cac so khcn",
            "so khoa hoc va cong nghe cac dia phuong",
            "so kh&cn cac dia phuong",
        ] {
            out.push(p.to_string());
        }
    } else if n.starts_with("cac don vi thuoc bo") {
        for p in [
            "cac don vi truc thuoc bo",
            "cac don vi thuoc bo khoa hoc va cong nghe",
            "cac co quan, don vi thuoc bo",
        ] {
            out.push(p.to_string());
        }
    } else if n.starts_with("uy ban nhan dan cac tinh") {
        for p in [
            "ubnd cac tinh, thanh pho",
            "ubnd cac tinh",
            "uy ban nhan dan cac tinh",
            "ubnd cap tinh",
            "uy ban nhan dan cap tinh",
        ] {
            out.push(p.to_string());
        }
    }
    out
}

impl Directory {
    /// `units`: (id, every name the unit answers to, canonical first); `groups`: (name, member
    /// positions in `units`).
    pub fn new(units: Vec<(i64, Vec<String>)>, groups: Vec<GroupRow>) -> Directory {
        let mut patterns: Vec<String> = Vec::new();
        let mut targets = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (i, (_, names)) in units.iter().enumerate() {
            for n in names {
                for v in variants(n) {
                    if seen.insert(v.clone()) {
                        patterns.push(v);
                        targets.push(Target::Unit(i));
                    }
                }
            }
        }
        for (i, (_, name, _)) in groups.iter().enumerate() {
            for v in group_phrases(name) {
                if seen.insert(v.clone()) {
                    patterns.push(v);
                    targets.push(Target::Group(i));
                }
            }
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .expect("valid patterns");
        Directory {
            places: Places::new(&units),
            units: units
                .iter()
                .map(|(id, names)| DirUnit {
                    id: *id,
                    name: names[0].clone(),
                })
                .collect(),
            groups: groups
                .into_iter()
                .map(|(id, name, members)| DirGroup { id, name, members })
                .collect(),
            matcher,
            targets,
        }
    }

    /// The directory that ships with the service, numbered in its order.
    pub fn builtin() -> Directory {
        let entries = crate::domain::directory::entries();
        let mut groups: Vec<GroupRow> = Vec::new();
        let mut units = Vec::new();
        for (i, (unit, aliases, group)) in entries.into_iter().enumerate() {
            let mut names = vec![unit.name.clone(), unit.short_name.clone()];
            names.extend(aliases);
            units.push((i as i64 + 1, names));
            if !group.is_empty() {
                match groups.iter_mut().find(|g| g.1 == group) {
                    Some(g) => g.2.push(i),
                    None => groups.push((groups.len() as i64 + 1, group.to_string(), vec![i])),
                }
            }
        }
        Directory::new(units, groups)
    }

    /// Every mention in a folded text: (byte range in the folded text, what it names).
    pub fn mentions(&self, folded: &str) -> Vec<(std::ops::Range<usize>, Target)> {
        // A mention must not start or end inside a word.
        let word_char = |c: char| c.is_alphanumeric();
        self.matcher
            .find_iter(folded)
            .filter(|m| {
                folded[..m.start()]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !word_char(c))
                    && folded[m.end()..]
                        .chars()
                        .next()
                        .is_none_or(|c| !word_char(c))
            })
            .map(|m| (m.start()..m.end(), self.targets[m.pattern().as_usize()]))
            .collect()
    }

    /// `mentions`, and where the text is about one province (`place`), the units it names
    /// only generically ("Sở", "tỉnh", "Trung tâm Ứng dụng …") as that province's own.
    pub fn mentions_in(
        &self,
        f: &Folded,
        place: Option<usize>,
    ) -> Vec<(std::ops::Range<usize>, Target)> {
        let mut named = self.mentions(&f.text);
        let generic = self.places.generic_mentions(f, place);
        if generic.is_empty() {
            return named;
        }
        // Both lists come sorted by start and the directory's mentions do not overlap: each
        // generic one looks only at the mention that could cover it.
        let mut extra: Vec<(std::ops::Range<usize>, Target)> = Vec::new();
        for (r, t) in generic {
            let first = named.partition_point(|(n, _)| n.end <= r.start);
            let covered = named.get(first).is_some_and(|(n, _)| n.start < r.end);
            let after_last = extra.last().is_none_or(|(e, _)| e.end <= r.start);
            if !covered && after_last {
                extra.push((r, Target::Unit(t)));
            }
        }
        named.extend(extra);
        named.sort_by_key(|(r, _)| r.start);
        named
    }
}

/// A mention's part in an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Lead,
    Coordinating,
    Context,
}

fn ends_with_any(s: &str, cues: &[&str]) -> bool {
    let s = s.trim_end_matches([' ', ',', ':']);
    cues.iter().any(|c| s.ends_with(c))
}

/// Words between two mentions that join them into one list ("A, B và C").
fn joins(between: &str) -> bool {
    let t = between.trim().trim_matches([',', ';']).trim();
    t.is_empty()
        || t == "va"
        || t == ","
        || t == "và"
        || t == "cung"
        || t == ", va"
        || t == "va cac"
        || t == "cac"
}

const LEAD_CUES: &[&str] = &[
    "giao", "de nghi", "yeu cau", "cho", "giao cho", "cu", "chi dao", "cac",
];

/// Decides each mention's role from the words before it. `start` is where the item's own text
/// begins (after its label).
pub fn roles(folded: &str, mentions: &[(std::ops::Range<usize>, Target)]) -> Vec<Role> {
    let mut out: Vec<Role> = Vec::with_capacity(mentions.len());
    for (i, (range, _)) in mentions.iter().enumerate() {
        let before = &folded[..range.start];
        let prev_end = if i > 0 { mentions[i - 1].0.end } else { 0 };
        let between = &folded[prev_end..range.start];
        let listed_with_prev = i > 0 && joins(between);
        if ends_with_any(
            before,
            &[
                "phoi hop voi",
                "phoi hop",
                "phoi hop cung",
                "phoi hop chat che voi",
            ],
        ) {
            out.push(Role::Coordinating);
            continue;
        }
        // "tham mưu cho UBND", "báo cáo cho Bộ": the one advised or told.
        if ends_with_any(
            before,
            &["tham muu cho", "bao cao cho", "ho tro cho", "gui cho"],
        ) {
            out.push(Role::Context);
            continue;
        }
        if listed_with_prev {
            // One list, one role: "A, B và C" share the first one's part.
            let r = out[i - 1];
            out.push(r);
            continue;
        }
        // A line's start is a clause's: "Tổ chức thực hiện\nVăn phòng Bộ theo dõi …".
        let clause_start = before.trim_end().is_empty()
            || before.trim_end_matches([' ', '\t']).ends_with('\n')
            || before.trim_end().ends_with(['.', ';', ':'])
            || ends_with_any(before, &["va"]) && i > 0;
        // Anything else named mid-sentence ("tham mưu UBND", "báo cáo Bộ") is context.
        out.push(if ends_with_any(before, LEAD_CUES) || clause_start {
            Role::Lead
        } else {
            Role::Context
        });
    }
    // "Cục A hoàn thiện …. Trung tâm B phối hợp bảo đảm …": a unit whose own verb is to
    // coordinate, beside one that leads, coordinates ("Cục A phối hợp với Cục B …" still leads,
    // and so does one given the work: "giao Báo X phối hợp tuyên truyền").
    let coordinates = |range: &std::ops::Range<usize>| {
        let after = folded[range.end..].trim_start();
        !ends_with_any(&folded[..range.start], LEAD_CUES)
            && after.starts_with("phoi hop ")
            && !["phoi hop voi", "phoi hop cung", "phoi hop chat che"]
                .iter()
                .any(|w| after.starts_with(w))
    };
    let (mut leading, mut coordinating) = (false, Vec::new());
    for (i, (range, _)) in mentions.iter().enumerate() {
        if out[i] == Role::Lead {
            match coordinates(range) {
                true => coordinating.push(i),
                false => leading = true,
            }
        }
    }
    if leading {
        for i in coordinating {
            out[i] = Role::Coordinating;
        }
    }
    out
}

/// Which mentions are asked to act by a cue before them ("giao Cục A", "đề nghị Sở B và Sở
/// C"), not merely the subject of a sentence ("Văn phòng Bộ thông báo …").
pub fn asked(
    folded: &str,
    mentions: &[(std::ops::Range<usize>, Target)],
    roles: &[Role],
) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::with_capacity(mentions.len());
    for (i, (range, _)) in mentions.iter().enumerate() {
        let cued = ends_with_any(&folded[..range.start], LEAD_CUES)
            || i > 0 && out[i - 1] && joins(&folded[mentions[i - 1].0.end..range.start]);
        out.push(roles[i] == Role::Lead && cued);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(d: &Directory, text: &str) -> Vec<(String, Role)> {
        let f = Folded::new(text);
        let m = d.mentions(&f.text);
        let r = roles(&f.text, &m);
        m.iter()
            .zip(r)
            .map(|((_, t), role)| {
                let name = match t {
                    Target::Unit(i) => d.units[*i].name.clone(),
                    Target::Group(i) => d.groups[*i].name.clone(),
                };
                (name, role)
            })
            .collect()
    }

    #[test]
    fn names_aliases_abbreviations_and_former_names() {
        let d = Directory::builtin();
        let cases = [
            (
                "Giao Vụ Kế hoạch - Tài chính chủ trì",
                "Cục Kế hoạch - Tài chính",
            ),
            (
                "Giao Tổng cục Tiêu chuẩn Đo lường Chất lượng chủ trì",
                "Ủy ban Tiêu chuẩn Đo lường Chất lượng quốc gia",
            ),
            (
                "Đề nghị Sở KH&CN Lạng Sơn",
                "Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
            ),
            (
                "Đề nghị Sở KHCN tỉnh Bến Tre",
                "Sở Khoa học và Công nghệ tỉnh Vĩnh Long",
            ),
            (
                "giao so khoa hoc va cong nghe tinh lang son",
                "Sở Khoa học và Công nghệ tỉnh Lạng Sơn",
            ),
            (
                "Đề nghị UBND tỉnh Hà Giang",
                "Ủy ban nhân dân tỉnh Tuyên Quang",
            ),
            (
                "Đề nghị Sở KH&CN TP.HCM",
                "Sở Khoa học và Công nghệ thành phố Hồ Chí Minh",
            ),
            (
                "Đề nghị Hiệp hội Doanh nghiệp nhỏ và vừa Việt Nam",
                "Hiệp hội Doanh nghiệp nhỏ và vừa Việt Nam",
            ),
        ];
        for (text, expected) in cases {
            let found = named(&d, text);
            assert_eq!(
                found.first().map(|f| f.0.as_str()),
                Some(expected),
                "{text}: {found:?}"
            );
            assert_eq!(found[0].1, Role::Lead, "{text}");
        }
        let groups = named(&d, "Các Sở Khoa học và Công nghệ chủ động tham mưu");
        assert_eq!(
            groups,
            vec![("Các Sở Khoa học và Công nghệ".to_string(), Role::Lead)]
        );
        assert_eq!(
            named(&d, "Đề nghị Sở KH&CN các tỉnh, thành phố báo cáo")[0].0,
            "Các Sở Khoa học và Công nghệ"
        );
    }

    #[test]
    fn lead_coordinating_and_context() {
        let d = Directory::builtin();
        let found = named(&d, "Giao Tổng cục Tiêu chuẩn Đo lường Chất lượng chủ trì, phối hợp với Sở Khoa học và Công nghệ tỉnh Bến Tre và Sở Khoa học và Công nghệ tỉnh Phú Thọ tổng kết");
        let roles: Vec<Role> = found.iter().map(|f| f.1).collect();
        assert_eq!(
            roles,
            vec![Role::Lead, Role::Coordinating, Role::Coordinating],
            "{found:?}"
        );
        let found = named(
            &d,
            "Theo đề nghị của Sở KH&CN Lạng Sơn, giao Cục Sở hữu trí tuệ hướng dẫn",
        );
        assert_eq!(found[0].1, Role::Context);
        assert_eq!(
            (found[1].0.as_str(), found[1].1),
            ("Cục Sở hữu trí tuệ", Role::Lead)
        );
        let found = named(&d, "Giao Cục Đổi mới sáng tạo và Cục Khởi nghiệp và Doanh nghiệp công nghệ phối hợp với Vụ Pháp chế xây dựng");
        let roles: Vec<Role> = found.iter().map(|f| f.1).collect();
        assert_eq!(
            roles,
            vec![Role::Lead, Role::Lead, Role::Coordinating],
            "{found:?}"
        );
        let found = named(
            &d,
            "Văn phòng Bộ theo dõi, đôn đốc việc thực hiện, báo cáo Bộ trưởng",
        );
        assert_eq!(found[0], ("Văn phòng Bộ".to_string(), Role::Lead));
    }
}
