//! The day's reminders and digests (and, through `escalation` and `weekly`, its escalations and
//! the leaders' Monday summaries), queued in the outbox. A pass for a day is idempotent (the
//! outbox keys carry the day), so every instance may run it; the finished pass is recorded so
//! the scheduler does not repeat the work.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{mail_passes, tasks, units, users};
use crate::db::DbConn;
use crate::domain::calendar::Calendar;
use crate::domain::mail::Kind;
use crate::domain::permissions::Role;
use crate::domain::reminders::{due_targets, overdue_targets, Schedule};
use crate::domain::status::Status;

use crate::domain::ids::{TaskId, UnitId};
use crate::error::AppResult;
use crate::mail::outbox::{enqueue, NewMail};
use crate::mail::{payload, recipients};

/// What a pass queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Queued {
    pub reminders: usize,
    pub digests: usize,
    pub escalations: usize,
    pub summaries: usize,
    /// Tasks made for recurring items' coming periods.
    pub periods: usize,
}

/// What each part of a day's pass reads: the working calendar, the reminder schedule, the day,
/// and the moment the pass runs.
#[derive(Clone, Copy)]
struct Pass<'a> {
    cal: &'a Calendar,
    schedule: &'a Schedule,
    day: NaiveDate,
    now: NaiveDateTime,
}

/// Queues the reminders and digests of `day` and records the pass, `now` being when.
pub fn queue_day(
    conn: &mut DbConn,
    cal: &Calendar,
    schedule: &Schedule,
    day: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<Queued> {
    crate::db::write(conn, |conn| {
        // The coming periods' tasks first: they are told of and reminded like any other.
        let periods = super::recurring::make(conn, cal, day, now)?;
        let pass = Pass {
            cal,
            schedule,
            day,
            now,
        };
        let reminders = queue_reminders(conn, pass)? + queue_part_reminders(conn, pass)?;
        let digests = queue_digests(conn, pass)?;
        let rules = crate::models::escalation::load(conn)?;
        let escalations = super::escalation::queue(conn, cal, &rules, day, now)?;
        let summaries = super::weekly::queue(conn, day, now)?;
        record_pass(
            conn,
            day,
            reminders + digests + escalations + summaries,
            now,
        )?;
        Ok(Queued {
            reminders,
            digests,
            escalations,
            summaries,
            periods,
        })
    })
}

fn queue_reminders(conn: &mut DbConn, pass: Pass) -> AppResult<usize> {
    let earliest: Option<NaiveDate> = tasks::table
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .select(diesel::dsl::min(tasks::due_on))
        .first(conn)?;
    let mut targets = due_targets(pass.cal, pass.schedule, pass.day);
    if let Some(earliest) = earliest {
        targets.extend(overdue_targets(pass.cal, pass.schedule, pass.day, earliest));
    }
    // One index range per due date on (status, due_on, lead_unit_id): the cost follows the
    // number of tasks reminded, not the number of tasks. In a fixed order, so that instances
    // running the same pass insert the same keys in the same order (no deadlock between them).
    let mut due: Vec<(TaskId, UnitId)> = Vec::new();
    for chunk in targets.chunks(400) {
        due.extend(
            tasks::table
                .filter(crate::db::word_in(tasks::status, &Status::WORKING))
                .filter(tasks::due_on.eq_any(chunk))
                .order(tasks::id)
                .select((tasks::id, tasks::lead_unit_id))
                .load::<(TaskId, UnitId)>(conn)?,
        );
    }
    // One mail per recipient and day for all of the unit's tasks reminded that day: a unit with
    // thirty tasks due gets a list, not thirty mails.
    let mut by_unit: BTreeMap<UnitId, Vec<TaskId>> = BTreeMap::new();
    for (task, unit) in due {
        by_unit.entry(unit).or_default().push(task);
    }
    let unit_ids: Vec<UnitId> = by_unit.keys().copied().collect();
    let people = recipients::of_units(conn, &unit_ids, Kind::Reminder)?;
    let day_s = pass.day.to_string();
    let mut mails = Vec::new();
    for (unit, tasks) in by_unit {
        let only = match tasks.as_slice() {
            [only] => Some(*only),
            _ => None,
        };
        let payload = payload::Reminder {
            day: pass.day,
            tasks,
        };
        for r in people.get(&unit).into_iter().flatten() {
            let mut m = NewMail::new(Kind::Reminder, &format!("u{unit}"), r, &day_s, pass.now)
                .payload(&payload);
            m.task_id = only;
            mails.push(m);
        }
    }
    enqueue(conn, &mails)
}

/// The parts the lead units asked of coordinating units and still wait for, reminded on the
/// same days before and after their date as a task's: one mail per task to each such unit.
fn queue_part_reminders(conn: &mut DbConn, pass: Pass) -> AppResult<usize> {
    let mut targets = due_targets(pass.cal, pass.schedule, pass.day);
    if let Some(earliest) = crate::models::coordination::earliest_waiting(conn)? {
        targets.extend(overdue_targets(pass.cal, pass.schedule, pass.day, earliest));
    }
    let waiting = crate::models::coordination::waiting_on(conn, &targets)?;
    let mut units: Vec<UnitId> = waiting.iter().map(|(_, u, _)| *u).collect();
    units.sort_unstable();
    units.dedup();
    let people = recipients::of_units(conn, &units, Kind::CoordinationReminder)?;
    let day_s = pass.day.to_string();
    let mut mails = Vec::new();
    for (task, unit, due) in waiting {
        let note = payload::Moved {
            note: crate::domain::dates::format_date(due),
        };
        for r in people.get(&unit).into_iter().flatten() {
            let key = format!("k{task}-{unit}");
            let m = NewMail::new(Kind::CoordinationReminder, &key, r, &day_s, pass.now)
                .task(task)
                .payload(&note);
            mails.push(m);
        }
    }
    enqueue(conn, &mails)
}

/// One digest per person (or unit address) that chose it, for each unit with something to say.
fn queue_digests(conn: &mut DbConn, pass: Pass) -> AppResult<usize> {
    // Digests follow the reminders' calendar: none on a day off in working-day mode.
    if pass.schedule.working_days && !pass.cal.is_working(pass.day) {
        return Ok(0);
    }
    let mut unit_ids: Vec<UnitId> = users::table
        .filter(users::mail_mode.eq("digest"))
        .filter(users::active.eq(true))
        .filter(crate::db::word_in(
            users::role,
            &[Role::UnitHead, Role::UnitStaff],
        ))
        .filter(users::unit_id.is_not_null())
        .select(users::unit_id.assume_not_null())
        .distinct()
        .load(conn)?;
    unit_ids.extend(
        units::table
            .filter(units::mail_digest.eq(true))
            .select(units::id)
            .load::<UnitId>(conn)?,
    );
    unit_ids.sort_unstable();
    unit_ids.dedup();
    let week = pass.day + Duration::days(7);
    let since = crate::domain::dates::vn_day_start(pass.day - Duration::days(1));
    let mut busy = Vec::new();
    for unit in unit_ids {
        // Something due within the week or overdue, or a task touched since yesterday (a
        // return): otherwise the digest would be empty and is not queued.
        let open = || {
            tasks::table
                .filter(tasks::lead_unit_id.eq(unit))
                .filter(crate::db::word_in(tasks::status, &Status::WORKING))
                .into_boxed()
        };
        let due_soon = open()
            .filter(tasks::due_on.le(week))
            .select(tasks::id)
            .first::<i64>(conn)
            .optional()?;
        let touched = open()
            .filter(tasks::status.eq(Status::InProgress))
            .filter(tasks::updated_at.ge(since))
            .select(tasks::id)
            .first::<i64>(conn)
            .optional()?;
        if due_soon.is_some() || touched.is_some() {
            busy.push(unit);
        }
    }
    let people = recipients::of_units(conn, &busy, Kind::Digest)?;
    let day_s = pass.day.to_string();
    let mut mails = Vec::new();
    for unit in busy {
        for r in people.get(&unit).into_iter().flatten() {
            mails.push(
                NewMail::new(Kind::Digest, &format!("u{unit}"), r, &day_s, pass.now).payload(
                    &payload::Digest {
                        day: pass.day,
                        unit,
                    },
                ),
            );
        }
    }
    enqueue(conn, &mails)
}

fn record_pass(
    conn: &mut DbConn,
    day: NaiveDate,
    queued: usize,
    now: NaiveDateTime,
) -> AppResult<()> {
    let row = (
        mail_passes::day.eq(day),
        mail_passes::queued.eq(queued as i32),
        mail_passes::finished_at.eq(now),
    );
    match conn {
        DbConn::Sqlite(c) => diesel::insert_or_ignore_into(mail_passes::table)
            .values(row)
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(mail_passes::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(c)?,
    };
    Ok(())
}

/// Whether the day's pass has run (on any instance).
pub fn pass_done(conn: &mut DbConn, day: NaiveDate) -> AppResult<bool> {
    Ok(mail_passes::table
        .find(day)
        .count()
        .get_result::<i64>(conn)?
        > 0)
}
