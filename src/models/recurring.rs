//! Recurring items and their periods' tasks, as the daily pass and the item's page read them.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::schema::{directive_items, task_coordinators, tasks};
use crate::db::DbConn;
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId};
use crate::domain::recurrence::{DueRule, Recurrence};
use crate::domain::status::Status;
use crate::error::AppResult;

/// An item made period by period.
#[derive(Debug, Clone)]
pub struct Recurring {
    pub id: ItemId,
    pub directive_id: DirectiveId,
    pub recurrence: Recurrence,
    pub rule: DueRule,
    pub until: Option<NaiveDate>,
    pub label: String,
    pub text: String,
}

/// Every item with a rule.
pub fn items(conn: &mut DbConn) -> AppResult<Vec<Recurring>> {
    type Row = (
        ItemId,
        DirectiveId,
        Option<Recurrence>,
        Option<String>,
        Option<NaiveDate>,
        String,
        String,
    );
    let rows: Vec<Row> = directive_items::table
        .filter(directive_items::due_rule.is_not_null())
        .order(directive_items::id)
        .select((
            directive_items::id,
            directive_items::directive_id,
            directive_items::recurrence,
            directive_items::due_rule,
            directive_items::recur_until,
            directive_items::label,
            directive_items::text,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, directive_id, r, rule, until, label, text)| {
            Some(Recurring {
                id,
                directive_id,
                recurrence: r?,
                rule: DueRule::parse(rule.as_deref()?)?,
                until,
                label,
                text,
            })
        })
        .collect())
}

/// One task of an item's latest period: what the next period copies.
#[derive(Debug, Clone)]
pub struct Latest {
    pub period_start: NaiveDate,
    pub task_id: TaskId,
    pub lead: UnitId,
    pub status: Status,
    pub coordinators: Vec<UnitId>,
}

/// Each item's tasks of its latest period, with their coordinating units.
pub fn latest(conn: &mut DbConn, items: &[ItemId]) -> AppResult<HashMap<ItemId, Vec<Latest>>> {
    let mut out: HashMap<ItemId, Vec<Latest>> = HashMap::new();
    for chunk in items.chunks(500) {
        let last: Vec<(ItemId, Option<NaiveDate>)> = tasks::table
            .filter(tasks::item_id.eq_any(chunk))
            .filter(tasks::period_start.is_not_null())
            .group_by(tasks::item_id)
            .select((tasks::item_id, diesel::dsl::max(tasks::period_start)))
            .load(conn)?;
        let last: HashMap<ItemId, NaiveDate> = last
            .into_iter()
            .filter_map(|(i, d)| Some((i, d?)))
            .collect();
        let mut starts: Vec<NaiveDate> = last.values().copied().collect();
        starts.sort_unstable();
        starts.dedup();
        let rows: Vec<(TaskId, ItemId, UnitId, Option<NaiveDate>, Status)> = tasks::table
            .filter(tasks::item_id.eq_any(chunk))
            .filter(tasks::period_start.eq_any(&starts))
            .select((
                tasks::id,
                tasks::item_id,
                tasks::lead_unit_id,
                tasks::period_start,
                tasks::status,
            ))
            .load(conn)?;
        let rows: Vec<_> = rows
            .into_iter()
            .filter(|r| r.3.is_some() && last.get(&r.1) == r.3.as_ref())
            .collect();
        let ids: Vec<TaskId> = rows.iter().map(|r| r.0).collect();
        let mut coords: HashMap<TaskId, Vec<UnitId>> = HashMap::new();
        for (t, u) in task_coordinators::table
            .filter(task_coordinators::task_id.eq_any(&ids))
            .select((task_coordinators::task_id, task_coordinators::unit_id))
            .load::<(TaskId, UnitId)>(conn)?
        {
            coords.entry(t).or_default().push(u);
        }
        for (task_id, item, lead, start, status) in rows {
            out.entry(item).or_default().push(Latest {
                period_start: start.expect("filtered"),
                task_id,
                lead,
                status,
                coordinators: coords.remove(&task_id).unwrap_or_default(),
            });
        }
    }
    Ok(out)
}

/// One period of an item as its page shows it: the tasks, one per lead unit.
#[derive(Debug, Clone)]
pub struct PeriodTasks {
    pub start: NaiveDate,
    pub tasks: Vec<TaskId>,
}

/// An item's periods, newest first.
pub fn periods(conn: &mut DbConn, item: ItemId) -> AppResult<Vec<PeriodTasks>> {
    let rows: Vec<(Option<NaiveDate>, TaskId)> = tasks::table
        .filter(tasks::item_id.eq(item))
        .filter(tasks::period_start.is_not_null())
        .order((tasks::period_start.desc(), tasks::id))
        .select((tasks::period_start, tasks::id))
        .load(conn)?;
    let mut out: Vec<PeriodTasks> = Vec::new();
    for (start, id) in rows {
        let start = start.expect("filtered");
        match out.last_mut() {
            Some(p) if p.start == start => p.tasks.push(id),
            _ => out.push(PeriodTasks {
                start,
                tasks: vec![id],
            }),
        }
    }
    Ok(out)
}
