//! Tasks (nhiệm vụ): the inbox query, one task with everything around it, and the changes a
//! task goes through. Every change bumps `version` and writes a journal entry in the same
//! transaction; a change made against an old version is refused.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    directive_items, directives, reports, task_coordinators, task_units, tasks, units, users,
};
use crate::db::Found;
use crate::db::{among, DbConn, MultiBackend};
use crate::domain::dates::Moment;
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId, UserId};
use crate::domain::permissions::{Act, Actor, Role, TaskScope};
use crate::domain::status::{timeliness, Move, ReportKind, Status, Timeliness};
use crate::domain::text::fold;
use crate::error::AppResult;
use crate::models::journal;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = tasks)]
pub struct Task {
    pub id: TaskId,
    pub item_id: ItemId,
    pub directive_id: DirectiveId,
    pub lead_unit_id: UnitId,
    pub status: Status,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub progress: i32,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// For a recurring item's task: the first day of its period.
    pub period_start: Option<NaiveDate>,
    /// Whether its progress follows its steps.
    pub progress_from_steps: bool,
}

impl Task {
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn timeliness(&self, today: NaiveDate) -> Option<Timeliness> {
        timeliness(self.status(), self.due_on, self.completed_on, today)
    }
}

/// Which tasks a list shows: every field comes from the URL, so a filtered list can be shared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// None: every status; "open" is the three open ones.
    pub statuses: Option<Vec<Status>>,
    pub bucket: Option<Timeliness>,
    pub unit_id: Option<UnitId>,
    pub directive_id: Option<DirectiveId>,
    /// The tasks of every directive of this conference.
    pub conference_id: Option<i64>,
    pub due_from: Option<NaiveDate>,
    pub due_to: Option<NaiveDate>,
    pub q: String,
    /// Only tasks whose due date an approved extension moved.
    pub extended: bool,
    /// Only open tasks due from today up to this day (the end of the "due soon" window, which
    /// the caller counts in working days).
    pub due_soon_until: Option<NaiveDate>,
    /// Assigned (created) on or after / on or before these days, in Vietnam's time.
    pub assigned_from: Option<NaiveDate>,
    pub assigned_to: Option<NaiveDate>,
    /// Only tasks this unit leads (where `unit_id` also takes the ones it coordinates).
    pub lead_unit_id: Option<UnitId>,
    /// Only tasks led by the units this leader is in charge of.
    pub in_charge_of: Option<UserId>,
    /// Only tasks handed to this person (giao cho tôi).
    pub assignee: Option<UserId>,
    pub sort: Sort,
    /// Where the page shown begins.
    pub page: Page,
    /// Tasks a page holds (the API's `limit`); None: `PAGE_SIZE`.
    pub limit: Option<i64>,
}

impl Filter {
    /// Tasks a page holds: the limit asked for, 1 to `MAX_PAGE_SIZE`, or `PAGE_SIZE`.
    pub fn page_size(&self) -> i64 {
        self.limit.map_or(PAGE_SIZE, |n| n.clamp(1, MAX_PAGE_SIZE))
    }
}

impl Filter {
    /// What statistics count (everything but the cancelled), before any other choice.
    pub fn counted() -> Filter {
        Filter {
            statuses: Some(Status::COUNTED.to_vec()),
            ..Filter::default()
        }
    }
}

pub use crate::domain::paging::{Page, Sort};

pub const PAGE_SIZE: i64 = 25;
/// The most tasks a page may be asked to hold.
pub const MAX_PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, Serialize)]
pub struct ListRow {
    pub id: TaskId,
    pub status: Status,
    pub timeliness: Option<Timeliness>,
    pub due_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub progress: i32,
    pub lead_unit_id: UnitId,
    pub lead_unit: String,
    pub directive_id: DirectiveId,
    pub directive_number: String,
    pub item_label: String,
    pub item_text: String,
    pub coordinating_units: Vec<String>,
    /// How many times the lead unit was chased (đôn đốc) about it.
    pub chased: i64,
    /// The version shown, which a change picked from the list is checked against.
    pub version: i32,
}

/// The tasks a unit leads or coordinates, as a subquery.
macro_rules! tasks_of_unit {
    ($unit:expr) => {
        task_units::table
            .filter(task_units::unit_id.eq($unit))
            .select(task_units::task_id)
    };
}

/// Narrows a boxed query whose source holds `tasks` by every choice of the filter but whose
/// tasks these are (the unit, and a unit person's own unit), which each caller decides: the
/// list by the index it walks (`models::listing`), `filtered` by subqueries.
macro_rules! narrow {
    ($q:expr, $f:expr, $today:expr) => {{
        use $crate::db::among;
        use $crate::db::schema::{directives, extension_requests, task_assignees, tasks, units};
        use $crate::domain::status::Status;
        let (f, today) = ($f, $today);
        let mut q = $q;
        if let Some(statuses) = &f.statuses {
            q = q.filter(crate::db::word_in(tasks::status, statuses));
        }
        if let Some(b) = f.bucket {
            // The bucket rule's one SQL text (`Timeliness::sql`), today bound where it asks.
            let rule = b.sql();
            q = match rule.split_once('?') {
                Some((before, after)) => q.filter(
                    $crate::db::fixed::<diesel::sql_types::Bool>(before)
                        .bind($crate::db::Bound::Date(today))
                        .sql(after),
                ),
                None => q.filter($crate::db::fixed::<diesel::sql_types::Bool>(rule)),
            };
        }
        if let Some(u) = f.lead_unit_id {
            q = q.filter(tasks::lead_unit_id.eq(u));
        }
        if let Some(l) = f.in_charge_of {
            q = q.filter(tasks::lead_unit_id.eq_any(among!(units, leader_id = l, id)));
        }
        if let Some(u) = f.assignee {
            q = q.filter(tasks::id.eq_any(among!(task_assignees, user_id = u, task_id)));
        }
        if let Some(d) = f.directive_id {
            q = q.filter(tasks::directive_id.eq(d));
        }
        if let Some(c) = f.conference_id {
            q = q.filter(tasks::directive_id.eq_any(among!(directives, conference_id = c, id)));
        }
        if let Some(d) = f.due_from {
            q = q.filter(tasks::due_on.ge(d));
        }
        if let Some(d) = f.due_to {
            q = q.filter(tasks::due_on.le(d));
        }
        for term in $crate::domain::text::search_terms(&f.q) {
            // Written as SQL, which keeps the statement from being prepared once for all
            // words: PostgreSQL then plans each search for its own words, reading the trigram
            // index for a rare word only (a plan kept for any word reads it for common ones too,
            // which costs a hundred times more).
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("tasks.search_text LIKE ")
                    .bind::<diesel::sql_types::Text, _>($crate::domain::text::like_pattern(&term))
                    .sql(" ESCAPE '\\'"),
            );
        }
        let vn_midnight = $crate::domain::dates::vn_day_start;
        if let Some(d) = f.assigned_from {
            q = q.filter(tasks::created_at.ge(vn_midnight(d)));
        }
        if let Some(d) = f.assigned_to {
            q = q.filter(tasks::created_at.lt(vn_midnight(d) + chrono::Duration::days(1)));
        }
        if let Some(until) = f.due_soon_until {
            q = q
                .filter(crate::db::word_in(tasks::status, &Status::OPEN))
                .filter(tasks::due_on.ge(today))
                .filter(tasks::due_on.le(until));
        }
        if f.extended {
            let approved = $crate::models::extension::Decision::Approved;
            q = q.filter(tasks::id.eq_any(among!(extension_requests, status = approved, task_id)));
        }
        q
    }};
}
pub(crate) use narrow;

/// The filtered tasks as a boxed query over `tasks` alone, whose tasks a unit's people see
/// and the unit filter answered by subqueries over `task_units`: the straightforward form the
/// list's index walks are checked against, and what `timeliness_facts` reads.
fn filtered<'a>(
    actor: &Actor,
    f: &'a Filter,
    today: NaiveDate,
) -> tasks::BoxedQuery<'a, MultiBackend> {
    let mut q = narrow!(tasks::table.into_boxed(), f, today);
    if actor.role.is_unit_role() {
        // Unit people see what their unit leads or coordinates; without a unit, nothing.
        let unit = actor.unit_id.unwrap_or(UnitId(-1));
        q = q.filter(tasks::id.eq_any(tasks_of_unit!(unit)));
    }
    if let Some(u) = f.unit_id {
        q = q.filter(tasks::id.eq_any(tasks_of_unit!(u)));
    }
    q
}

/// The date that stands for "no due date" in `task_units.due_sort`: after every real one.
pub fn no_due_sort() -> NaiveDate {
    NaiveDate::from_ymd_opt(9999, 12, 31).expect("valid date")
}

/// Rewrites the task's rows in `task_units` from the task and its coordinators. Called by every
/// change to a task's lead, coordinators, status or due date, in the same transaction.
pub fn sync_units(conn: &mut DbConn, task_id: TaskId) -> AppResult<()> {
    let t = get(conn, task_id)?;
    let coordinators = coordinator_ids(conn, task_id)?;
    diesel::delete(task_units::table.filter(task_units::task_id.eq(task_id))).execute(conn)?;
    insert_units(
        conn,
        task_id,
        t.lead_unit_id,
        &coordinators,
        t.status().is_open(),
        t.due_on,
    )
}

/// Writes a task's rows of `task_units`: its lead and each coordinator that is not the lead.
pub fn insert_units(
    conn: &mut DbConn,
    task_id: TaskId,
    lead: UnitId,
    coordinators: &[UnitId],
    open: bool,
    due: Option<NaiveDate>,
) -> AppResult<()> {
    let due_sort = due.unwrap_or_else(no_due_sort);
    let units = std::iter::once((lead, true)).chain(
        coordinators
            .iter()
            .filter(|c| **c != lead)
            .map(|c| (*c, false)),
    );
    for (unit_id, is_lead) in units {
        diesel::insert_into(task_units::table)
            .values((
                task_units::unit_id.eq(unit_id),
                task_units::task_id.eq(task_id),
                task_units::is_lead.eq(is_lead),
                task_units::open.eq(open),
                task_units::due_sort.eq(due_sort),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The facts that decide each filtered task's bucket: (lead unit, status, due, completed),
/// under the same filter the task list uses: the task-by-task count that the stored tallies
/// (models::tally) are checked against, and that the list a dashboard number links to shows.
pub fn timeliness_facts(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
) -> AppResult<Vec<crate::reports::stats::Facts>> {
    Ok(filtered(actor, f, today)
        .select((
            tasks::lead_unit_id,
            tasks::status,
            tasks::due_on,
            tasks::completed_on,
        ))
        .load(conn)?)
}

/// Every filtered task's id in the list's order by the straightforward query: what the
/// list's index walks (`models::listing`) must give, page after page.
pub fn reference_ids(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
) -> AppResult<Vec<TaskId>> {
    Ok(ordered(filtered(actor, f, today).select(tasks::id), f.sort).load(conn)?)
}

type IdQuery<'a> = tasks::BoxedQuery<'a, MultiBackend, diesel::sql_types::BigInt>;

/// The list's order: most urgent first by default.
fn ordered(q: IdQuery<'_>, sort: Sort) -> IdQuery<'_> {
    match sort {
        Sort::Due => q.order((
            tasks::due_on.is_null().asc(),
            tasks::due_on.asc(),
            tasks::id.asc(),
        )),
        Sort::DueDesc => q.order((
            tasks::due_on.is_null().asc(),
            tasks::due_on.desc(),
            tasks::id.desc(),
        )),
        Sort::Updated => q.order((tasks::updated_at.desc(), tasks::id.desc())),
        Sort::Created => q.order(tasks::id.desc()),
    }
}

/// The `n` tasks the person sees that are overdue the longest (the dashboard's and the
/// leader's weekly mail's short lists): still with their unit, due before today.
pub fn most_overdue(
    conn: &mut DbConn,
    actor: &Actor,
    in_charge_of: Option<UserId>,
    today: NaiveDate,
    n: i64,
) -> AppResult<Vec<ListRow>> {
    // Not NaiveDate::MIN: PostgreSQL's dates start in 4713 BC.
    let long_ago = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
    let range = (long_ago, today.pred_opt().unwrap_or(today));
    first_due(conn, actor, in_charge_of, range, &Status::WORKING, today, n)
}

/// The `n` tasks in one of `statuses` the person sees that fall due first within `[from, to]`,
/// without a count (the dashboard's short lists). A unit's people read their `task_units`
/// index range of open tasks; everyone else one `(status, due_on)` index range per status,
/// merged.
pub fn first_due(
    conn: &mut DbConn,
    actor: &Actor,
    in_charge_of: Option<UserId>,
    (from, to): (NaiveDate, NaiveDate),
    statuses: &[Status],
    today: NaiveDate,
    n: i64,
) -> AppResult<Vec<ListRow>> {
    let mut picked: Vec<(NaiveDate, TaskId)> = Vec::new();
    if actor.role.is_unit_role() {
        picked = crate::db::load!(
            conn,
            task_units::table
                .inner_join(tasks::table)
                .filter(task_units::unit_id.eq(actor.unit_id.unwrap_or(UnitId(-1))))
                .filter(task_units::open.eq(true))
                .filter(task_units::due_sort.between(from, to))
                .filter(crate::db::word_in(tasks::status, statuses))
                .order((task_units::due_sort, task_units::task_id))
                .select((task_units::due_sort, task_units::task_id))
                .limit(n)
        )?;
    } else {
        for status in statuses {
            let mut q = tasks::table
                .filter(tasks::status.eq(status))
                .filter(tasks::due_on.between(from, to))
                .into_boxed();
            if let Some(l) = in_charge_of {
                q = q.filter(tasks::lead_unit_id.eq_any(among!(units, leader_id = l, id)));
            }
            let rows: Vec<(Option<NaiveDate>, TaskId)> = q
                .order((tasks::due_on, tasks::id))
                .select((tasks::due_on, tasks::id))
                .limit(n)
                .load(conn)?;
            picked.extend(rows.into_iter().filter_map(|(d, id)| Some((d?, id))));
        }
        picked.sort_unstable();
    }
    let ids: Vec<TaskId> = picked.into_iter().take(n as usize).map(|p| p.1).collect();
    rows_for(conn, &ids, today)
}

/// What a list row needs of a task: not its timestamps, whose parsing from SQLite's text was
/// a tenth of a list page.
#[derive(Queryable, Selectable)]
#[diesel(table_name = tasks)]
struct Listed {
    id: TaskId,
    status: Status,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    progress: i32,
    lead_unit_id: UnitId,
    directive_id: DirectiveId,
    version: i32,
}

/// The list rows for the given ids, in that order.
pub fn rows_for(conn: &mut DbConn, ids: &[TaskId], today: NaiveDate) -> AppResult<Vec<ListRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    type Joined = (Listed, String, String, String, String, Option<i64>);
    // The chases counted in the same query: a list page stays a fixed number of queries.
    let chased = crate::db::schema::chases::table
        .filter(crate::db::schema::chases::task_id.eq(tasks::id))
        .count()
        .single_value();
    let found: Vec<Joined> = crate::db::load!(
        conn,
        tasks::table
            .inner_join(units::table)
            .inner_join(directives::table)
            .inner_join(directive_items::table)
            .filter(crate::db::id_in(tasks::id, ids))
            .select((
                Listed::as_select(),
                units::name,
                directives::number,
                directive_items::label,
                directive_items::text,
                chased,
            ))
    )?;
    let mut coords = coordinator_names(conn, ids)?;
    let mut by_id: HashMap<TaskId, Joined> = found.into_iter().map(|r| (r.0.id, r)).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|(t, unit, number, label, text, chased)| ListRow {
            id: t.id,
            status: t.status,
            timeliness: timeliness(t.status, t.due_on, t.completed_on, today),
            due_on: t.due_on,
            completed_on: t.completed_on,
            progress: t.progress,
            lead_unit_id: t.lead_unit_id,
            lead_unit: unit,
            directive_id: t.directive_id,
            directive_number: number,
            item_label: label,
            item_text: text,
            coordinating_units: coords.remove(&t.id).unwrap_or_default(),
            chased: chased.unwrap_or(0),
            version: t.version,
        })
        .collect())
}

fn coordinator_names(
    conn: &mut DbConn,
    task_ids: &[TaskId],
) -> AppResult<HashMap<TaskId, Vec<String>>> {
    let pairs: Vec<(TaskId, String)> = crate::db::load!(
        conn,
        task_coordinators::table
            .inner_join(units::table)
            .filter(crate::db::id_in(task_coordinators::task_id, task_ids))
            .select((task_coordinators::task_id, units::name))
    )?;
    let mut out: HashMap<TaskId, Vec<String>> = HashMap::new();
    for (t, n) in pairs {
        out.entry(t).or_default().push(n);
    }
    for names in out.values_mut() {
        names.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(x));
    }
    Ok(out)
}

/// Each given task's version and status, as they are now (tasks that no longer exist are
/// left out).
pub fn versions(conn: &mut DbConn, ids: &[TaskId]) -> AppResult<HashMap<TaskId, (i32, Status)>> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(TaskId, i32, Status)> = tasks::table
            .filter(tasks::id.eq_any(chunk))
            .select((tasks::id, tasks::version, tasks::status))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, v, s)| (id, (v, s))));
    }
    Ok(out)
}

pub fn get(conn: &mut DbConn, id: TaskId) -> AppResult<Task> {
    crate::db::load!(conn, tasks::table.find(id).select(Task::as_select()), first).found()
}

pub fn coordinator_ids(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<UnitId>> {
    Ok(crate::db::load!(
        conn,
        task_coordinators::table
            .filter(task_coordinators::task_id.eq(task_id))
            .select(task_coordinators::unit_id)
    )?)
}

/// A task and the units around it: what the permission rules need.
pub struct Scoped {
    pub task: Task,
    pub coordinators: Vec<UnitId>,
}

impl Scoped {
    pub fn scope(&self) -> TaskScope<'_> {
        TaskScope {
            lead_unit_id: self.task.lead_unit_id,
            coordinating_unit_ids: &self.coordinators,
        }
    }
}

/// The scopes of many tasks at once (those that exist), for a step over all of them.
pub fn scopes(
    conn: &mut DbConn,
    ids: &[TaskId],
) -> AppResult<HashMap<TaskId, (UnitId, Vec<UnitId>)>> {
    let mut out: HashMap<TaskId, (UnitId, Vec<UnitId>)> = HashMap::new();
    for chunk in ids.chunks(500) {
        let leads: Vec<(TaskId, UnitId)> = tasks::table
            .filter(tasks::id.eq_any(chunk))
            .select((tasks::id, tasks::lead_unit_id))
            .load(conn)?;
        out.extend(leads.into_iter().map(|(t, u)| (t, (u, Vec::new()))));
        let coords: Vec<(TaskId, UnitId)> = task_coordinators::table
            .filter(task_coordinators::task_id.eq_any(chunk))
            .select((task_coordinators::task_id, task_coordinators::unit_id))
            .load(conn)?;
        for (t, u) in coords {
            if let Some(e) = out.get_mut(&t) {
                e.1.push(u);
            }
        }
    }
    Ok(out)
}

pub fn scoped(conn: &mut DbConn, id: TaskId) -> AppResult<Scoped> {
    let task = get(conn, id)?;
    let coordinators = coordinator_ids(conn, id)?;
    Ok(Scoped { task, coordinators })
}

#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ReportRow {
    pub id: i64,
    pub kind: ReportKind,
    pub at: NaiveDateTime,
    pub text: String,
    pub percent: Option<i32>,
    pub user_name: Option<String>,
    pub unit_name: Option<String>,
}

pub fn reports(conn: &mut DbConn, task_id: TaskId) -> AppResult<Vec<ReportRow>> {
    Ok(crate::db::load!(
        conn,
        reports::table
            .left_join(users::table)
            .left_join(units::table)
            .filter(reports::task_id.eq(task_id))
            .order((reports::at.desc(), reports::id.desc()))
            .select((
                reports::id,
                reports::kind,
                reports::at,
                reports::text,
                reports::percent,
                users::name.nullable(),
                units::name.nullable(),
            )),
    )?)
}

/// The due date of each given unit's oldest overdue task (one index seek per unit and status:
/// the dashboard asks this for its few worst units only).
pub fn oldest_overdue(
    conn: &mut DbConn,
    units: &[UnitId],
    today: NaiveDate,
) -> AppResult<HashMap<UnitId, NaiveDate>> {
    let mut out = HashMap::new();
    for unit in units {
        for status in Status::WORKING {
            let oldest: Option<NaiveDate> = crate::db::load!(
                conn,
                tasks::table
                    .filter(tasks::lead_unit_id.eq(unit))
                    .filter(tasks::status.eq(status))
                    .filter(tasks::due_on.lt(today))
                    .select(diesel::dsl::min(tasks::due_on)),
                first
            )?;
            if let Some(d) = oldest {
                let e = out.entry(*unit).or_insert(d);
                *e = (*e).min(d);
            }
        }
    }
    Ok(out)
}

/// The latest progress or completion report's text of each given task (kết quả), for exports.
pub fn latest_results(conn: &mut DbConn, ids: &[TaskId]) -> AppResult<HashMap<TaskId, String>> {
    let found: Vec<(TaskId, String)> = reports::table
        .filter(crate::db::id_in(reports::task_id, ids))
        .filter(crate::db::word_in(
            reports::kind,
            &[ReportKind::Progress, ReportKind::Completion],
        ))
        .filter(reports::text.ne(""))
        .order((reports::task_id, reports::at.desc(), reports::id.desc()))
        .select((reports::task_id, reports::text))
        .load(conn)?;
    let mut out = HashMap::new();
    for (id, text) in found {
        out.entry(id).or_insert(text);
    }
    Ok(out)
}

/// The folded text a task is searched by: its item's label and text, its directive's number and
/// title, its lead unit's name and short name.
pub fn search_text(parts: &[&str]) -> String {
    fold(&parts.join(" "))
}

/// Rebuilds the folded text a task is searched by: its item, directive and lead unit.
pub fn refresh_search_text(conn: &mut DbConn, task_id: TaskId) -> AppResult<()> {
    let (label, text, number, title, unit, short): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = tasks::table
        .inner_join(directive_items::table)
        .inner_join(directives::table)
        .inner_join(units::table)
        .filter(tasks::id.eq(task_id))
        .select((
            directive_items::label,
            directive_items::text,
            directives::number,
            directives::title,
            units::name,
            units::short_name,
        ))
        .first(conn)?;
    let s = search_text(&[&label, &text, &number, &title, &unit, &short]);
    diesel::update(tasks::table.find(task_id))
        .set(tasks::search_text.eq(s))
        .execute(conn)?;
    Ok(())
}

pub fn refresh_search_text_for_unit(conn: &mut DbConn, unit_id: UnitId) -> AppResult<()> {
    let ids: Vec<TaskId> = tasks::table
        .filter(tasks::lead_unit_id.eq(unit_id))
        .select(tasks::id)
        .load(conn)?;
    for id in ids {
        refresh_search_text(conn, id)?;
    }
    Ok(())
}

/// How a change ended; `T` is what a change that held tells its caller.
#[derive(Debug)]
pub enum Outcome<T = ()> {
    Done(T),
    /// Someone changed the task since the form was loaded; nothing was written.
    Stale(Box<Task>),
    /// The move does not apply to the task's current status; nothing was written.
    NotNow(Status),
}

impl<T> Outcome<T> {
    /// The same outcome with what a change that held told replaced by `f` of it.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        match self {
            Outcome::Done(t) => Outcome::Done(f(t)),
            Outcome::Stale(task) => Outcome::Stale(task),
            Outcome::NotNow(s) => Outcome::NotNow(s),
        }
    }
}

/// Bumps the version if it is still `version`; false when someone else got there first. This
/// one statement is the lock: two instances cannot both win.
fn claim(conn: &mut DbConn, task_id: TaskId, version: i32, at: NaiveDateTime) -> AppResult<bool> {
    let n = diesel::update(
        tasks::table
            .filter(tasks::id.eq(task_id))
            .filter(tasks::version.eq(version)),
    )
    .set((tasks::version.eq(version + 1), tasks::updated_at.eq(at)))
    .execute(conn)?;
    Ok(n == 1)
}

fn stale<T>(conn: &mut DbConn, task_id: TaskId) -> AppResult<Outcome<T>> {
    Ok(Outcome::Stale(Box::new(get(conn, task_id)?)))
}

/// Starts a change: the task must still be at the version the person saw and in a status the
/// change applies to; then its next version is claimed. Otherwise the outcome to report.
fn begin<T>(
    conn: &mut DbConn,
    edit: &Edit,
    applies: impl FnOnce(Status) -> bool,
) -> AppResult<Result<Task, Outcome<T>>> {
    let task = get(conn, edit.task_id)?;
    if task.version != edit.version {
        return Ok(Err(stale(conn, edit.task_id)?));
    }
    if !applies(task.status()) {
        return Ok(Err(Outcome::NotNow(task.status())));
    }
    if !claim(conn, edit.task_id, edit.version, edit.at.now)? {
        return Ok(Err(stale(conn, edit.task_id)?));
    }
    Ok(Ok(task))
}

/// A report to attach to a change: its text, an optional percent, and the files already checked.
pub struct NewReport<'a> {
    pub kind: ReportKind,
    pub text: &'a str,
    pub percent: Option<i32>,
    pub files: &'a [crate::models::attachment::Upload],
}

/// Who changes which task, the version of it they saw, and when.
#[derive(Clone, Copy)]
pub struct Edit<'a> {
    pub actor: &'a Actor,
    pub task_id: TaskId,
    pub version: i32,
    pub at: Moment,
}

impl<'a> Edit<'a> {
    /// The change made by `act` to task `id` as its actor saw it at `version`.
    pub fn of(act: &'a Act, task_id: TaskId, version: i32) -> Edit<'a> {
        Edit {
            actor: &act.actor,
            task_id,
            version,
            at: act.at,
        }
    }

    /// The change `actor` makes to task `id` as they saw it at `version`, now.
    pub fn now(actor: &'a Actor, task_id: TaskId, version: i32) -> Edit<'a> {
        Edit {
            actor,
            task_id,
            version,
            at: Moment::now(),
        }
    }
}

/// A status move that held: what the mail about it needs.
#[derive(Debug, Clone, Copy)]
pub struct Moved {
    pub lead_unit_id: UnitId,
    pub from: Status,
    pub to: Status,
    /// The task's version after the move.
    pub version: i32,
}

/// Moves a task to another status, with an optional report. The caller holds the transaction.
pub fn apply_move(
    conn: &mut DbConn,
    storage: &crate::models::attachment::Storage,
    edit: Edit,
    mv: Move,
    report: NewReport,
) -> AppResult<Outcome<Moved>> {
    let Edit {
        actor, task_id, at, ..
    } = edit;
    let task = match begin(conn, &edit, |s| mv.apply(s).is_some())? {
        Ok(task) => task,
        Err(refused) => return Ok(refused),
    };
    let from = task.status();
    let to = mv.apply(from).expect("checked by begin");
    let completed = match to {
        Status::Reported => Some(at.today),
        Status::Done => task.completed_on.or(Some(at.today)),
        _ => None,
    };
    let progress = if to == Status::Done {
        100
    } else {
        task.progress
    };
    diesel::update(tasks::table.find(task_id))
        .set((
            tasks::status.eq(to),
            tasks::completed_on.eq(completed),
            tasks::progress.eq(progress),
        ))
        .execute(conn)?;
    // Only openness moves: the rows of `task_units` keep their units and date.
    diesel::update(task_units::table.filter(task_units::task_id.eq(task_id)))
        .set(task_units::open.eq(to.is_open()))
        .execute(conn)?;
    if !report.text.trim().is_empty() || !report.files.is_empty() {
        insert_report(conn, storage, actor, task_id, &report, at.now)?;
    }
    let change = journal::Change {
        kind: journal::Kind::StatusChanged,
        from: Some(from.as_str()),
        to: Some(to.as_str()),
        note: report.text.trim(),
    };
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Outcome::Done(Moved {
        lead_unit_id: task.lead_unit_id,
        from,
        to,
        version: edit.version + 1,
    }))
}

pub fn insert_report(
    conn: &mut DbConn,
    storage: &crate::models::attachment::Storage,
    actor: &Actor,
    task_id: TaskId,
    report: &NewReport,
    at: NaiveDateTime,
) -> AppResult<i64> {
    let unit_id = if actor.role.is_unit_role() {
        actor.unit_id
    } else {
        None
    };
    let id: i64 = diesel::insert_into(reports::table)
        .values((
            reports::task_id.eq(task_id),
            reports::user_id.eq(actor.user_id),
            reports::unit_id.eq(unit_id),
            reports::kind.eq(report.kind),
            reports::at.eq(at),
            reports::text.eq(report.text.trim()),
            reports::percent.eq(report.percent),
        ))
        .returning(reports::id)
        .get_result(conn)?;
    for file in report.files {
        crate::models::attachment::store(
            conn,
            storage,
            task_id,
            Some(id),
            actor.user_id,
            file,
            at,
        )?;
        let change = journal::Change {
            kind: journal::Kind::Attachment,
            from: None,
            to: Some(&file.original_name),
            note: "",
        };
        journal::write(conn, task_id, actor.user_id, at, change)?;
    }
    Ok(id)
}

/// A progress report from the lead unit: text, percent, files. Starts an assigned task. The
/// caller holds the transaction.
pub fn add_progress(
    conn: &mut DbConn,
    storage: &crate::models::attachment::Storage,
    edit: Edit,
    report: NewReport,
) -> AppResult<Outcome> {
    let Edit {
        actor, task_id, at, ..
    } = edit;
    let task = match begin(conn, &edit, |s| {
        matches!(s, Status::Assigned | Status::InProgress)
    })? {
        Ok(task) => task,
        Err(refused) => return Ok(refused),
    };
    let from = task.status();
    let percent = report.percent.unwrap_or(task.progress).clamp(0, 100);
    diesel::update(tasks::table.find(task_id))
        .set((
            tasks::status.eq(Status::InProgress),
            tasks::progress.eq(percent),
        ))
        .execute(conn)?;
    if from == Status::Assigned {
        let change = journal::Change {
            kind: journal::Kind::StatusChanged,
            from: Some(from.as_str()),
            to: Some(Status::InProgress.as_str()),
            note: "",
        };
        journal::write(conn, task_id, actor.user_id, at.now, change)?;
    }
    insert_report(conn, storage, actor, task_id, &report, at.now)?;
    let change = journal::Change {
        kind: journal::Kind::Progress,
        from: Some(&format!("{}%", task.progress)),
        to: Some(&format!("{percent}%")),
        note: report.text.trim(),
    };
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Outcome::Done(()))
}

/// A comment: no version needed, it changes nothing but the record. The caller holds the
/// transaction.
pub fn add_comment(
    conn: &mut DbConn,
    storage: &crate::models::attachment::Storage,
    actor: &Actor,
    task_id: TaskId,
    text: &str,
    at: NaiveDateTime,
) -> AppResult<()> {
    let report = NewReport {
        kind: ReportKind::Comment,
        text,
        percent: None,
        files: &[],
    };
    insert_report(conn, storage, actor, task_id, &report, at)?;
    let change = journal::Change::noted(journal::Kind::Comment, text.trim());
    journal::write(conn, task_id, actor.user_id, at, change)?;
    diesel::update(tasks::table.find(task_id))
        .set(tasks::updated_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// A task's due date changed (by the secretariat, or by an approved extension), saying why.
/// The caller holds the transaction.
pub fn change_due_date(
    conn: &mut DbConn,
    edit: Edit,
    due: Option<NaiveDate>,
    reason: &str,
) -> AppResult<Outcome> {
    let Edit {
        actor, task_id, at, ..
    } = edit;
    let task = match begin(conn, &edit, Status::is_open)? {
        Ok(task) => task,
        Err(refused) => return Ok(refused),
    };
    diesel::update(tasks::table.find(task_id))
        .set(tasks::due_on.eq(due))
        .execute(conn)?;
    // Only the date moves: the rows of `task_units` keep their units and openness.
    diesel::update(task_units::table.filter(task_units::task_id.eq(task_id)))
        .set(task_units::due_sort.eq(due.unwrap_or_else(no_due_sort)))
        .execute(conn)?;
    let show = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let (was, now) = (show(task.due_on), show(due));
    let change = journal::Change {
        kind: journal::Kind::DueDateChanged,
        from: was.as_deref(),
        to: now.as_deref(),
        note: reason.trim(),
    };
    journal::write(conn, task_id, actor.user_id, at.now, change)?;
    Ok(Outcome::Done(()))
}

/// Claims the next version of an open task for a change the caller makes (a correction), at
/// the version the person saw; the task as it was.
pub fn claim_open(conn: &mut DbConn, edit: &Edit) -> AppResult<Outcome<Task>> {
    Ok(match begin(conn, edit, Status::is_open)? {
        Ok(task) => Outcome::Done(task),
        Err(refused) => refused,
    })
}

/// Another lead unit for a task still with the units, at the version the person saw; returns
/// the old one. The caller holds the transaction and does the rest of a transfer
/// (models::transfer).
pub fn change_lead(conn: &mut DbConn, edit: Edit, to: UnitId) -> AppResult<Outcome<UnitId>> {
    let task = match begin(conn, &edit, Status::is_working)? {
        Ok(task) => task,
        Err(refused) => return Ok(refused),
    };
    diesel::update(tasks::table.find(edit.task_id))
        .set(tasks::lead_unit_id.eq(to))
        .execute(conn)?;
    Ok(Outcome::Done(task.lead_unit_id))
}

/// Whether a role's people may see the list of everyone's tasks.
pub fn sees_all(role: Role) -> bool {
    !role.is_unit_role()
}
