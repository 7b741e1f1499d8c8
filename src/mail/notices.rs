//! Messages caused by a change, queued inside the transaction that makes the change: if the
//! change rolls back, so do its messages.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::db::schema::{task_coordinators, tasks};
use crate::db::DbConn;
use crate::domain::dates::today_in_vietnam;
use crate::domain::mail::Kind;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::mail::outbox::{enqueue, NewMail, Recipient};
use crate::mail::recipients;
use crate::models::now;

fn today() -> NaiveDate {
    today_in_vietnam(chrono::Utc::now())
}

/// A published directive's tasks: one mail per recipient listing the tasks their unit leads and
/// those it coordinates.
pub fn assigned(conn: &mut DbConn, directive_id: i64) -> AppResult<usize> {
    let leads: Vec<(i64, i64)> = tasks::table
        .filter(tasks::directive_id.eq(directive_id))
        .order(tasks::id)
        .select((tasks::id, tasks::lead_unit_id))
        .load(conn)?;
    let task_ids: Vec<i64> = leads.iter().map(|(t, _)| *t).collect();
    let coordinating: Vec<(i64, i64)> = task_coordinators::table
        .filter(task_coordinators::task_id.eq_any(&task_ids))
        .order(task_coordinators::task_id)
        .select((task_coordinators::task_id, task_coordinators::unit_id))
        .load(conn)?;
    let mut units: Vec<i64> = leads.iter().chain(&coordinating).map(|(_, u)| *u).collect();
    units.sort_unstable();
    units.dedup();
    let people = recipients::of_units(conn, &units, Kind::Assigned)?;
    // address -> (recipient, tasks led, tasks coordinated); a person in a unit that both leads
    // one task and coordinates another gets both lists in one mail.
    let mut by_address: BTreeMap<String, (Recipient, Vec<i64>, Vec<i64>)> = BTreeMap::new();
    for (list, lead) in [(&leads, true), (&coordinating, false)] {
        for (task, unit) in list {
            for r in people.get(unit).into_iter().flatten() {
                let e = by_address
                    .entry(r.address.clone())
                    .or_insert_with(|| (r.clone(), Vec::new(), Vec::new()));
                let ids = if lead { &mut e.1 } else { &mut e.2 };
                if !ids.contains(task) {
                    ids.push(*task);
                }
            }
        }
    }
    let (now, day) = (now(), today().to_string());
    let mails: Vec<NewMail> = by_address
        .into_values()
        .map(|(r, lead, coordinate)| {
            NewMail::new(Kind::Assigned, &format!("d{directive_id}"), &r, &day, now)
                .directive(directive_id)
                .payload(json!({"lead": lead, "coordinate": coordinate}))
        })
        .collect();
    enqueue(conn, &mails)
}

/// A status change: completion reported goes to the secretariat; confirmed or returned goes to
/// the lead unit. `version` is the task's version after the change, so a second report of the
/// same task the same day is a new message.
pub fn moved(
    conn: &mut DbConn,
    task_id: i64,
    lead_unit_id: i64,
    from: Status,
    to: Status,
    version: i32,
    note: &str,
) -> AppResult<usize> {
    let kind = match (from, to) {
        (_, Status::Reported) => Kind::Reported,
        (Status::Reported, Status::Done) => Kind::Confirmed,
        (Status::Reported, Status::InProgress) => Kind::Returned,
        _ => return Ok(0),
    };
    let to_whom = if kind == Kind::Reported {
        recipients::secretariat(conn, kind)?
    } else {
        recipients::of_units(conn, &[lead_unit_id], kind)?
            .remove(&lead_unit_id)
            .unwrap_or_default()
    };
    let payload = json!({"note": note.trim()});
    queue_about_task(
        conn,
        kind,
        task_id,
        &format!("t{task_id}v{version}"),
        &to_whom,
        payload,
    )
}

/// An extension request made (to the secretariat) or decided (to the lead unit).
pub fn extension(conn: &mut DbConn, kind: Kind, request_id: i64, task_id: i64) -> AppResult<usize> {
    let to_whom = if kind == Kind::ExtensionRequested {
        recipients::secretariat(conn, kind)?
    } else {
        let lead: i64 = tasks::table
            .find(task_id)
            .select(tasks::lead_unit_id)
            .first(conn)?;
        recipients::of_units(conn, &[lead], kind)?
            .remove(&lead)
            .unwrap_or_default()
    };
    let payload = json!({"request": request_id});
    queue_about_task(
        conn,
        kind,
        task_id,
        &format!("e{request_id}"),
        &to_whom,
        payload,
    )
}

fn queue_about_task(
    conn: &mut DbConn,
    kind: Kind,
    task_id: i64,
    subject: &str,
    to_whom: &[Recipient],
    payload: serde_json::Value,
) -> AppResult<usize> {
    let (now, day) = (now(), today().to_string());
    let mails: Vec<NewMail> = to_whom
        .iter()
        .map(|r| {
            NewMail::new(kind, subject, r, &day, now)
                .task(task_id)
                .payload(payload.clone())
        })
        .collect();
    enqueue(conn, &mails)
}

/// A password-reset link. The token is kept only until the message is sent.
pub fn password_reset(conn: &mut DbConn, user_id: i64, token: &str, key: &str) -> AppResult<usize> {
    let Some(r) = recipients::user(conn, user_id)? else {
        return Ok(0);
    };
    let mail = NewMail::new(Kind::PasswordReset, key, &r, &today().to_string(), now())
        .payload(json!({"token": token}));
    enqueue(conn, &[mail])
}
