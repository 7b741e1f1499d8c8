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

/// A stored version as its row holds it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = grading_rules)]
struct Row {
    id: i64,
    on_time: f64,
    late: f64,
    open_within: Option<f64>,
    overdue: f64,
    long_overdue: f64,
    long_days: i32,
    unanswered: f64,
    excellent: f64,
    good: f64,
    pass: f64,
    note: String,
    created_at: NaiveDateTime,
}

fn version((r, set_by): (Row, Option<String>)) -> Version {
    Version {
        id: r.id,
        rule: Rule {
            on_time: r.on_time,
            late: r.late,
            open_within: r.open_within,
            overdue: r.overdue,
            long_overdue: r.long_overdue,
            long_days: r.long_days,
            unanswered: r.unanswered,
            excellent: r.excellent,
            good: r.good,
            pass: r.pass,
        },
        note: r.note,
        set_by,
        set_at: r.created_at,
    }
}

/// The versions, newest first, with who set each.
fn newest_first(conn: &mut DbConn, limit: i64) -> AppResult<Vec<Version>> {
    let rows: Vec<(Row, Option<String>)> = grading_rules::table
        .left_join(users::table.on(users::id.nullable().eq(grading_rules::created_by)))
        .order(grading_rules::id.desc())
        .select((Row::as_select(), users::name.nullable()))
        .limit(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(version).collect())
}

/// Every version, newest (the one in force) first.
pub fn versions(conn: &mut DbConn) -> AppResult<Vec<Version>> {
    newest_first(conn, 1000)
}

/// The rule in force now and its id; the default if an installation somehow has none.
pub fn current(conn: &mut DbConn) -> AppResult<(i64, Rule)> {
    Ok(newest_first(conn, 1)?
        .pop()
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
