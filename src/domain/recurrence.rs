//! How often a recurring item is reported ("hằng tháng", "hằng quý"): one list, read by the
//! extractor, offered by the review form and stored, so a choice cannot fall between them.

/// Stored as its `as_str` word (see `db::enums`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Recurrence {
    Weekly,
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

crate::words!(Recurrence {
    Weekly = "weekly",
    Monthly = "monthly",
    Quarterly = "quarterly",
    HalfYearly = "half_yearly",
    Yearly = "yearly",
});
