//! Conferences, directives (thông báo kết luận) and their items; publishing one creates its tasks.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    conferences, directive_drafts, directive_items, directives, task_coordinators, tasks, units,
};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId, UserId};
use crate::domain::recurrence::{self, DueRule, Recurrence};
use crate::domain::status::Counts;
use crate::domain::status::Status;
use crate::error::{AppError, AppResult};
use crate::models::{journal, task, unit};
use crate::reports::stats::{tally, Facts};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = conferences)]
pub struct Conference {
    pub id: i64,
    pub name: String,
    pub held_on: Option<NaiveDate>,
    pub place: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = directives)]
pub struct Directive {
    pub id: DirectiveId,
    pub conference_id: Option<i64>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub signer: String,
    pub title: String,
    pub body: String,
    pub created_at: NaiveDateTime,
    /// Its number in the ministry's document system.
    pub register_no: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = directive_items)]
pub struct Item {
    pub id: ItemId,
    pub directive_id: DirectiveId,
    pub position: i32,
    pub label: String,
    pub text: String,
    pub due_on: Option<NaiveDate>,
    pub recurrence: Option<Recurrence>,
    /// "day:N" or "workdays:N" (domain::recurrence::DueRule) for a recurring item made period
    /// by period.
    pub due_rule: Option<String>,
    pub recur_until: Option<NaiveDate>,
}

impl Item {
    pub fn rule(&self) -> Option<DueRule> {
        self.due_rule.as_deref().and_then(DueRule::parse)
    }
}

pub fn create_conference(
    conn: &mut DbConn,
    name: &str,
    held_on: Option<NaiveDate>,
    place: &str,
    by: UserId,
    at: NaiveDateTime,
) -> AppResult<i64> {
    Ok(diesel::insert_into(conferences::table)
        .values((
            conferences::name.eq(name.trim()),
            conferences::held_on.eq(held_on),
            conferences::place.eq(place.trim()),
            conferences::created_by.eq(by),
            conferences::created_at.eq(at),
        ))
        .returning(conferences::id)
        .get_result(conn)?)
}

pub fn conferences(conn: &mut DbConn) -> AppResult<Vec<Conference>> {
    Ok(conferences::table
        .order((conferences::held_on.desc(), conferences::id.desc()))
        .select(Conference::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConn, id: DirectiveId) -> AppResult<Directive> {
    crate::db::load!(
        conn,
        directives::table.find(id).select(Directive::as_select()),
        first
    )
    .found()
}

pub fn conference(conn: &mut DbConn, id: i64) -> AppResult<Option<Conference>> {
    Ok(conferences::table
        .find(id)
        .select(Conference::as_select())
        .first(conn)
        .optional()?)
}

/// What a task page shows above its history, in one query: the task's notice and item, the
/// notice's conference ("" without one) and the name of the unit leading the task.
pub fn heading(
    conn: &mut DbConn,
    item: ItemId,
    lead: UnitId,
) -> AppResult<(Directive, Item, String, String)> {
    let (d, item, conference, lead): (Directive, Item, Option<String>, String) = crate::db::load!(
        conn,
        directive_items::table
            .inner_join(directives::table.left_join(conferences::table))
            .inner_join(units::table.on(units::id.eq(lead)))
            .filter(directive_items::id.eq(item))
            .select((
                Directive::as_select(),
                Item::as_select(),
                conferences::name.nullable(),
                units::name,
            )),
        first
    )
    .found()?;
    Ok((d, item, conference.unwrap_or_default(), lead))
}

pub fn item(conn: &mut DbConn, id: ItemId) -> AppResult<Item> {
    crate::db::load!(
        conn,
        directive_items::table.find(id).select(Item::as_select()),
        first
    )
    .found()
}

pub fn items(conn: &mut DbConn, directive_id: DirectiveId) -> AppResult<Vec<Item>> {
    Ok(directive_items::table
        .filter(directive_items::directive_id.eq(directive_id))
        .order(directive_items::position)
        .select(Item::as_select())
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct DirectiveRow {
    pub id: DirectiveId,
    pub number: String,
    pub issued_on: NaiveDate,
    pub title: String,
}

/// The latest directives, newest first: the numbers the list's directive field suggests.
pub fn latest(conn: &mut DbConn, n: i64) -> AppResult<Vec<DirectiveRow>> {
    // The pickers of every leader's list page: on the connection's own backend.
    Ok(crate::db::load!(
        conn,
        directives::table
            .order((directives::issued_on.desc(), directives::id.desc()))
            .select((
                directives::id,
                directives::number,
                directives::issued_on,
                directives::title,
            ))
            .limit(n)
    )?)
}

/// The latest directive with this number (as written, or in capitals), if any.
pub fn by_number(conn: &mut DbConn, number: &str) -> AppResult<Option<DirectiveId>> {
    let number = number.trim();
    Ok(directives::table
        .filter(
            directives::number
                .eq(number)
                .or(directives::number.eq(number.to_uppercase())),
        )
        .order((directives::issued_on.desc(), directives::id.desc()))
        .select(directives::id)
        .first(conn)
        .optional()?)
}

/// A directive in the list of directives, with its conference (if any).
#[derive(Debug, Clone, Queryable)]
pub struct ListedDirective {
    pub id: DirectiveId,
    pub number: String,
    pub issued_on: NaiveDate,
    pub title: String,
    pub conference_id: Option<i64>,
    pub conference: Option<String>,
}

/// Directives on one page of the list.
pub const PAGE: i64 = 50;

/// One page of directives, newest first: all of them, or one conference's; and how many
/// there are in all.
pub fn page_of(
    conn: &mut DbConn,
    conference: Option<i64>,
    page: i64,
) -> AppResult<(Vec<ListedDirective>, i64)> {
    let base = || {
        let mut q = directives::table.left_join(conferences::table).into_boxed();
        if let Some(c) = conference {
            q = q.filter(directives::conference_id.eq(c));
        }
        q
    };
    let total: i64 = base().count().get_result(conn)?;
    let rows = base()
        .order((directives::issued_on.desc(), directives::id.desc()))
        .select((
            directives::id,
            directives::number,
            directives::issued_on,
            directives::title,
            directives::conference_id,
            conferences::name.nullable(),
        ))
        .limit(PAGE)
        .offset((page.max(1) - 1) * PAGE)
        .load(conn)?;
    Ok((rows, total))
}

/// The four buckets of each given directive's tasks as of `today` (cancelled tasks count
/// nowhere): a page of directives reads a few thousand small rows through the directive index.
pub fn buckets(
    conn: &mut DbConn,
    ids: &[DirectiveId],
    today: NaiveDate,
) -> AppResult<BTreeMap<DirectiveId, Counts>> {
    let facts: Vec<Facts<DirectiveId>> = tasks::table
        .filter(crate::db::id_in(tasks::directive_id, ids))
        .select(FACTS)
        .load(conn)?;
    Ok(tally(&facts, today).1)
}

/// The four buckets of all of a conference's directives together.
pub fn conference_buckets(
    conn: &mut DbConn,
    conference: i64,
    today: NaiveDate,
) -> AppResult<Counts> {
    let facts: Vec<Facts<DirectiveId>> = tasks::table
        .filter(
            tasks::directive_id.eq_any(
                directives::table
                    .filter(directives::conference_id.eq(conference))
                    .select(directives::id),
            ),
        )
        .select(FACTS)
        .load(conn)?;
    Ok(tally(&facts, today).0)
}

/// A task's `Facts`, keyed by its directive.
const FACTS: (
    tasks::directive_id,
    tasks::status,
    tasks::due_on,
    tasks::completed_on,
) = (
    tasks::directive_id,
    tasks::status,
    tasks::due_on,
    tasks::completed_on,
);

/// One task of a directive as its page lists it under the item.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ItemTask {
    pub item_id: ItemId,
    pub task_id: TaskId,
    pub unit: String,
    pub status: Status,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    /// For a recurring item's task: its period's first day.
    pub period_start: Option<NaiveDate>,
}

impl ItemTask {
    /// The task's timeliness bucket on `today`, as a key ("open_overdue"), or "" if cancelled.
    pub fn bucket(&self, today: &NaiveDate) -> &'static str {
        let today = *today;
        crate::domain::status::timeliness(self.status, self.due_on, self.completed_on, today)
            .map(|b| b.as_str())
            .unwrap_or("")
    }
}

pub fn tasks_by_item(conn: &mut DbConn, directive_id: DirectiveId) -> AppResult<Vec<ItemTask>> {
    let mut tasks: Vec<ItemTask> = tasks::table
        .inner_join(units::table)
        .filter(tasks::directive_id.eq(directive_id))
        .select((
            tasks::item_id,
            tasks::id,
            units::name,
            tasks::status,
            tasks::due_on,
            tasks::completed_on,
            tasks::period_start,
        ))
        .load(conn)?;
    // By item, the latest period first, then by unit.
    tasks.sort_by(|a, b| {
        a.item_id
            .cmp(&b.item_id)
            .then_with(|| b.period_start.cmp(&a.period_start))
            .then_with(|| crate::domain::text::vi_cmp(&a.unit, &b.unit))
    });
    Ok(tasks)
}

/// Who an item is assigned to, as the form sends it: "u:<id>" for a unit, "g:<id>" for a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    Unit(UnitId),
    Group(i64),
}

impl Assignee {
    pub fn parse(s: &str) -> Option<Self> {
        let (kind, id) = s.split_once(':')?;
        match kind {
            "u" => Some(Assignee::Unit(id.parse().ok()?)),
            "g" => Some(Assignee::Group(id.parse().ok()?)),
            _ => None,
        }
    }
}

/// A directive item ready to be stored: what it says, who leads, who coordinates, by when.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub label: String,
    pub text: String,
    pub leads: Vec<Assignee>,
    pub coordinators: Vec<Assignee>,
    pub due_on: Option<NaiveDate>,
    pub recurrence: Option<Recurrence>,
    /// For a recurring item: when each period's report is due (none: one task, no periods),
    /// and the day after which no period starts.
    pub rule: Option<DueRule>,
    pub until: Option<NaiveDate>,
}

impl NewItem {
    /// An item done once (no recurrence): its label, wording, lead and coordinating units and
    /// due date.
    pub fn once(
        label: impl Into<String>,
        text: impl Into<String>,
        (leads, coordinators): (Vec<Assignee>, Vec<Assignee>),
        due_on: Option<NaiveDate>,
    ) -> NewItem {
        NewItem {
            label: label.into(),
            text: text.into(),
            leads,
            coordinators,
            due_on,
            recurrence: None,
            rule: None,
            until: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewDirective {
    pub conference_id: Option<i64>,
    pub number: String,
    pub issued_on: NaiveDate,
    pub signer: String,
    pub title: String,
    pub body: String,
    /// Sent with the form; a second submission of the same form finds the first directive.
    pub form_token: String,
    pub items: Vec<NewItem>,
}

/// Units behind a list of assignees, groups fanned out to their active members, in order and
/// without repeats.
pub fn expand(conn: &mut DbConn, assignees: &[Assignee]) -> AppResult<Vec<UnitId>> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for a in assignees {
        let ids = match a {
            Assignee::Unit(id) => {
                let u = unit::get(conn, *id)?;
                if !u.active {
                    return Err(AppError::Refused(format!("unit {} inactive", u.id)));
                }
                vec![u.id]
            }
            Assignee::Group(id) => {
                unit::get_group(conn, *id)?;
                unit::group_members(conn, *id)?
            }
        };
        for id in ids {
            if seen.insert(id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// The directive a form (by its token) was already published as, if it was.
pub fn published_with(conn: &mut DbConn, form_token: &str) -> AppResult<Option<DirectiveId>> {
    Ok(directives::table
        .filter(directives::form_token.eq(form_token))
        .select(directives::id)
        .first(conn)
        .optional()?)
}

/// Every unit a directive would reach, leading or coordinating (groups fanned out).
pub fn units_reached(conn: &mut DbConn, d: &NewDirective) -> AppResult<Vec<UnitId>> {
    let mut all = Vec::new();
    for item in &d.items {
        for id in expand(conn, &item.leads)?
            .into_iter()
            .chain(expand(conn, &item.coordinators)?)
        {
            if !all.contains(&id) {
                all.push(id);
            }
        }
    }
    Ok(all)
}

/// Every unit a published directive's tasks reach, leading or coordinating.
pub fn units_of(conn: &mut DbConn, id: DirectiveId) -> AppResult<Vec<UnitId>> {
    let mut all: Vec<UnitId> = tasks::table
        .filter(tasks::directive_id.eq(id))
        .select(tasks::lead_unit_id)
        .distinct()
        .load(conn)?;
    let coordinating: Vec<UnitId> = task_coordinators::table
        .inner_join(tasks::table)
        .filter(tasks::directive_id.eq(id))
        .select(task_coordinators::unit_id)
        .distinct()
        .load(conn)?;
    for c in coordinating {
        if !all.contains(&c) {
            all.push(c);
        }
    }
    Ok(all)
}

/// Stores the directive, its items and one task per lead unit. Returns the directive's id, and
/// whether it was created now (false: this form was already submitted). The caller holds the
/// transaction.
pub fn publish(
    conn: &mut DbConn,
    d: &NewDirective,
    by: UserId,
    at: NaiveDateTime,
) -> AppResult<(DirectiveId, bool)> {
    let existing: Option<DirectiveId> = directives::table
        .filter(directives::form_token.eq(&d.form_token))
        .select(directives::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok((id, false));
    }
    let t = at;
    let calendar = crate::models::calendar::load(conn)?;
    let directive_id: DirectiveId = diesel::insert_into(directives::table)
        .values((
            directives::conference_id.eq(d.conference_id),
            directives::number.eq(d.number.trim()),
            directives::issued_on.eq(d.issued_on),
            directives::signer.eq(d.signer.trim()),
            directives::title.eq(d.title.trim()),
            directives::body.eq(&d.body),
            directives::form_token.eq(&d.form_token),
            directives::created_by.eq(by),
            directives::created_at.eq(t),
        ))
        .returning(directives::id)
        .get_result(conn)?;
    for (pos, item) in d.items.iter().enumerate() {
        // A recurring item with a rule starts with its first period's task; the daily pass
        // makes the next ones.
        let periodic = item.recurrence.zip(item.rule).map(|(r, rule)| {
            let p = recurrence::first_period(r, rule, d.issued_on, &calendar);
            (p.start, rule.due(r, p, &calendar))
        });
        let due_on = periodic.map_or(item.due_on, |p| Some(p.1));
        let item_id = insert_item_at(conn, directive_id, pos as i32, item)?;
        let leads = expand(conn, &item.leads)?;
        let coordinators = expand(conn, &item.coordinators)?;
        let made = Made {
            directive_id,
            number: &d.number,
            title: &d.title,
            by,
            at: t,
        };
        let period = periodic.map(|p| p.0);
        let row = (item_id, item.label.as_str(), item.text.as_str());
        make_tasks(conn, &made, row, (&leads, &coordinators), due_on, period)?;
    }
    Ok((directive_id, true))
}

/// Stores an item at the end of a published notice.
pub fn insert_item(
    conn: &mut DbConn,
    directive_id: DirectiveId,
    item: &NewItem,
) -> AppResult<ItemId> {
    let last: Option<i32> = directive_items::table
        .filter(directive_items::directive_id.eq(directive_id))
        .select(diesel::dsl::max(directive_items::position))
        .first(conn)?;
    insert_item_at(conn, directive_id, last.map_or(0, |p| p + 1), item)
}

fn insert_item_at(
    conn: &mut DbConn,
    directive_id: DirectiveId,
    position: i32,
    item: &NewItem,
) -> AppResult<ItemId> {
    Ok(diesel::insert_into(directive_items::table)
        .values((
            directive_items::directive_id.eq(directive_id),
            directive_items::position.eq(position),
            directive_items::label.eq(item.label.trim()),
            directive_items::text.eq(item.text.trim()),
            directive_items::due_on.eq(item.due_on),
            directive_items::recurrence.eq(&item.recurrence),
            directive_items::due_rule.eq(item.recurrence.and(item.rule).map(DueRule::to_stored)),
            directive_items::recur_until.eq(item.until),
        ))
        .returning(directive_items::id)
        .get_result(conn)?)
}

/// Whose tasks are made, by whom and when.
pub struct Made<'a> {
    pub directive_id: DirectiveId,
    pub number: &'a str,
    pub title: &'a str,
    pub by: UserId,
    pub at: NaiveDateTime,
}

/// Makes one task per lead unit for an item (id, label, text), each with the coordinating units
/// that are not its lead, its rows of `task_units` and its journal entry. The caller holds the
/// transaction.
pub fn make_tasks(
    conn: &mut DbConn,
    made: &Made,
    (item_id, label, text): (ItemId, &str, &str),
    (leads, coordinators): (&[UnitId], &[UnitId]),
    due_on: Option<NaiveDate>,
    period: Option<NaiveDate>,
) -> AppResult<Vec<TaskId>> {
    // The lead units' names for the search text, in one query for the whole fan-out.
    let names: std::collections::HashMap<UnitId, (String, String)> = units::table
        .filter(crate::db::id_in(units::id, leads))
        .select((units::id, units::name, units::short_name))
        .load::<(UnitId, String, String)>(conn)?
        .into_iter()
        .map(|(id, n, s)| (id, (n, s)))
        .collect();
    let mut out = Vec::new();
    for &lead in leads {
        let (name, short) = names.get(&lead).cloned().unwrap_or_default();
        let search = task::search_text(&[label, text, made.number, made.title, &name, &short]);
        let task_id: TaskId = diesel::insert_into(tasks::table)
            .values((
                tasks::item_id.eq(item_id),
                tasks::directive_id.eq(made.directive_id),
                tasks::lead_unit_id.eq(lead),
                tasks::status.eq(Status::Assigned),
                tasks::due_on.eq(due_on),
                tasks::period_start.eq(period),
                tasks::progress.eq(0),
                tasks::version.eq(1),
                tasks::search_text.eq(search),
                tasks::created_at.eq(made.at),
                tasks::updated_at.eq(made.at),
            ))
            .returning(tasks::id)
            .get_result(conn)?;
        for c in coordinators.iter().filter(|c| **c != lead) {
            diesel::insert_into(task_coordinators::table)
                .values((
                    task_coordinators::task_id.eq(task_id),
                    task_coordinators::unit_id.eq(*c),
                ))
                .execute(conn)?;
        }
        task::insert_units(conn, task_id, lead, coordinators, true, due_on)?;
        let change = journal::Change {
            kind: journal::Kind::Created,
            from: None,
            to: Some(Status::Assigned.as_str()),
            note: "",
        };
        journal::write(conn, task_id, made.by, made.at, change)?;
        out.push(task_id);
    }
    Ok(out)
}

/// A review form saved to be resumed.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Draft {
    pub id: i64,
    pub title: String,
    pub updated_at: NaiveDateTime,
}

/// Saves the review form's fields under its form token (one draft per form), returns its id.
pub fn save_draft(
    conn: &mut DbConn,
    by: UserId,
    form_token: &str,
    title: &str,
    fields: &[(String, String)],
    at: NaiveDateTime,
) -> AppResult<i64> {
    let json = serde_json::to_string(fields).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::db::write(conn, |conn| {
        delete_draft(conn, form_token)?;
        Ok(diesel::insert_into(directive_drafts::table)
            .values((
                directive_drafts::created_by.eq(by),
                directive_drafts::form_token.eq(form_token),
                directive_drafts::title.eq(title.trim()),
                directive_drafts::fields.eq(json),
                directive_drafts::updated_at.eq(at),
            ))
            .returning(directive_drafts::id)
            .get_result(conn)?)
    })
}

pub fn drafts(conn: &mut DbConn) -> AppResult<Vec<Draft>> {
    Ok(directive_drafts::table
        .order(directive_drafts::updated_at.desc())
        .select((
            directive_drafts::id,
            directive_drafts::title,
            directive_drafts::updated_at,
        ))
        .limit(200)
        .load(conn)?)
}

pub fn draft_fields(conn: &mut DbConn, id: i64) -> AppResult<Vec<(String, String)>> {
    let json: String = directive_drafts::table
        .find(id)
        .select(directive_drafts::fields)
        .first(conn)
        .found()?;
    serde_json::from_str(&json).map_err(|e| AppError::Internal(e.to_string()))
}

/// A published directive's draft is done with.
pub fn delete_draft(conn: &mut DbConn, form_token: &str) -> AppResult<()> {
    diesel::delete(directive_drafts::table.filter(directive_drafts::form_token.eq(form_token)))
        .execute(conn)?;
    Ok(())
}
