//! The interface's words in Vietnamese (first) and English. Keys are looked up at render time;
//! a test checks that every key a template uses exists in both languages.

use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| WORDS.iter().map(|(k, vi, en)| (*k, (*vi, *en))).collect())
}

pub fn t(lang: Lang, key: &str) -> &'static str {
    match table().get(key) {
        Some((vi, en)) => match lang {
            Lang::Vi => vi,
            Lang::En => en,
        },
        None => {
            tracing::warn!(key, "missing translation");
            "…"
        }
    }
}

/// A whole number as the language writes it: 1.234.567 in Vietnamese, 1,234,567 in English.
pub fn number(lang: Lang, n: i64) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + 8);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A share (0 to 1) in percent with one decimal: "14,3 %" in Vietnamese (a no-break space
/// before the sign), "14.3%" in English.
pub fn percent(lang: Lang, share: f64) -> String {
    let p = format!("{:.1}", share * 100.0);
    match lang {
        Lang::Vi => format!("{}\u{a0}%", p.replace('.', ",")),
        Lang::En => format!("{p}%"),
    }
}

/// A score or a number of points: one decimal where there is one ("92,5", "95"), the
/// decimal mark and grouping of the language.
pub fn decimal(lang: Lang, x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let whole = number(lang, tenths / 10);
    let whole = if tenths < 0 && tenths / 10 == 0 {
        format!("-{whole}")
    } else {
        whole
    };
    match (tenths % 10).abs() {
        0 => whole,
        t => match lang {
            Lang::Vi => format!("{whole},{t}"),
            Lang::En => format!("{whole}.{t}"),
        },
    }
}

/// A whole percentage (a task's progress): "60 %" / "60%".
pub fn whole_percent(lang: Lang, p: i32) -> String {
    match lang {
        Lang::Vi => format!("{p}\u{a0}%"),
        Lang::En => format!("{p}%"),
    }
}

pub fn has(key: &str) -> bool {
    table().contains_key(key)
}

include!("words.rs");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_as_each_language_writes_them() {
        assert_eq!(number(Lang::Vi, 1234), "1.234");
        assert_eq!(decimal(Lang::Vi, 92.5), "92,5");
        assert_eq!(decimal(Lang::Vi, 95.0), "95");
        assert_eq!(decimal(Lang::Vi, 1234.56), "1.234,6");
        assert_eq!(decimal(Lang::En, -0.5), "-0.5");
        assert_eq!(number(Lang::Vi, 1_234_567), "1.234.567");
        assert_eq!(number(Lang::Vi, 999), "999");
        assert_eq!(number(Lang::Vi, -1000), "-1.000");
        assert_eq!(number(Lang::En, 1234), "1,234");
        assert_eq!(percent(Lang::Vi, 0.143), "14,3\u{a0}%");
        assert_eq!(percent(Lang::En, 0.143), "14.3%");
        assert_eq!(whole_percent(Lang::Vi, 60), "60\u{a0}%");
    }

    /// Every `t("key")` in the templates exists, and no key is defined twice.
    #[test]
    fn every_template_key_is_translated() {
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split(".t(\"").skip(1) {
                    let key = part.split('"').next().unwrap();
                    if !has(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:#?}");
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in WORDS {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "{k}");
        }
    }

    #[test]
    fn enum_keys_exist() {
        use crate::domain::permissions::Role;
        use crate::domain::status::{Status, Timeliness};
        for s in Status::ALL {
            assert!(has(&format!("status.{}", s.as_str())));
        }
        for b in Timeliness::ALL {
            assert!(has(&format!("bucket.{}", b.as_str())));
        }
        for r in Role::ALL {
            assert!(has(&format!("role.{}", r.as_str())));
        }
        for k in crate::domain::status::ReportKind::ALL {
            assert!(has(&format!("report.kind.{}", k.as_str())));
        }
        for k in crate::models::unit::UnitKind::ALL {
            assert!(has(&format!("kind.{}", k.as_str())));
            assert!(has(&format!("kinds.{}", k.as_str())));
        }
    }
}
