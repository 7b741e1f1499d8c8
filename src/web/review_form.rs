//! The directive review form as sent: the notice's fields, one row per item (`item{i}.…`), and
//! which of its buttons was pressed. Its item rows repeat under numbered names, which no serde
//! form reader groups, so this module is the one owner of those names: it reads them from the
//! posted fields and writes them back (for a saved review), and the page's template spells
//! the same names.

use crate::extract::MAX_ITEMS;

/// One item row of the form, as typed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ItemRow {
    pub label: String,
    pub text: String,
    pub leads: Vec<String>,
    pub coords: Vec<String>,
    pub due: String,
    /// "Within N working days of the issue date", instead of a date.
    pub workdays: String,
    pub recurrence: String,
    /// For a recurring item: the kind of its due-day rule ("day", "workdays"; empty for the
    /// default), its number, and the last day a period may start.
    pub rule_kind: String,
    pub rule_n: String,
    pub until: String,
    /// Bodies the draft named that the directory does not know, as written ("; " between).
    pub unresolved: String,
    /// Units that may be meant by the unresolved mentions (filled at render).
    pub suggestions: Vec<String>,
    /// Names typed to add as lead or coordinating units, where the picker has no script to
    /// fill it ("; " between): kept when one is not found.
    pub add_leads: String,
    pub add_coords: String,
    /// Proposed from a sentence of prose, to be checked (kept until the form is published).
    pub candidate: bool,
}

/// An edit of the list of items, from the buttons beside each item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowEdit {
    Delete(usize),
    /// This item and the next become one.
    Merge(usize),
    /// This item becomes two, at its first blank line or a sentence end near its middle.
    Split(usize),
}

impl RowEdit {
    /// `delete:3`, `merge:3`, `split:3` (the buttons' values).
    pub fn parse(s: &str) -> Option<RowEdit> {
        let (what, i) = s.split_once(':')?;
        let i = i.parse().ok()?;
        match what {
            "delete" => Some(RowEdit::Delete(i)),
            "merge" => Some(RowEdit::Merge(i)),
            "split" => Some(RowEdit::Split(i)),
            _ => None,
        }
    }

    fn as_value(self) -> String {
        match self {
            RowEdit::Delete(i) => format!("delete:{i}"),
            RowEdit::Merge(i) => format!("merge:{i}"),
            RowEdit::Split(i) => format!("split:{i}"),
        }
    }
}

/// Which unit picker of a row a typed name is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Lead,
    Coordinating,
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct ReviewForm {
    pub form_token: String,
    pub conference_id: String,
    pub number: String,
    pub issued_on: String,
    pub signer: String,
    pub title: String,
    pub body: String,
    pub items: Vec<ItemRow>,
    /// An edit of the rows was asked for instead of publishing.
    pub edit: Option<RowEdit>,
    pub add_item: bool,
    pub save_draft: bool,
    /// Publish although some units have no one to tell (the page warned of them).
    pub publish_anyway: bool,
    /// Keep this review and go add a conference, named as given (may be empty), then come back.
    pub add_conference: Option<String>,
}

impl ReviewForm {
    /// Reads the posted fields; unknown names are ignored, and at most `items` rows (itself at
    /// most MAX_ITEMS) are read, so a forged form cannot make more.
    pub fn from_fields(fields: &[(String, String)]) -> ReviewForm {
        let mut f = ReviewForm::default();
        let mut count = 0usize;
        let mut item_fields = Vec::new();
        for (k, v) in fields {
            match k.as_str() {
                "form_token" => f.form_token = v.clone(),
                "conference_id" => f.conference_id = v.clone(),
                "number" => f.number = v.trim().to_string(),
                "issued_on" => f.issued_on = v.trim().to_string(),
                "signer" => f.signer = v.clone(),
                "title" => f.title = v.clone(),
                "body" => f.body = v.clone(),
                "items" => count = v.trim().parse().unwrap_or(0).min(MAX_ITEMS),
                "op" => f.edit = f.edit.or(RowEdit::parse(v)),
                "add_item" => f.add_item = true,
                "save_draft" => f.save_draft = true,
                "publish_anyway" => f.publish_anyway = true,
                "add_conference" => f.add_conference = Some(v.trim().to_string()),
                k => {
                    if let Some((i, name)) = item_key(k) {
                        item_fields.push((i, name, v));
                    }
                }
            }
        }
        f.items = vec![ItemRow::default(); count];
        for (i, name, v) in item_fields {
            let Some(row) = f.items.get_mut(i) else {
                continue;
            };
            match name {
                "label" => row.label = v.clone(),
                "text" => row.text = v.clone(),
                "leads" => row.leads.push(v.clone()),
                "coords" => row.coords.push(v.clone()),
                "due" => row.due = v.trim().to_string(),
                "workdays" => row.workdays = v.trim().to_string(),
                "unresolved" => row.unresolved = v.clone(),
                "recurrence" => row.recurrence = v.clone(),
                "rule_kind" => row.rule_kind = v.trim().to_string(),
                "rule_n" => row.rule_n = v.trim().to_string(),
                "until" => row.until = v.trim().to_string(),
                "add_leads" => row.add_leads = v.trim().to_string(),
                "add_coords" => row.add_coords = v.trim().to_string(),
                "candidate" => row.candidate = v == "1",
                _ => {}
            }
        }
        f
    }

    /// The fields again, as the page would send them (a saved review is stored this way).
    pub fn to_fields(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = [
            ("form_token", &self.form_token),
            ("conference_id", &self.conference_id),
            ("number", &self.number),
            ("issued_on", &self.issued_on),
            ("signer", &self.signer),
            ("title", &self.title),
            ("body", &self.body),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        out.push(("items".into(), self.items.len().to_string()));
        for (i, row) in self.items.iter().enumerate() {
            let mut put = |name: &str, v: &str| out.push((format!("item{i}.{name}"), v.into()));
            put("label", &row.label);
            put("text", &row.text);
            row.leads.iter().for_each(|l| put("leads", l));
            row.coords.iter().for_each(|c| put("coords", c));
            put("due", &row.due);
            put("workdays", &row.workdays);
            put("unresolved", &row.unresolved);
            put("recurrence", &row.recurrence);
            put("rule_kind", &row.rule_kind);
            put("rule_n", &row.rule_n);
            put("until", &row.until);
            put("add_leads", &row.add_leads);
            put("add_coords", &row.add_coords);
            if row.candidate {
                put("candidate", "1");
            }
        }
        if let Some(e) = self.edit {
            out.push(("op".into(), e.as_value()));
        }
        if self.add_item {
            out.push(("add_item".into(), String::new()));
        }
        if self.save_draft {
            out.push(("save_draft".into(), String::new()));
        }
        out
    }

    /// The unit names typed into the script-less pickers' boxes: (row, picker, one name).
    pub fn typed_names(&self) -> Vec<(usize, Side, String)> {
        let mut out = Vec::new();
        for (i, row) in self.items.iter().enumerate() {
            for (side, typed) in [
                (Side::Lead, &row.add_leads),
                (Side::Coordinating, &row.add_coords),
            ] {
                out.extend(
                    typed
                        .split(';')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(|n| (i, side, n.to_string())),
                );
            }
        }
        out
    }

    /// Applies the row edit asked for, if any, and a spare row if asked for.
    pub fn apply_edits(&mut self) {
        if self.add_item {
            self.items.push(ItemRow::default());
        }
        if let Some(edit) = self.edit {
            edit_rows(&mut self.items, edit);
        }
    }
}

/// `item12.text` → (12, "text").
fn item_key(k: &str) -> Option<(usize, &str)> {
    let (i, name) = k.strip_prefix("item")?.split_once('.')?;
    Some((i.parse().ok()?, name))
}

/// Deletes one row, merges one with the next, or splits one at its first blank line (or in the
/// middle, at a sentence end). An index past the rows does nothing.
fn edit_rows(items: &mut Vec<ItemRow>, edit: RowEdit) {
    match edit {
        RowEdit::Delete(i) if i < items.len() => {
            items.remove(i);
        }
        RowEdit::Merge(i) if i + 1 < items.len() => {
            let next = items.remove(i + 1);
            let it = &mut items[i];
            it.text = format!("{}\n{}", it.text.trim_end(), next.text.trim_start());
            for l in next.leads {
                if !it.leads.contains(&l) {
                    it.leads.push(l);
                }
            }
            for c in next.coords {
                if !it.coords.contains(&c) {
                    it.coords.push(c);
                }
            }
            if it.due.is_empty() {
                it.due = next.due;
            }
        }
        RowEdit::Split(i) if i < items.len() => {
            let text = items[i].text.clone();
            let cut = text.find("\n\n").or_else(|| {
                let mut half = text.len() / 2;
                while !text.is_char_boundary(half) {
                    half -= 1;
                }
                text[half..]
                    .find(". ")
                    .map(|p| half + p + 1)
                    .or_else(|| text[..half].rfind(". ").map(|p| p + 1))
            });
            if let Some(cut) = cut {
                let mut second = items[i].clone();
                items[i].text = text[..cut].trim().to_string();
                second.text = text[cut..].trim().to_string();
                second.label = if items[i].label.is_empty() {
                    String::new()
                } else {
                    format!("{}b", items[i].label)
                };
                items.insert(i + 1, second);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn reads_rows_by_their_numbers_and_writes_them_back() {
        let f = ReviewForm::from_fields(&pairs(&[
            ("item1.text", "Hai"),
            ("number", " 12/TB-BKHCN "),
            ("items", "2"),
            ("item0.text", "Một"),
            ("item0.leads", "u:3"),
            ("item0.leads", "g:1"),
            ("item1.add_coords", "Sở KH&CN Huế; Cục A"),
            ("item7.text", "beyond the count"),
            ("op", "merge:0"),
        ]));
        assert_eq!(f.number, "12/TB-BKHCN");
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].text, "Một");
        assert_eq!(f.items[0].leads, vec!["u:3", "g:1"]);
        assert_eq!(f.edit, Some(RowEdit::Merge(0)));
        assert_eq!(
            f.typed_names(),
            vec![
                (1, Side::Coordinating, "Sở KH&CN Huế".to_string()),
                (1, Side::Coordinating, "Cục A".to_string())
            ]
        );
        assert_eq!(ReviewForm::from_fields(&f.to_fields()), f);
    }

    #[test]
    fn a_forged_count_makes_no_more_than_the_most_items() {
        let f = ReviewForm::from_fields(&pairs(&[("items", "99999999")]));
        assert_eq!(f.items.len(), MAX_ITEMS);
        let f = ReviewForm::from_fields(&pairs(&[("items", "-1"), ("item0.text", "x")]));
        assert!(f.items.is_empty());
    }

    #[test]
    fn row_edits() {
        assert_eq!(RowEdit::parse("split:2"), Some(RowEdit::Split(2)));
        assert_eq!(RowEdit::parse("split:x"), None);
        assert_eq!(RowEdit::parse("drop:1"), None);
        let row = |t: &str, l: &str| ItemRow {
            text: t.into(),
            leads: vec![l.into()],
            ..ItemRow::default()
        };
        let mut items = vec![row("A.", "u:1"), row("B.\n\nC.", "u:2")];
        edit_rows(&mut items, RowEdit::Split(1));
        assert_eq!(items.len(), 3);
        assert_eq!(
            (items[1].text.as_str(), items[2].text.as_str()),
            ("B.", "C.")
        );
        edit_rows(&mut items, RowEdit::Merge(0));
        assert_eq!(items[0].text, "A.\nB.");
        assert_eq!(items[0].leads, vec!["u:1", "u:2"]);
        edit_rows(&mut items, RowEdit::Delete(5));
        edit_rows(&mut items, RowEdit::Merge(1));
        assert_eq!(items.len(), 2);
        edit_rows(&mut items, RowEdit::Delete(0));
        assert_eq!(items[0].text, "C.");
    }
}
