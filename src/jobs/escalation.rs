//! The daily pass's escalations: late, silent and waiting work climbs by the admin's rules.
//! Each fires once per threshold per task (or per request): the outbox key names the task, the
//! rule and the date the threshold counts from, and not the day of the pass, so tomorrow's pass
//! queues nothing twice, however many instances run it. Each rule reads one bounded window
//! (`domain::escalation::window`) through an index, not every late task.

use std::collections::{BTreeSet, HashMap};

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{explanations, extension_requests, tasks};
use crate::db::DbConn;
use crate::domain::calendar::Calendar;
use crate::domain::dates::vn_day_start;
use crate::domain::escalation::{window, working_days_before, Rule, Rules};
use crate::domain::ids::{TaskId, UnitId, UserId};
use crate::domain::mail::Kind;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::mail::outbox::{enqueue, NewMail, Recipient};
use crate::mail::{payload, recipients};
use crate::models::explanation::State;
use crate::models::extension::Decision;

/// A task (or a request about one) that crossed a rule's threshold, and since when.
struct Crossed {
    task: TaskId,
    unit: UnitId,
    /// What the once-only key is about: the task, or the waiting request.
    about: String,
}

/// Who gets one escalation: the addressees and who is in copy.
struct Addressed {
    to: Vec<Recipient>,
    cc: Vec<String>,
}

/// The outbox's "day" for escalations: none, so that the key is once per threshold.
const ONCE: &str = "-";

/// Queues the day's escalations; returns how many messages.
pub fn queue(
    conn: &mut DbConn,
    cal: &Calendar,
    rules: &Rules,
    day: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let mut mails = Vec::new();
    let head = overdue_by(conn, working_days_before(cal, day, rules.overdue_head_days))?;
    mails.extend(address(
        conn,
        Rule::OverdueHead,
        rules.overdue_head_days,
        head,
        now,
    )?);
    let leader = overdue_by(
        conn,
        working_days_before(cal, day, rules.overdue_leader_days),
    )?;
    mails.extend(address(
        conn,
        Rule::OverdueLeader,
        rules.overdue_leader_days,
        leader,
        now,
    )?);
    let silent_since = day - Days::new(rules.silent_days.max(0) as u64);
    let silent = silent(conn, silent_since)?;
    mails.extend(address(conn, Rule::Silent, rules.silent_days, silent, now)?);
    let waited = working_days_before(cal, day, rules.waiting_days);
    let extensions = waiting_extensions(conn, waited)?;
    mails.extend(address(
        conn,
        Rule::WaitingExtension,
        rules.waiting_days,
        extensions,
        now,
    )?);
    let answers = waiting_answers(conn, waited)?;
    mails.extend(address(
        conn,
        Rule::WaitingExplanation,
        rules.waiting_days,
        answers,
        now,
    )?);
    let unanswered = unanswered(conn, day)?;
    mails.extend(address(conn, Rule::Unanswered, 0, unanswered, now)?);
    enqueue(conn, &mails)
}

/// Tasks being worked on whose deadline is within the window ending at `cutoff`.
fn overdue_by(conn: &mut DbConn, cutoff: NaiveDate) -> AppResult<Vec<Crossed>> {
    let (from, to) = window(cutoff);
    let rows: Vec<(TaskId, UnitId, Option<NaiveDate>)> = tasks::table
        .filter(crate::db::word_in(tasks::status, &Status::WORKING))
        .filter(tasks::due_on.between(from, to))
        .order(tasks::id)
        .select((tasks::id, tasks::lead_unit_id, tasks::due_on))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(task, unit, due)| Crossed {
            task,
            unit,
            about: format!(
                "t{task}:due{}",
                due.map(|d| d.to_string()).unwrap_or_default()
            ),
        })
        .collect())
}

/// Tasks being worked on with no change since a day within the window ending at `since`.
fn silent(conn: &mut DbConn, since: NaiveDate) -> AppResult<Vec<Crossed>> {
    let (from, to) = window(since);
    let mut out = Vec::new();
    for status in Status::WORKING {
        let rows: Vec<(TaskId, UnitId, NaiveDateTime)> = tasks::table
            .filter(tasks::status.eq(status))
            .filter(tasks::updated_at.ge(vn_day_start(from)))
            .filter(tasks::updated_at.lt(vn_day_start(to + Days::new(1))))
            .order(tasks::id)
            .select((tasks::id, tasks::lead_unit_id, tasks::updated_at))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(task, unit, at)| Crossed {
            task,
            unit,
            about: format!("t{task}:since{}", at.format("%Y%m%d%H%M%S")),
        }));
    }
    out.sort_by_key(|c| c.task);
    Ok(out)
}

/// Extension requests waiting for a decision since a day within the window ending at `cutoff`.
fn waiting_extensions(conn: &mut DbConn, cutoff: NaiveDate) -> AppResult<Vec<Crossed>> {
    let (from, to) = window(cutoff);
    let rows: Vec<(i64, TaskId, UnitId)> = extension_requests::table
        .inner_join(tasks::table)
        .filter(extension_requests::status.eq(Decision::Pending))
        .filter(extension_requests::created_at.ge(vn_day_start(from)))
        .filter(extension_requests::created_at.lt(vn_day_start(to + Days::new(1))))
        .order(extension_requests::id)
        .select((extension_requests::id, tasks::id, tasks::lead_unit_id))
        .load(conn)?;
    Ok(crossed_records(rows, 'e'))
}

/// Explanations answered and waiting for a decision since a day within the window.
fn waiting_answers(conn: &mut DbConn, cutoff: NaiveDate) -> AppResult<Vec<Crossed>> {
    let (from, to) = window(cutoff);
    let rows: Vec<(i64, TaskId, UnitId, Option<UserId>)> = explanations::table
        .filter(explanations::state.eq(State::Answered))
        .filter(explanations::answered_at.ge(vn_day_start(from)))
        .filter(explanations::answered_at.lt(vn_day_start(to + Days::new(1))))
        .order(explanations::id)
        .select((
            explanations::id,
            explanations::task_id,
            explanations::unit_id,
            explanations::asked_by,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, task, unit, asker)| Crossed {
            task,
            unit,
            about: format!("x{id}:u{}", asker.map(|a| a.0).unwrap_or(0)),
        })
        .collect())
}

/// Explanations not answered by their date (within the catch-up window).
fn unanswered(conn: &mut DbConn, day: NaiveDate) -> AppResult<Vec<Crossed>> {
    let (from, to) = window(day.pred_opt().unwrap_or(day));
    let rows: Vec<(i64, TaskId, UnitId)> = explanations::table
        .filter(explanations::state.eq(State::Asked))
        .filter(explanations::reply_by.between(from, to))
        .order(explanations::id)
        .select((
            explanations::id,
            explanations::task_id,
            explanations::unit_id,
        ))
        .load(conn)?;
    Ok(crossed_records(rows, 'x'))
}

/// Records (extension requests `e`, explanations `x`) that crossed, each once by its id.
fn crossed_records(rows: Vec<(i64, TaskId, UnitId)>, tag: char) -> Vec<Crossed> {
    rows.into_iter()
        .map(|(id, task, unit)| Crossed {
            task,
            unit,
            about: format!("{tag}{id}"),
        })
        .collect()
}

/// The messages for the crossed, each addressed as its rule says.
fn address(
    conn: &mut DbConn,
    rule: Rule,
    days: i32,
    crossed: Vec<Crossed>,
    now: NaiveDateTime,
) -> AppResult<Vec<NewMail>> {
    if crossed.is_empty() {
        return Ok(Vec::new());
    }
    let units: Vec<UnitId> = crossed
        .iter()
        .map(|c| c.unit)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let kind = Kind::Escalated;
    let leaders = recipients::leaders_in_charge(conn, &units, kind)?;
    let heads = match rule {
        Rule::OverdueHead | Rule::Unanswered => recipients::heads(conn, &units, kind)?,
        Rule::Silent => recipients::of_units(conn, &units, kind)?,
        _ => HashMap::new(),
    };
    let secretariat = match rule {
        Rule::OverdueLeader | Rule::WaitingExtension => recipients::secretariat(conn, kind)?,
        _ => Vec::new(),
    };
    let askers = match rule {
        Rule::WaitingExplanation => askers(conn, &crossed, kind)?,
        _ => HashMap::new(),
    };
    let mut out = Vec::new();
    for c in crossed {
        let leader = leaders.get(&c.unit);
        let who = match rule {
            Rule::OverdueHead | Rule::Unanswered => Addressed {
                to: heads.get(&c.unit).cloned().unwrap_or_default(),
                cc: leader.map(|l| vec![l.address.clone()]).unwrap_or_default(),
            },
            // To the leader in charge; where no one is in charge, to the secretariat.
            Rule::OverdueLeader => Addressed {
                to: match leader {
                    Some(l) => vec![l.clone()],
                    None => secretariat.clone(),
                },
                cc: Vec::new(),
            },
            Rule::Silent => Addressed {
                to: heads.get(&c.unit).cloned().unwrap_or_default(),
                cc: Vec::new(),
            },
            Rule::WaitingExtension => Addressed {
                to: secretariat.iter().chain(leader).cloned().collect(),
                cc: Vec::new(),
            },
            Rule::WaitingExplanation => Addressed {
                to: askers.get(&c.about).cloned().into_iter().collect(),
                cc: Vec::new(),
            },
        };
        // The copy rides on the first message only, so it arrives once; and not to someone
        // who is already an addressee.
        let mut cc: Vec<String> = who
            .cc
            .into_iter()
            .filter(|a| !who.to.iter().any(|r| r.address == *a))
            .collect();
        for r in &who.to {
            let payload = payload::Escalated {
                rule,
                days,
                cc: std::mem::take(&mut cc),
            };
            let subject = format!("{}:{}", rule.as_str(), c.about);
            out.push(
                NewMail::new(kind, &subject, r, ONCE, now)
                    .task(c.task)
                    .payload(&payload),
            );
        }
    }
    Ok(out)
}

/// Whoever asked each waiting explanation, by the key `waiting_answers` made.
fn askers(
    conn: &mut DbConn,
    crossed: &[Crossed],
    kind: Kind,
) -> AppResult<HashMap<String, Recipient>> {
    let asker = |c: &Crossed| -> Option<UserId> {
        c.about
            .rsplit_once(":u")
            .and_then(|(_, id)| id.parse().ok())
            .map(UserId)
    };
    let ids: Vec<UserId> = crossed.iter().filter_map(asker).collect();
    let people = recipients::users_wanting(conn, &ids, kind)?;
    Ok(crossed
        .iter()
        .filter_map(|c| Some((c.about.clone(), people.get(&asker(c)?)?.clone())))
        .collect())
}
