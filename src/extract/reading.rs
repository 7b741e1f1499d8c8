//! How the extractor reads one item: its mentions of units and their roles, the subject it
//! sets, whether it holds two tasks, and what the text above the items gives them.

use super::folded::Folded;
use super::units::{self, Directory, Role, Target};

/// Adds `x` unless it is there already: units keep the order the text names them in.
pub fn push_unique<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if !v.contains(&x) {
        v.push(x);
    }
}

/// An item's units as its own words name them.
pub struct Who {
    pub leads: Vec<Target>,
    pub coordinating: Vec<Target>,
    /// Mentions of bodies the directory does not know, kept as written.
    pub unresolved: Vec<String>,
}

/// The directory, and the one province the text is about if it names exactly one.
pub struct Reading<'a> {
    pub directory: &'a Directory,
    pub place: Option<usize>,
    /// What each text above the items gives them (see `Reading::above`), read once however
    /// many items it stands over.
    pub above: std::cell::RefCell<std::collections::HashMap<String, Above>>,
}

/// The units a text above the items gives them: as a heading or an enumeration's introducer
/// (`leads`, `coordinating`), and as the concluding part's lead-in (`asked`).
#[derive(Clone, Default)]
pub struct Above {
    pub leads: Vec<Target>,
    pub coordinating: Vec<Target>,
    pub asked: Vec<Target>,
}

/// A text as the extractor sees it: folded, with its mentions and each one's role. Seen once
/// per item, then asked who leads, what subject it sets and whether it holds two tasks.
pub struct Seen<'t> {
    text: &'t str,
    f: Folded<'t>,
    mentions: Vec<(std::ops::Range<usize>, Target)>,
    roles: Vec<Role>,
}

impl Reading<'_> {
    pub fn above(&self, text: &str) -> Above {
        if let Some(known) = self.above.borrow().get(text) {
            return known.clone();
        }
        let seen = self.see(text);
        let (leads, coordinating) = seen.above();
        let above = Above {
            leads,
            coordinating,
            asked: seen.asked(),
        };
        self.above
            .borrow_mut()
            .insert(text.to_string(), above.clone());
        above
    }

    pub fn see<'t>(&self, text: &'t str) -> Seen<'t> {
        let f = Folded::new(text);
        let mentions = self.directory.mentions_in(&f, self.place);
        let roles = units::roles(&f.text, &mentions);
        Seen {
            text,
            f,
            mentions,
            roles,
        }
    }
}

impl Seen<'_> {
    /// Who the text's own words name as lead and coordinating, and what they name that the
    /// directory does not know.
    pub fn who(&self) -> Who {
        let (mut leads, mut coords) = (Vec::new(), Vec::new());
        for ((_, target), role) in self.mentions.iter().zip(&self.roles) {
            match role {
                Role::Lead => push_unique(&mut leads, *target),
                Role::Coordinating => push_unique(&mut coords, *target),
                Role::Context => {}
            }
        }
        coords.retain(|c| !leads.contains(c));
        Who {
            leads,
            coordinating: coords,
            unresolved: unresolved(self.text, &self.f, &self.mentions),
        }
    }

    /// The units a lead-in sentence asks to act ("đề nghị Sở KH&CN … thực hiện các nhiệm vụ
    /// sau:"); one that only speaks ("Văn phòng Bộ thông báo …") is not meant.
    pub fn asked(&self) -> Vec<Target> {
        let asked = units::asked(&self.f.text, &self.mentions, &self.roles);
        let mut out = Vec::new();
        for ((_, target), yes) in self.mentions.iter().zip(asked) {
            if yes {
                push_unique(&mut out, *target);
            }
        }
        out
    }

    /// The leads a text above the items gives them, with its coordinating units: those its
    /// words put in the lead, or the subject it sets ("Đối với Cục A:"), or else whoever it
    /// names ("… ngành khoa học và công nghệ thành phố quan tâm thực hiện những nhiệm vụ sau:").
    fn above(&self) -> (Vec<Target>, Vec<Target>) {
        let who = self.who();
        if !who.leads.is_empty() {
            return (who.leads, who.coordinating);
        }
        let subject = self.subject();
        if !subject.is_empty() {
            return (subject, who.coordinating);
        }
        let mut named = Vec::new();
        for (_, target) in &self.mentions {
            push_unique(&mut named, *target);
        }
        named.retain(|t| !who.coordinating.contains(t));
        (named, who.coordinating)
    }

    /// The units the text sets as the subject of what follows: "Đối với các Sở KH&CN, …", "Về
    /// phía Cục A: …", at the start of a clause.
    pub fn subject(&self) -> Vec<Target> {
        const OPENERS: [&str; 4] = ["doi voi", "ve phia", "rieng doi voi", "rieng ve phia"];
        let (f, mentions) = (&self.f, &self.mentions);
        let mut out = Vec::new();
        // Only the words since the clause began can open it; each stretch of text is looked
        // through once for where a clause begins.
        let (mut clause, mut looked) = (0, 0);
        let mut i = 0;
        while i < mentions.len() {
            let (range, target) = &mentions[i];
            if let Some(p) = f.text[looked..range.start].rfind(['.', ';', ':', '\n']) {
                clause = looked + p;
            }
            looked = range.start;
            let opening = f.text[clause..range.start]
                .trim_start_matches(|c: char| ".;:".contains(c) || c.is_whitespace());
            let words = || opening.split_whitespace().collect::<Vec<_>>().join(" ");
            if opening.len() > 20 || !OPENERS.contains(&words().as_str()) {
                i += 1;
                continue;
            }
            // The subject and the units listed with it ("Đối với Cục A và Cục B, …"), up to
            // the comma or colon that closes it.
            push_unique(&mut out, *target);
            let mut end = range.end;
            while let Some((next, t)) = mentions.get(i + 1) {
                let between = f.text[end..next.start].trim();
                if !(between.is_empty() || between == "," || between == "va") {
                    break;
                }
                push_unique(&mut out, *t);
                end = next.end;
                i += 1;
            }
            i += 1;
        }
        out
    }

    /// Where an item holds two tasks, each with its own lead, joined by "và", "đồng thời" or
    /// ";" (with or without "giao", "đề nghị", "yêu cầu" before the second unit): "Giao Vụ A
    /// rà soát … và Cục B bố trí …", "…; giao Cục B …", "…, đồng thời giao Cục B …". The byte
    /// range of the joining word in the item's text; the second task keeps its verb.
    pub fn second_task(&self) -> Option<std::ops::Range<usize>> {
        const VERBS: [&str; 4] = ["giao cho", "giao", "de nghi", "yeu cau"];
        const JOINERS: [&str; 3] = ["dong thoi", "va", ";"];
        let (f, mentions, roles) = (&self.f, &self.mentions, &self.roles);
        let mut leads = std::collections::BTreeSet::new();
        for k in 1..mentions.len() {
            if roles[k - 1] == Role::Lead {
                leads.insert(mentions[k - 1].1);
            }
            let from = mentions[k - 1].0.end;
            let between = &f.text[from..mentions[k].0.start];
            // Far from the previous mention (words in between), in a lead position, and
            // someone else than the first task's lead ("… giữa Bộ và tỉnh" goes on).
            let again = leads.contains(&mentions[k].1);
            if roles[k] != Role::Lead || again || between.split_whitespace().count() <= 2 {
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
}

/// Unit-like phrases no mention covers, at a place where a lead or coordinator stands.
fn unresolved(
    text: &str,
    f: &Folded,
    mentions: &[(std::ops::Range<usize>, Target)],
) -> Vec<String> {
    // Mentions do not overlap and come in order, so their original ranges are sorted by start
    // and by end: each phrase looks only at the mentions around it (a paste naming one unit
    // thousands of times stays linear).
    let covers: Vec<std::ops::Range<usize>> = mentions
        .iter()
        .map(|(m, _)| f.original_range(m.clone()))
        .collect();
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for range in super::bodies::unit_like_phrases(text) {
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
            out.push(phrase);
        }
    }
    out
}
