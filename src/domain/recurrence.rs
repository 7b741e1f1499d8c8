//! How often a recurring item is reported ("hằng tháng", "hằng quý"): one list, read by the
//! extractor, offered by the review form and stored, so a choice cannot fall between them.

use serde::Serialize;

/// Stored as its `as_str` word (see `db::enums`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 5] = [
        Recurrence::Weekly,
        Recurrence::Monthly,
        Recurrence::Quarterly,
        Recurrence::HalfYearly,
        Recurrence::Yearly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Weekly => "weekly",
            Recurrence::Monthly => "monthly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::HalfYearly => "half_yearly",
            Recurrence::Yearly => "yearly",
        }
    }

    pub fn parse(s: &str) -> Option<Recurrence> {
        Recurrence::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl std::fmt::Display for Recurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
