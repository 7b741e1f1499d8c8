//! Pure rules: no I/O here, everything is tested without a database.

pub mod calendar;
pub mod coordination;
pub mod dates;
pub mod delivery;
pub mod directory;
pub mod escalation;
pub mod explanation;
pub mod extension;
pub mod filetype;
pub mod grading;
pub mod holidays;
pub mod ical;
pub mod ids;
pub mod journal;
pub mod lunar;
pub mod mail;
pub mod paging;
pub mod permissions;
pub mod recurrence;
pub mod reminders;
pub mod status;
pub mod text;
pub mod totp;
pub mod transfer;
pub mod webhook;

/// An enumeration written as one fixed word (`words!`): stored, sent and put in SQL as it.
pub trait Word: Copy + 'static {
    fn word(self) -> &'static str;
}

/// `('a', 'b')`: a set of an enumeration's words as SQL writes a list (the words are the enum's
/// own, never input); `(NULL)`, which matches nothing, for none.
pub fn sql_list<W: Word>(words: &[W]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.word())).collect();
    if quoted.is_empty() {
        "(NULL)".to_string()
    } else {
        format!("({})", quoted.join(", "))
    }
}
