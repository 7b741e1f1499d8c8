//! What every message is made of before it is laid out: the letter (subject, lines, lists of
//! tasks, a quoted note, the action, who is in copy), its sections and items, and the small
//! helpers that fill them. Each kind's composer (`compose`, `weekly`) builds one.

use lettre::message::Mailbox;

use crate::domain::dates::format_date;
use crate::i18n::{t, Lang};
use crate::models::task::ListRow;

/// Everything a message needs besides its row.
#[derive(Debug, Clone)]
pub struct Context {
    pub from: Mailbox,
    /// Without a trailing slash.
    pub public_url: String,
}

impl Context {
    pub fn new(from: &str, public_url: &str) -> anyhow::Result<Context> {
        Ok(Context {
            from: from
                .parse()
                .map_err(|e| anyhow::anyhow!("sender {from:?}: {e}"))?,
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// The right-hand side of Message-IDs: the sender's domain.
    pub(super) fn domain(&self) -> &str {
        self.from.email.domain()
    }
}

/// One task as a message lists it.
pub struct Item {
    pub heading: String,
    pub text: String,
    pub unit: String,
    pub due: String,
    pub state: String,
    pub url: String,
}

/// A titled list of tasks, with how many more there are beyond those shown.
pub struct Section {
    pub heading: String,
    pub items: Vec<Item>,
    pub more: i64,
    pub more_url: String,
}

/// The content of a message, before it is laid out in HTML and plain text.
pub struct Letter {
    pub lang: Lang,
    pub subject: String,
    pub lines: Vec<String>,
    pub sections: Vec<Section>,
    /// A quoted reason or note, with its label.
    pub note: Option<(String, String)>,
    pub action: Option<(String, String)>,
    /// Addresses in copy (Cc): the leader in charge, on an escalation to a unit head.
    pub cc: Vec<String>,
}

impl Letter {
    pub(super) fn new(lang: Lang) -> Letter {
        Letter {
            lang,
            subject: String::new(),
            lines: Vec::new(),
            sections: Vec::new(),
            note: None,
            action: None,
            cc: Vec::new(),
        }
    }

    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// The subject and the first line, from the words `{key}.subject` and `{key}.intro`.
    pub(super) fn open_with(&mut self, key: &str, values: &[(&str, &str)]) {
        self.subject = fill(self.lang, &format!("{key}.subject"), values);
        self.lines
            .push(fill(self.lang, &format!("{key}.intro"), values));
    }

    /// A letter about one task: the task shown, and a button to its page (at `anchor`, which
    /// may be empty).
    pub(super) fn about_task(&mut self, ctx: &Context, r: &ListRow, anchor: &str) {
        self.sections
            .push(section(self.lang, ctx, "", std::slice::from_ref(r)));
        self.action = Some((
            self.t("mail.open_task").into(),
            format!("{}/tasks/{}{anchor}", ctx.public_url, r.id),
        ));
    }
}

/// The words most letters about a task fill in: the app, the task's title, its lead unit and
/// its notice's number.
pub(super) fn task_values<'a>(
    lang: Lang,
    title: &'a str,
    r: &'a ListRow,
) -> Vec<(&'static str, &'a str)> {
    vec![
        ("app", t(lang, "app.name")),
        ("title", title),
        ("unit", r.lead_unit.as_str()),
        ("number", r.directive_number.as_str()),
    ]
}

/// A word with `{name}` holes filled.
pub(super) fn fill(lang: Lang, key: &str, values: &[(&str, &str)]) -> String {
    let mut s = t(lang, key).to_string();
    for (k, v) in values {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

pub(super) fn short(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
        None => text.to_string(),
    }
}

fn item(lang: Lang, ctx: &Context, r: &ListRow) -> Item {
    let heading = if r.item_label.is_empty() {
        r.directive_number.clone()
    } else {
        format!("{} — {}", r.directive_number, r.item_label)
    };
    Item {
        heading,
        text: short(&r.item_text, 400),
        unit: r.lead_unit.clone(),
        due: r
            .due_on
            .map(format_date)
            .unwrap_or_else(|| t(lang, "mail.no_due").into()),
        state: t(lang, &format!("status.{}", r.status.as_str())).into(),
        url: format!("{}/tasks/{}", ctx.public_url, r.id),
    }
}

pub(super) fn section(lang: Lang, ctx: &Context, heading: &str, rows: &[ListRow]) -> Section {
    Section {
        heading: heading.into(),
        items: rows.iter().map(|r| item(lang, ctx, r)).collect(),
        more: 0,
        more_url: String::new(),
    }
}

/// A letter, or why there is none to send (the task is gone, the list is empty).
pub(super) type Built = Result<Letter, &'static str>;
