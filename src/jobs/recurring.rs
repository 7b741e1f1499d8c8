//! The daily pass makes each recurring item's coming periods' tasks ahead of time: for every
//! lead unit of its latest period whose task was not cancelled, the next period's task with the
//! same coordinating units, due by the item's rule. Written set by set, so that ten thousand
//! items take a few statements per five hundred; one task per item, unit and period whatever
//! the number of passes and instances (a unique index, and inserts that pass over what exists).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{directives, journal, task_coordinators, task_units, tasks, units};
use crate::db::DbConn;
use crate::domain::calendar::Calendar;
use crate::domain::dates::Moment;
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId};
use crate::domain::recurrence::to_make;
use crate::domain::status::Status;
use crate::error::AppResult;
use crate::models::recurring;
use crate::models::task::search_text;

/// The most periods one pass makes for an item (a pass that has not run for a long time
/// catches up this far; the next pass goes on).
const MAX_PERIODS: usize = 24;

/// A task to make.
struct New {
    item: ItemId,
    directive: DirectiveId,
    lead: UnitId,
    coordinators: Vec<UnitId>,
    start: NaiveDate,
    due: NaiveDate,
    search: String,
}

/// Makes the tasks of the periods starting within the coming days; returns how many.
pub fn make(
    conn: &mut DbConn,
    cal: &Calendar,
    day: NaiveDate,
    now: NaiveDateTime,
) -> AppResult<usize> {
    let items = recurring::items(conn)?;
    if items.is_empty() {
        return Ok(0);
    }
    let ids: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    let latest = recurring::latest(conn, &ids)?;
    let names: HashMap<UnitId, (String, String)> = units::table
        .select((units::id, units::name, units::short_name))
        .load::<(UnitId, String, String)>(conn)?
        .into_iter()
        .map(|(id, n, s)| (id, (n, s)))
        .collect();
    let mut directive_ids: Vec<DirectiveId> = items.iter().map(|i| i.directive_id).collect();
    directive_ids.sort_unstable();
    directive_ids.dedup();
    let notices: HashMap<DirectiveId, (String, String)> = directives::table
        .filter(crate::db::id_in(directives::id, &directive_ids))
        .select((directives::id, directives::number, directives::title))
        .load::<(DirectiveId, String, String)>(conn)?
        .into_iter()
        .map(|(id, n, t)| (id, (n, t)))
        .collect();
    let mut new = Vec::new();
    for item in &items {
        let Some(last) = latest.get(&item.id) else {
            continue;
        };
        let r = item.recurrence;
        let mut period = r.period_of(last[0].period_start);
        let (number, title) = notices.get(&item.directive_id).cloned().unwrap_or_default();
        for _ in 0..MAX_PERIODS {
            let Some(next) = to_make(r, period, day, item.until) else {
                break;
            };
            let due = item.rule.due(r, next, cal);
            // Cancelling a unit's task for a period ends the obligation for that unit.
            for l in last.iter().filter(|l| l.status != Status::Cancelled) {
                let (name, short) = names.get(&l.lead).cloned().unwrap_or_default();
                new.push(New {
                    item: item.id,
                    directive: item.directive_id,
                    lead: l.lead,
                    coordinators: l.coordinators.clone(),
                    start: next.start,
                    due,
                    search: search_text(&[&item.label, &item.text, &number, &title, &name, &short]),
                });
            }
            period = next;
        }
    }
    let mut made = 0;
    for chunk in new.chunks(500) {
        made += insert(conn, chunk, Moment { now, today: day })?;
    }
    Ok(made)
}

/// Inserts one chunk of tasks with their coordinators, index rows and journal entries, and the
/// assignment mail for those actually made; returns how many were made.
fn insert(conn: &mut DbConn, chunk: &[New], at: Moment) -> AppResult<usize> {
    let rows: Vec<_> = chunk
        .iter()
        .map(|n| {
            (
                tasks::item_id.eq(n.item),
                tasks::directive_id.eq(n.directive),
                tasks::lead_unit_id.eq(n.lead),
                tasks::status.eq(Status::Assigned),
                tasks::due_on.eq(Some(n.due)),
                tasks::period_start.eq(Some(n.start)),
                tasks::progress.eq(0),
                tasks::version.eq(1),
                tasks::search_text.eq(&n.search),
                tasks::created_at.eq(at.now),
                tasks::updated_at.eq(at.now),
            )
        })
        .collect();
    let columns = (
        tasks::id,
        tasks::item_id,
        tasks::lead_unit_id,
        tasks::period_start,
    );
    // Another pass (or instance) made some already: those are passed over.
    let made: Vec<(TaskId, ItemId, UnitId, Option<NaiveDate>)> = match conn {
        DbConn::Pg(c) => diesel::insert_into(tasks::table)
            .values(&rows)
            .on_conflict_do_nothing()
            .returning(columns)
            .get_results(c)?,
        DbConn::Sqlite(c) => diesel::insert_or_ignore_into(tasks::table)
            .values(&rows)
            .returning(columns)
            .get_results(c)?,
    };
    let by_key: HashMap<(ItemId, UnitId, NaiveDate), TaskId> = made
        .iter()
        .filter_map(|(t, i, u, s)| Some(((*i, *u, (*s)?), *t)))
        .collect();
    let mut coordinators = Vec::new();
    let mut index = Vec::new();
    let mut entries = Vec::new();
    let mut by_directive: BTreeMap<(DirectiveId, NaiveDate), Vec<TaskId>> = BTreeMap::new();
    for n in chunk {
        let Some(&task) = by_key.get(&(n.item, n.lead, n.start)) else {
            continue;
        };
        by_directive
            .entry((n.directive, n.start))
            .or_default()
            .push(task);
        index.push((
            task_units::unit_id.eq(n.lead),
            task_units::task_id.eq(task),
            task_units::is_lead.eq(true),
            task_units::open.eq(true),
            task_units::due_sort.eq(n.due),
        ));
        for c in n.coordinators.iter().filter(|c| **c != n.lead) {
            coordinators.push((
                task_coordinators::task_id.eq(task),
                task_coordinators::unit_id.eq(*c),
            ));
            index.push((
                task_units::unit_id.eq(*c),
                task_units::task_id.eq(task),
                task_units::is_lead.eq(false),
                task_units::open.eq(true),
                task_units::due_sort.eq(n.due),
            ));
        }
        entries.push((
            journal::task_id.eq(task),
            journal::at.eq(at.now),
            journal::kind.eq(crate::models::journal::Kind::Created),
            journal::to_value.eq(Some(Status::Assigned.as_str())),
            journal::note.eq(""),
        ));
    }
    for part in coordinators.chunks(1000) {
        crate::insert_rows!(conn, task_coordinators::table, part)?;
    }
    for part in index.chunks(500) {
        crate::insert_rows!(conn, task_units::table, part)?;
    }
    crate::insert_rows!(conn, journal::table, &entries)?;
    for ((directive, start), ids) in by_directive {
        let subject = format!("d{directive}p{start}");
        crate::mail::notices::assigned_tasks(conn, directive, &ids, &subject, at)?;
    }
    Ok(made.len())
}
