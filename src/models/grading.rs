//! The grading rules, one row per version: the newest is in force; issued reports keep the id
//! of the one they were graded by.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{grading_rules, users};
use crate::db::DbConn;
use crate::domain::dates::Moment;
use crate::domain::grading::Rule;
use crate::domain::ids::UserId;
use crate::error::AppResult;

/// One version of the rule, with who set it and why.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: i64,
    pub rule: Rule,
    pub note: String,
    pub set_by: Option<String>,
    pub set_at: NaiveDateTime,
}

type Columns = (
    grading_rules::id,
    (
        grading_rules::on_time,
        grading_rules::late,
        grading_rules::open_within,
        grading_rules::overdue,
        grading_rules::long_overdue,
        grading_rules::long_days,
        grading_rules::unanswered,
        grading_rules::excellent,
        grading_rules::good,
        grading_rules::pass,
    ),
    grading_rules::note,
    diesel::dsl::Nullable<users::name>,
    grading_rules::created_at,
);

type RuleRow = (f64, f64, Option<f64>, f64, f64, i32, f64, f64, f64, f64);

fn columns() -> Columns {
    (
        grading_rules::id,
        (
            grading_rules::on_time,
            grading_rules::late,
            grading_rules::open_within,
            grading_rules::overdue,
            grading_rules::long_overdue,
            grading_rules::long_days,
            grading_rules::unanswered,
            grading_rules::excellent,
            grading_rules::good,
            grading_rules::pass,
        ),
        grading_rules::note,
        users::name.nullable(),
        grading_rules::created_at,
    )
}

fn version(
    (id, r, note, set_by, set_at): (i64, RuleRow, String, Option<String>, NaiveDateTime),
) -> Version {
    let (
        on_time,
        late,
        open_within,
        overdue,
        long_overdue,
        long_days,
        unanswered,
        excellent,
        good,
        pass,
    ) = r;
    Version {
        id,
        rule: Rule {
            on_time,
            late,
            open_within,
            overdue,
            long_overdue,
            long_days,
            unanswered,
            excellent,
            good,
            pass,
        },
        note,
        set_by,
        set_at,
    }
}

/// Every version, newest (the one in force) first.
pub fn versions(conn: &mut DbConn) -> AppResult<Vec<Version>> {
    let rows: Vec<(i64, RuleRow, String, Option<String>, NaiveDateTime)> = grading_rules::table
        .left_join(users::table.on(users::id.nullable().eq(grading_rules::created_by)))
        .order(grading_rules::id.desc())
        .select(columns())
        .load(conn)?;
    Ok(rows.into_iter().map(version).collect())
}

/// The rule in force now and its id; the default if an installation somehow has none.
pub fn current(conn: &mut DbConn) -> AppResult<(i64, Rule)> {
    let row: Option<(i64, RuleRow, String, Option<String>, NaiveDateTime)> = grading_rules::table
        .left_join(users::table.on(users::id.nullable().eq(grading_rules::created_by)))
        .order(grading_rules::id.desc())
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(row
        .map(version)
        .map_or((0, Rule::default()), |v| (v.id, v.rule)))
}

/// Puts a new version in force; the rule has been checked.
pub fn set(conn: &mut DbConn, rule: &Rule, note: &str, by: UserId, at: Moment) -> AppResult<i64> {
    let id = diesel::insert_into(grading_rules::table)
        .values((
            grading_rules::on_time.eq(rule.on_time),
            grading_rules::late.eq(rule.late),
            grading_rules::open_within.eq(rule.open_within),
            grading_rules::overdue.eq(rule.overdue),
            grading_rules::long_overdue.eq(rule.long_overdue),
            grading_rules::long_days.eq(rule.long_days),
            grading_rules::unanswered.eq(rule.unanswered),
            grading_rules::excellent.eq(rule.excellent),
            grading_rules::good.eq(rule.good),
            grading_rules::pass.eq(rule.pass),
            grading_rules::note.eq(note),
            grading_rules::created_by.eq(Some(by)),
            grading_rules::created_at.eq(at.now),
        ))
        .returning(grading_rules::id)
        .get_result(conn)?;
    Ok(id)
}
