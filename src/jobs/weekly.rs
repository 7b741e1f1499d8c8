//! Queues each leader's Monday summary of the units in their charge (the figures counted now,
//! so next week's summary can say what changed), unless they turned it off on /me.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Weekday};
use diesel::prelude::*;

use crate::db::schema::{units, users};
use crate::db::DbConn;
use crate::domain::ids::UserId;
use crate::domain::mail::Kind;
use crate::domain::permissions::Role;
use crate::error::AppResult;
use crate::mail::outbox::{enqueue, NewMail};
use crate::mail::{payload, recipients};
use crate::models::tally::{self, Axis, Scope};

/// On a Monday, one summary per leader in charge of a unit who wants it; other days nothing.
pub fn queue(conn: &mut DbConn, day: NaiveDate, now: NaiveDateTime) -> AppResult<usize> {
    if day.weekday() != Weekday::Mon {
        return Ok(0);
    }
    let leaders: Vec<UserId> = users::table
        .filter(users::role.eq(Role::Leader))
        .filter(users::active.eq(true))
        .filter(
            users::id.nullable().eq_any(
                units::table
                    .filter(units::active.eq(true))
                    .select(units::leader_id),
            ),
        )
        .order(users::id)
        .select(users::id)
        .load(conn)?;
    let year = (
        NaiveDate::from_ymd_opt(day.year(), 1, 1).expect("valid date"),
        NaiveDate::from_ymd_opt(day.year(), 12, 31).expect("valid date"),
    );
    let day_s = day.to_string();
    let mut mails = Vec::new();
    for leader in leaders {
        let Some(r) = recipients::user_wanting(conn, leader, Kind::WeeklySummary)? else {
            continue;
        };
        let scope = Scope::LeaderOf(leader);
        let late = tally::late_now(conn, scope, day)?;
        let (c, _) = tally::period_buckets(conn, Axis::Due, year, scope, day, &late)?;
        let summary = payload::WeeklySummary {
            day,
            leader,
            counts: [c.done_on_time, c.done_late, c.open_within, c.open_overdue],
        };
        mails.push(
            NewMail::new(Kind::WeeklySummary, &format!("w{leader}"), &r, &day_s, now)
                .payload(&summary),
        );
    }
    enqueue(conn, &mails)
}
