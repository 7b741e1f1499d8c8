//! Chỉ đạo: conference conclusions turned into tracked tasks. See DESIGN.md for the words.

/// A stored enum, each variant written once with its word, and its `ALL`, `as_str`, `parse`,
/// `Display` and `Serialize` from those words: the one place a status, role or kind and its
/// stored word exist (their SQL mapping is `db::enums`).
#[macro_export]
macro_rules! words {
    (
        $(#[$meta:meta])*
        $vis:vis enum $t:ident {
            $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $t {
            $($(#[$vmeta])* $variant),+
        }

        impl $t {
            pub const ALL: [$t; [$($word),+].len()] = [$($t::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$variant => $word),+
                }
            }

            pub fn parse(s: &str) -> Option<$t> {
                match s {
                    $($word => Some($t::$variant),)+
                    _ => None,
                }
            }
        }

        impl $crate::domain::Word for $t {
            fn word(self) -> &'static str {
                self.as_str()
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

pub mod app;
pub mod backup;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod models;
pub mod reports;
pub mod web;
