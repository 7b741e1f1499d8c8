//! Conclusion text to draft items: the notice's parts, its items, who leads and coordinates
//! each, and by when. Pure: no I/O.

pub mod deadline;
pub mod docx;
pub mod folded;
pub mod notice;
pub mod segment;
pub mod units;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::calendar::Calendar;
use crate::domain::recurrence::Recurrence;
use folded::Folded;
use units::{Directory, Role, Target};

/// What the extractor drafts from a text, for a person to check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Draft {
    pub number: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub place: Option<String>,
    pub title: Option<String>,
    pub items: Vec<DraftItem>,
    /// Why nothing or little was found, as message keys ("extract.not_a_notice", ...).
    pub warnings: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftItem {
    pub label: String,
    pub text: String,
    /// Unit names as the directory holds them; a group is listed as all its members.
    pub lead_units: Vec<String>,
    pub coordinating_units: Vec<String>,
    /// Mentions of bodies the directory does not know, kept as written.
    pub unresolved_units: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub deadline_text: Option<String>,
    pub recurrence: Option<Recurrence>,
    /// Byte range of the item in the input, to highlight where it came from.
    #[serde(skip)]
    pub source: std::ops::Range<usize>,
    /// Proposed from a sentence that names a unit and a duty, in a text with no concluding
    /// part or numbered items: to be checked before it is kept.
    pub candidate: bool,
    /// The directory positions behind the names, groups as the group.
    #[serde(skip)]
    pub lead_targets: Vec<Target>,
    #[serde(skip)]
    pub coordinating_targets: Vec<Target>,
}

/// The largest text drafted at once; beyond it the input is refused with a message.
pub const MAX_INPUT_BYTES: usize = 2 * 1024 * 1024;
/// Items drafted from one text: a conclusion has a few dozen at most, and each drafted item
/// carries the unit pickers on the review page.
pub const MAX_ITEMS: usize = 100;

fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Directory {
    fn names_of(&self, targets: &[Target]) -> Vec<String> {
        let mut out = Vec::new();
        for t in targets {
            match t {
                Target::Unit(i) => push_unique(&mut out, self.units[*i].name.clone()),
                Target::Group(g) => {
                    for m in &self.groups[*g].members {
                        push_unique(&mut out, self.units[*m].name.clone());
                    }
                }
            }
        }
        out
    }
}

/// Who an item's own words name as lead and coordinating, and what they name that the
/// directory does not know.
fn who(text: &str, directory: &Directory) -> (Vec<Target>, Vec<Target>, Vec<String>) {
    let f = Folded::new(text);
    let mentions = directory.mentions(&f.text);
    let roles = units::roles(&f.text, &mentions);
    let (mut leads, mut coords) = (Vec::new(), Vec::new());
    for ((_, target), role) in mentions.iter().zip(&roles) {
        match role {
            Role::Lead => push_unique(&mut leads, *target),
            Role::Coordinating => push_unique(&mut coords, *target),
            Role::Context => {}
        }
    }
    coords.retain(|c| !leads.contains(c));
    // Unit-like phrases no mention covers, at a place where a lead or coordinator stands.
    // Mentions do not overlap and come in order, so their original ranges are sorted by start
    // and by end: each phrase looks only at the mentions around it (a paste naming one unit
    // thousands of times stays linear).
    let covers: Vec<std::ops::Range<usize>> = mentions
        .iter()
        .map(|(m, _)| f.original_range(m.clone()))
        .collect();
    let mut unresolved = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for range in units::unit_like_phrases(text) {
        let first = covers.partition_point(|o| o.end + 2 < range.start);
        let covered = covers[first..]
            .iter()
            .take_while(|o| o.start <= range.end + 2)
            .any(|orig| {
                orig.start <= range.start + 2 && orig.end + 2 >= range.end
                    || (orig.start < range.end && range.start < orig.end)
            });
        let before = f.text[..f.folded_offset(range.start)].trim_end_matches([' ', ',', ':']);
        let in_role = [
            "giao",
            "de nghi",
            "yeu cau",
            "phoi hop voi",
            "phoi hop",
            "va",
            "cho",
        ]
        .iter()
        .any(|c| before.ends_with(c))
            || before.is_empty();
        let phrase = text[range].trim().to_string();
        let generic = phrase.split_whitespace().count() < 2 || phrase.starts_with("Bộ ");
        if !covered && in_role && !generic && seen.insert(phrase.clone()) {
            unresolved.push(phrase);
        }
    }
    (leads, coords, unresolved)
}

/// Where an item holds two tasks, each with its own lead, joined by "và", "đồng thời" or ";"
/// (with or without "giao", "đề nghị", "yêu cầu" before the second unit): "Giao Vụ A rà soát
/// … và Cục B bố trí …", "…; giao Cục B …", "…, đồng thời giao Cục B …". The byte range of
/// the joining word in the item's text; the second task keeps its verb.
fn second_task(text: &str, directory: &Directory) -> Option<std::ops::Range<usize>> {
    const VERBS: [&str; 4] = ["giao cho", "giao", "de nghi", "yeu cau"];
    const JOINERS: [&str; 3] = ["dong thoi", "va", ";"];
    let f = Folded::new(text);
    let mentions = directory.mentions(&f.text);
    let roles = units::roles(&f.text, &mentions);
    for k in 1..mentions.len() {
        let from = mentions[k - 1].0.end;
        let between = &f.text[from..mentions[k].0.start];
        // Far from the previous mention (words in between), in a lead position.
        if roles[k] != Role::Lead || between.split_whitespace().count() <= 2 {
            continue;
        }
        let before_unit = between.trim_end();
        let before_verb = VERBS
            .iter()
            .find_map(|v| before_unit.strip_suffix(v))
            .map(str::trim_end)
            .unwrap_or(before_unit);
        for joiner in JOINERS {
            if let Some(rest) = before_verb.strip_suffix(joiner) {
                // "…; đồng thời giao …" and "…, và …": the whole run of joiners goes.
                let rest = rest.trim_end().trim_end_matches([',', ';']).trim_end();
                let rest = rest.strip_suffix("dong thoi").unwrap_or(rest).trim_end();
                let start = from + rest.len();
                let end = from + before_verb.len();
                return Some(f.original_range(start..end));
            }
        }
    }
    None
}

/// Drafts the items of a conclusion notice or news report. `issued_on` overrides the date read
/// from the text (used for years and working days).
pub fn extract(
    input: &str,
    issued_on: Option<NaiveDate>,
    directory: &Directory,
    calendar: &Calendar,
) -> Draft {
    // Nothing to read, or more than is read: no items, and why.
    let refused = |warning| Draft {
        number: None,
        issued_on,
        place: None,
        title: None,
        items: Vec::new(),
        warnings: vec![warning],
    };
    if input.trim().is_empty() {
        return refused("extract.empty");
    }
    if input.len() > MAX_INPUT_BYTES {
        return refused("extract.too_large");
    }
    let mut warnings = Vec::new();
    let head = notice::read_header(input);
    let issued = issued_on.or(head.issued_on);
    // An item with two tasks becomes two items, "N.1" and "N.2"; each keeps the whole item's
    // text for the deadline, which is often stated once, after the second task.
    let mut raw_items: Vec<(segment::RawItem, Option<String>)> = Vec::new();
    let mut found = segment::items(input);
    // Nothing concluding, nothing numbered: the sentences naming a unit and a duty, proposed.
    let candidates = found.is_empty();
    if candidates {
        found = segment::duty_sentences(input)
            .into_iter()
            .filter(|s| !who(&s.text, directory).0.is_empty())
            .enumerate()
            .map(|(n, s)| segment::RawItem {
                label: (n + 1).to_string(),
                ..s
            })
            .collect();
        if !found.is_empty() {
            warnings.push("extract.candidates");
        }
    }
    for raw in found {
        match second_task(&raw.text, directory) {
            Some(join) => {
                let first = raw.text[..join.start]
                    .trim()
                    .trim_end_matches(',')
                    .to_string();
                let second = raw.text[join.end..].trim().to_string();
                for (n, text) in [(1, first), (2, second)] {
                    let part = segment::RawItem {
                        label: format!("{}.{n}", raw.label),
                        text,
                        ..raw.clone()
                    };
                    raw_items.push((part, Some(raw.text.clone())));
                }
            }
            None => raw_items.push((raw, None)),
        }
    }
    if raw_items.is_empty() {
        warnings.push("extract.no_conclusion");
    }
    if raw_items.len() > MAX_ITEMS {
        raw_items.truncate(MAX_ITEMS);
        warnings.push("extract.too_many_items");
    }
    let mut items = Vec::new();
    for (raw, whole) in raw_items {
        let (mut leads, mut coords, unresolved) = who(&raw.text, directory);
        if leads.is_empty() {
            // "5. Các Sở KH&CN: a) ...; b) ..." and "đề nghị Sở ... thực hiện các nhiệm vụ sau:
            // Thứ nhất ...": the unit is named once, above the items.
            if let Some(parent) = &raw.inherited {
                let (l, c, _) = who(parent, directory);
                leads = l;
                if coords.is_empty() {
                    coords = c;
                }
            }
        }
        let deadline = deadline::find(&raw.text, issued, calendar).or_else(|| {
            whole
                .as_deref()
                .and_then(|t| deadline::find(t, issued, calendar))
        });
        items.push(DraftItem {
            label: raw.label,
            text: raw.text.trim().to_string(),
            lead_units: directory.names_of(&leads),
            coordinating_units: directory.names_of(&coords),
            unresolved_units: unresolved,
            deadline: deadline.as_ref().and_then(|d| d.date),
            deadline_text: deadline
                .as_ref()
                .filter(|d| d.date.is_some() || d.recurrence.is_none())
                .map(|d| d.text.clone()),
            recurrence: deadline.as_ref().and_then(|d| d.recurrence),
            source: raw.source,
            candidate: candidates,
            lead_targets: leads,
            coordinating_targets: coords,
        });
    }
    if !items.is_empty() && items.iter().all(|i| i.lead_units.is_empty()) {
        warnings.push("extract.no_units");
    }
    Draft {
        number: head.number,
        issued_on: issued,
        place: head.place,
        title: head.title,
        items,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tasks in one item, each with its own unit, however they are joined.
    #[test]
    fn clauses_with_their_own_unit_are_tasks_of_their_own() {
        let directory = Directory::builtin();
        let calendar = Calendar::shipped();
        for joined in [
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn; giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn, đồng thời giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn; đề nghị Cục Sở hữu trí tuệ hướng dẫn địa phương.",
            "Giao Vụ Pháp chế rà soát văn bản hướng dẫn và giao Cục Sở hữu trí tuệ hướng dẫn địa phương.",
        ] {
            let text = format!("Thứ trưởng kết luận như sau:\n1. {joined}\n2. Giao Văn phòng Bộ theo dõi.");
            let d = extract(&text, None, &directory, &calendar);
            assert_eq!(d.items.len(), 3, "{joined}: {:#?}", d.items);
            assert_eq!(d.items[0].lead_units, ["Vụ Pháp chế"], "{joined}");
            assert_eq!(d.items[0].text, "Giao Vụ Pháp chế rà soát văn bản hướng dẫn", "{joined}");
            assert_eq!(d.items[1].lead_units, ["Cục Sở hữu trí tuệ"], "{joined}");
            assert!(!d.items[1].text.starts_with([';', ',']), "{}", d.items[1].text);
        }
    }
}
