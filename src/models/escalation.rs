//! The escalation rules an admin sets: one row, read by the daily pass.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::escalation_rules;
use crate::db::DbConn;
use crate::domain::escalation::Rules;
use crate::domain::ids::UserId;
use crate::error::AppResult;

/// The rules in force (the defaults if the row is somehow missing).
pub fn load(conn: &mut DbConn) -> AppResult<Rules> {
    let row: Option<(i32, i32, i32, i32)> = escalation_rules::table
        .find(1)
        .select((
            escalation_rules::overdue_head_days,
            escalation_rules::overdue_leader_days,
            escalation_rules::silent_days,
            escalation_rules::waiting_days,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((h, l, s, w)) => Rules {
            overdue_head_days: h,
            overdue_leader_days: l,
            silent_days: s,
            waiting_days: w,
        },
        None => Rules::default(),
    })
}

/// Stores the rules, checked by the caller.
pub fn save(conn: &mut DbConn, r: &Rules, by: UserId, at: NaiveDateTime) -> AppResult<()> {
    diesel::update(escalation_rules::table.find(1))
        .set((
            escalation_rules::overdue_head_days.eq(r.overdue_head_days),
            escalation_rules::overdue_leader_days.eq(r.overdue_leader_days),
            escalation_rules::silent_days.eq(r.silent_days),
            escalation_rules::waiting_days.eq(r.waiting_days),
            escalation_rules::updated_by.eq(by),
            escalation_rules::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}
