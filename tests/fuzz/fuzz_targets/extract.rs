//! Any text pasted for extraction: a draft, never a panic, never more items than the cap, and
//! each item's text taken from the input.
#![no_main]

use std::sync::OnceLock;

use chidao::domain::calendar::Calendar;
use chidao::extract::{extract, units::Directory, MAX_ITEMS};
use libfuzzer_sys::fuzz_target;

fn directory() -> &'static Directory {
    static D: OnceLock<Directory> = OnceLock::new();
    D.get_or_init(Directory::builtin)
}

fn calendar() -> &'static Calendar {
    static C: OnceLock<Calendar> = OnceLock::new();
    C.get_or_init(Calendar::shipped)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let draft = extract(text, None, directory(), calendar());
    assert!(draft.items.len() <= MAX_ITEMS);
});
