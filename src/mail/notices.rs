//! Messages caused by a change, queued inside the transaction that makes the change: if the
//! change rolls back, so do its messages. The same changes tell the webhook endpoints that want
//! to hear of them (`models::webhook::tell`), in the same transaction.

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::db::schema::{task_coordinators, tasks};
use crate::db::{id_in, DbConn};
use crate::domain::dates::Moment;
use crate::domain::ids::{DirectiveId, TaskId, UnitId, UserId};
use crate::domain::mail::Kind;
use crate::domain::status::Status;
use crate::domain::webhook::Event;
use crate::error::AppResult;
use crate::mail::outbox::{enqueue, NewMail, Recipient};
use crate::mail::{payload, recipients};
use crate::models::task::Moved;
use crate::models::webhook;

/// A published directive's tasks: one mail per recipient listing the tasks their unit leads and
/// those it coordinates.
pub fn assigned(conn: &mut DbConn, directive_id: DirectiveId, at: Moment) -> AppResult<usize> {
    let ids: Vec<TaskId> = tasks::table
        .filter(tasks::directive_id.eq(directive_id))
        .order(tasks::id)
        .select(tasks::id)
        .load(conn)?;
    assigned_tasks(conn, directive_id, &ids, &format!("d{directive_id}"), at)
}

/// Some of a directive's tasks, new (a recurring item's next period): the same mail, `subject`
/// naming the occasion.
pub fn assigned_tasks(
    conn: &mut DbConn,
    directive_id: DirectiveId,
    task_ids: &[TaskId],
    subject: &str,
    at: Moment,
) -> AppResult<usize> {
    let extra = serde_json::json!({ "directive_id": directive_id });
    let key = format!("assigned:{subject}");
    webhook::tell(conn, Event::TaskAssigned, key, task_ids, extra, at)?;
    let leads: Vec<(TaskId, UnitId)> = tasks::table
        .filter(id_in(tasks::id, task_ids))
        .order(tasks::id)
        .select((tasks::id, tasks::lead_unit_id))
        .load(conn)?;
    let coordinating: Vec<(TaskId, UnitId)> = task_coordinators::table
        .filter(id_in(task_coordinators::task_id, task_ids))
        .order(task_coordinators::task_id)
        .select((task_coordinators::task_id, task_coordinators::unit_id))
        .load(conn)?;
    let mut units: Vec<UnitId> = leads.iter().chain(&coordinating).map(|(_, u)| *u).collect();
    units.sort_unstable();
    units.dedup();
    let people = recipients::of_units(conn, &units, Kind::Assigned)?;
    // address -> (recipient, tasks led, tasks coordinated); a person in a unit that both leads
    // one task and coordinates another gets both lists in one mail.
    let mut by_address: BTreeMap<String, (Recipient, Vec<TaskId>, Vec<TaskId>)> = BTreeMap::new();
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
    let day = at.today.to_string();
    let mails: Vec<NewMail> = by_address
        .into_values()
        .map(|(r, lead, coordinate)| {
            NewMail::new(Kind::Assigned, subject, &r, &day, at.now)
                .directive(directive_id)
                .payload(&payload::Assigned { lead, coordinate })
        })
        .collect();
    enqueue(conn, &mails)
}

/// A status change: completion reported goes to the secretariat; confirmed or returned goes to
/// the lead unit. The version after the change names the message, so a second report of the
/// same task the same day is a new message.
pub fn moved(
    conn: &mut DbConn,
    task_id: TaskId,
    m: &Moved,
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    // Every move is an event for other systems; only some are mail.
    let extra = serde_json::json!({ "from": m.from, "to": m.to, "note": note.trim() });
    let key = format!("status:{task_id}:{}", m.version);
    webhook::tell(conn, Event::StatusChanged, key, &[task_id], extra, at)?;
    let kind = match (m.from, m.to) {
        (_, Status::Reported) => Kind::Reported,
        (Status::Reported, Status::Done) => Kind::Confirmed,
        (Status::Reported, Status::InProgress) => Kind::Returned,
        _ => return Ok(0),
    };
    let to_whom = if kind == Kind::Reported {
        recipients::secretariat(conn, kind)?
    } else {
        recipients::of_units(conn, &[m.lead_unit_id], kind)?
            .remove(&m.lead_unit_id)
            .unwrap_or_default()
    };
    let payload = payload::Moved {
        note: note.trim().to_string(),
    };
    let subject = format!("t{task_id}v{}", m.version);
    queue_about_task(conn, kind, task_id, &subject, &to_whom, &payload, at)
}

/// An extension request made (to the secretariat) or decided (to the lead unit).
pub fn extension(
    conn: &mut DbConn,
    kind: Kind,
    request_id: i64,
    task_id: TaskId,
    at: Moment,
) -> AppResult<usize> {
    if kind == Kind::ExtensionDecided {
        let extra = serde_json::json!({ "extension_id": request_id });
        let key = format!("extension:{request_id}");
        webhook::tell(conn, Event::ExtensionDecided, key, &[task_id], extra, at)?;
    }
    let to_whom = if kind == Kind::ExtensionRequested {
        recipients::secretariat(conn, kind)?
    } else {
        let lead: UnitId = tasks::table
            .find(task_id)
            .select(tasks::lead_unit_id)
            .first(conn)?;
        recipients::of_units(conn, &[lead], kind)?
            .remove(&lead)
            .unwrap_or_default()
    };
    let payload = payload::Extension {
        request: request_id,
    };
    queue_about_task(
        conn,
        kind,
        task_id,
        &format!("e{request_id}"),
        &to_whom,
        &payload,
        at,
    )
}

/// Đôn đốc: each chase's mail to its task's lead unit's people and contact addresses, once per
/// chase; over many tasks, the recipients are looked up once for all the units.
pub fn chased(
    conn: &mut DbConn,
    chased: &[(TaskId, UnitId, crate::models::chase::Chased)],
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    let kind = Kind::Chased;
    for (task, _, c) in chased {
        let extra = serde_json::json!({ "note": note.trim(), "times": c.count });
        let key = format!("chased:{}", c.id);
        webhook::tell(conn, Event::Chased, key, &[*task], extra, at)?;
    }
    let mut units: Vec<UnitId> = chased.iter().map(|c| c.1).collect();
    units.sort_unstable();
    units.dedup();
    let people = recipients::of_units(conn, &units, kind)?;
    let day = at.today.to_string();
    let mut mails = Vec::new();
    for (task, unit, c) in chased {
        let payload = payload::Chased {
            count: c.count,
            note: note.trim().to_string(),
        };
        for r in people.get(unit).into_iter().flatten() {
            let m = NewMail::new(kind, &format!("c{}", c.id), r, &day, at.now)
                .task(*task)
                .payload(&payload);
            mails.push(m);
        }
    }
    enqueue(conn, &mails)
}

/// Giải trình: asked, asked again or accepted (to the lead unit's people and contact
/// addresses), or answered (to the person who asked).
pub fn explanation(
    conn: &mut DbConn,
    kind: Kind,
    e: &crate::models::explanation::Explanation,
    at: Moment,
) -> AppResult<usize> {
    let event = match kind {
        Kind::ExplanationAsked => Some(Event::ExplanationAsked),
        Kind::ExplanationAnswered => Some(Event::ExplanationAnswered),
        _ => None,
    };
    if let Some(event) = event {
        let extra = serde_json::json!({ "explanation_id": e.id, "reply_by": e.reply_by });
        let key = format!("{event}:{}", e.id);
        webhook::tell(conn, event, key, &[e.task_id], extra, at)?;
    }
    let to_whom = if kind == Kind::ExplanationAnswered {
        match e.asked_by {
            Some(asker) => recipients::user_wanting(conn, asker, kind)?
                .into_iter()
                .collect(),
            None => Vec::new(),
        }
    } else {
        recipients::of_units(conn, &[e.unit_id], kind)?
            .remove(&e.unit_id)
            .unwrap_or_default()
    };
    let payload = payload::Explanation { explanation: e.id };
    let subject = format!("x{}-{}", e.id, kind.as_str());
    queue_about_task(conn, kind, e.task_id, &subject, &to_whom, &payload, at)
}

/// A task handed to people of the lead unit: to each of them, with the unit's date.
pub fn assigned_in_unit(
    conn: &mut DbConn,
    task_id: TaskId,
    people: &[UserId],
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    let kind = Kind::AssignedInUnit;
    let mut found = recipients::users_wanting(conn, people, kind)?;
    let to_whom: Vec<Recipient> = people.iter().filter_map(|p| found.remove(p)).collect();
    let payload = payload::Moved {
        note: note.to_string(),
    };
    let subject = format!("a{}", at.now.and_utc().timestamp());
    queue_about_task(conn, kind, task_id, &subject, &to_whom, &payload, at)
}

/// A message about a task to one unit's people and contact addresses, with a note; `subject`
/// names the occasion, so the same one is never queued twice.
pub fn to_unit(
    conn: &mut DbConn,
    kind: Kind,
    unit: UnitId,
    task_id: TaskId,
    subject: &str,
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    let to_whom = recipients::of_units(conn, &[unit], kind)?
        .remove(&unit)
        .unwrap_or_default();
    let payload = payload::Moved {
        note: note.to_string(),
    };
    queue_about_task(conn, kind, task_id, subject, &to_whom, &payload, at)
}

/// A correction after publishing: to each task's lead and coordinating units, saying what
/// changed and why; the recipients looked up once for all the units.
pub fn corrected(
    conn: &mut DbConn,
    task_ids: &[TaskId],
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    let kind = Kind::Corrected;
    let mut concerned: Vec<(TaskId, UnitId)> = tasks::table
        .filter(id_in(tasks::id, task_ids))
        .select((tasks::id, tasks::lead_unit_id))
        .load(conn)?;
    concerned.extend(
        task_coordinators::table
            .filter(id_in(task_coordinators::task_id, task_ids))
            .select((task_coordinators::task_id, task_coordinators::unit_id))
            .load::<(TaskId, UnitId)>(conn)?,
    );
    let mut units: Vec<UnitId> = concerned.iter().map(|c| c.1).collect();
    units.sort_unstable();
    units.dedup();
    let people = recipients::of_units(conn, &units, kind)?;
    let payload = payload::Moved {
        note: note.to_string(),
    };
    let subject = format!("fix{}", at.now.and_utc().timestamp());
    let day = at.today.to_string();
    let mut mails = Vec::new();
    for (task, unit) in &concerned {
        for r in people.get(unit).into_iter().flatten() {
            let key = format!("{subject}t{task}");
            mails.push(
                NewMail::new(kind, &key, r, &day, at.now)
                    .task(*task)
                    .payload(&payload),
            );
        }
    }
    enqueue(conn, &mails)
}

/// A message about a task to the secretariat, with a note.
pub fn to_secretariat(
    conn: &mut DbConn,
    kind: Kind,
    task_id: TaskId,
    subject: &str,
    note: &str,
    at: Moment,
) -> AppResult<usize> {
    let to_whom = recipients::secretariat(conn, kind)?;
    let payload = payload::Moved {
        note: note.to_string(),
    };
    queue_about_task(conn, kind, task_id, subject, &to_whom, &payload, at)
}

fn queue_about_task(
    conn: &mut DbConn,
    kind: Kind,
    task_id: TaskId,
    subject: &str,
    to_whom: &[Recipient],
    payload: &impl serde::Serialize,
    at: Moment,
) -> AppResult<usize> {
    let day = at.today.to_string();
    let mails: Vec<NewMail> = to_whom
        .iter()
        .map(|r| {
            NewMail::new(kind, subject, r, &day, at.now)
                .task(task_id)
                .payload(payload)
        })
        .collect();
    enqueue(conn, &mails)
}

/// A password-reset link. The token is kept only until the message is sent.
pub fn password_reset(
    conn: &mut DbConn,
    user_id: UserId,
    token: &str,
    key: &str,
    at: Moment,
) -> AppResult<usize> {
    let Some(r) = recipients::user(conn, user_id)? else {
        return Ok(0);
    };
    let mail = NewMail::new(Kind::PasswordReset, key, &r, &at.today.to_string(), at.now).payload(
        &payload::PasswordReset {
            token: token.to_string(),
        },
    );
    enqueue(conn, &[mail])
}
