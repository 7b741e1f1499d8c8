//! The list page's pickers as HTML, rendered once per kept version and language. Escaping and
//! grouping 96 unit names and 50 notice titles was most of the list page's template, on every
//! page, for the same rows (`models::pickers` keeps the rows while no one changes them: a new
//! version is a new `Arc`, which renders afresh here).

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use askama::Template;

use crate::i18n::Lang;
use crate::models::directive::DirectiveRow;
use crate::models::unit::Unit;

#[derive(Template)]
#[template(path = "tasks/unit_options.html")]
struct UnitOptions<'a> {
    units: &'a [Unit],
    lang: Lang,
}

#[derive(Template)]
#[template(path = "tasks/notice_options.html")]
struct NoticeOptions<'a> {
    notices: &'a [DirectiveRow],
}

/// The pickers' options, escaped by their templates.
pub struct Rendered {
    unit_options: String,
    pub notice_options: String,
    /// Whether there is any unit, any notice to choose.
    pub any_unit: bool,
    pub any_notice: bool,
}

impl Rendered {
    /// The unit options with `chosen` (the filter's unit, as typed) selected when it is one
    /// of them. Only the rendered text is searched; nothing typed is written into the page.
    pub fn unit_options(&self, chosen: &str) -> Cow<'_, str> {
        let mark = format!("<option value=\"{chosen}\">");
        match self.unit_options.find(&mark).filter(|_| !chosen.is_empty()) {
            Some(at) => {
                let (before, after) = self.unit_options.split_at(at + mark.len() - 1);
                Cow::Owned(format!("{before} selected{after}"))
            }
            None => Cow::Borrowed(&self.unit_options),
        }
    }
}

struct Kept {
    units: Arc<Vec<Unit>>,
    notices: Arc<Vec<DirectiveRow>>,
    lang: Lang,
    html: Arc<Rendered>,
}

/// One server's rendered pickers, one per language.
#[derive(Default)]
pub struct ListPickers(Mutex<Vec<Kept>>);

impl ListPickers {
    pub fn get(
        &self,
        units: &Arc<Vec<Unit>>,
        notices: &Arc<Vec<DirectiveRow>>,
        lang: Lang,
    ) -> askama::Result<Arc<Rendered>> {
        let same = |k: &Kept| {
            Arc::ptr_eq(&k.units, units) && Arc::ptr_eq(&k.notices, notices) && k.lang == lang
        };
        if let Some(k) = self.lock().iter().find(|k| same(k)) {
            return Ok(k.html.clone());
        }
        let html = Arc::new(Rendered {
            unit_options: UnitOptions { units, lang }.render()?,
            notice_options: NoticeOptions { notices }.render()?,
            any_unit: !units.is_empty(),
            any_notice: !notices.is_empty(),
        });
        let mut kept = self.lock();
        // What older versions rendered is of no more use.
        kept.retain(|k| k.lang != lang);
        kept.push(Kept {
            units: units.clone(),
            notices: notices.clone(),
            lang,
            html: html.clone(),
        });
        Ok(html)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Kept>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chosen_unit_is_selected_and_nothing_typed_is_written() {
        let r = Rendered {
            unit_options: "<option value=\"3\">A</option><option value=\"35\">B</option>".into(),
            notice_options: String::new(),
            any_unit: true,
            any_notice: false,
        };
        assert_eq!(
            r.unit_options("35"),
            "<option value=\"3\">A</option><option value=\"35\" selected>B</option>"
        );
        assert_eq!(
            r.unit_options("3"),
            "<option value=\"3\" selected>A</option><option value=\"35\">B</option>"
        );
        for typed in ["", "7", "3\"><script>", "35\" x=\""] {
            assert_eq!(r.unit_options(typed), r.unit_options(""), "{typed}");
        }
    }
}
