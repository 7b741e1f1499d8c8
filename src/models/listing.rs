//! The task list at any size: each filter and sort walks one index in the list's own order
//! from where the last page ended (keyset paging) and stops after a page, and the total is
//! counted up to a cap. Whose tasks a list shows decides which index it walks: a unit's
//! (`task_units`, by unit then each order), or, for people who see every unit, `tasks` (open
//! or not, then each order). A text search on SQLite first asks the trigram index which tasks
//! the list is among (`text_scope`); on PostgreSQL it walks the list's order comparing texts
//! (`text_walk`), and leaves rare words to the planner, which reads its trigram index.
//! `task::reference_ids` is the straightforward query the results are checked against.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::backend::Backend;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::{BigInt, Bool, Date, Text, Timestamp, Untyped};
use diesel::sqlite::Sqlite;

use crate::db::schema::{
    task_coordinators, task_day_tallies, task_month_tallies, task_units, tasks, unit_open_days,
    unit_task_counts,
};
use crate::db::{fixed, Bound, DbConn, MultiBackend};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::paging::{Key, Page, Total};
use crate::domain::permissions::Actor;
use crate::domain::status::{Status, Timeliness};
use crate::error::AppResult;
use crate::models::over_cap::LongLists;
use crate::models::task::{narrow, no_due_sort, rows_for, Filter, ListRow, Sort, PAGE_SIZE};

/// Beyond this many tasks a list says "more than" instead of counting on.
pub const COUNT_CAP: i64 = 10_000;
/// The same for a text search, whose every task counted is a text compared: a search that
/// finds more than a hundred asks for more words, not for the exact number.
pub const TEXT_COUNT_CAP: i64 = 100;

/// A text search whose indexed words find at most this many tasks is answered from those
/// tasks, sorted; words that find more are common enough that walking the list's order meets
/// a page of them soon. (SQLite's FTS5 finds 2,000 tasks holding a common word's trigrams in
/// about a millisecond at a million tasks.)
const RARE_TEXT: i64 = 2_000;

/// The cap on the list's count.
pub fn count_cap(f: &Filter) -> i64 {
    if crate::domain::text::search_terms(&f.q).is_empty() {
        COUNT_CAP
    } else {
        TEXT_COUNT_CAP
    }
}

/// One page of the list, with where the pages before and after it begin.
#[derive(Debug, Clone)]
pub struct ListPage {
    pub rows: Vec<ListRow>,
    pub total: Total,
    pub prev: Option<Page>,
    pub next: Option<Page>,
}

/// Whose tasks the list walks: a unit's (led or coordinated) from `task_units`, or everyone's
/// from `tasks`. A unit's people walk their own unit's; others a unit they filter by.
#[derive(Debug, Clone, Copy)]
enum Walk {
    Unit(UnitId),
    Tasks,
}

fn walk(actor: &Actor, f: &Filter) -> Walk {
    if actor.role.is_unit_role() {
        Walk::Unit(actor.unit_id.unwrap_or(UnitId(-1)))
    } else if let Some(u) = f.unit_id.or(f.lead_unit_id) {
        Walk::Unit(u)
    } else {
        Walk::Tasks
    }
}

/// What the walked index's own columns answer (open or not, the due key) and what is left
/// for the task rows. Each choice moved here means the same tasks as the rule it replaces:
/// the open statuses are the open flag, and "due soon" and the due range are ranges of the due
/// key (the due date, or 9999-12-31 for none); the open buckets narrow by both.
#[derive(Debug, Clone, PartialEq)]
struct Split {
    /// Each requirement on the open flag (two that disagree leave nothing).
    open: Vec<bool>,
    /// Only the tasks still with their unit (an open bucket): `task_units.working`, or
    /// `with_unit_sql` on the task.
    with_unit: bool,
    due_min: Option<NaiveDate>,
    due_max: Option<NaiveDate>,
    rest: Filter,
}

fn split(f: &Filter, today: NaiveDate) -> Split {
    let mut s = Split {
        open: Vec::new(),
        with_unit: false,
        due_min: None,
        due_max: None,
        // What a page holds is not what the list holds.
        rest: Filter {
            sort: Sort::default(),
            page: Page::First,
            limit: None,
            ..f.clone()
        },
    };
    let at_least = |s: &mut Split, d: NaiveDate| s.due_min = s.due_min.max(Some(d));
    let at_most = |s: &mut Split, d: NaiveDate| {
        s.due_max = Some(s.due_max.map_or(d, |m| m.min(d)));
    };
    match f.statuses.as_deref() {
        Some(st) if st == Status::OPEN => {
            s.open.push(true);
            s.rest.statuses = None;
        }
        Some(st) if !st.is_empty() && st.iter().all(|x| x.is_open()) => s.open.push(true),
        Some(st) if !st.is_empty() && st.iter().all(|x| !x.is_open()) => s.open.push(false),
        _ => {}
    }
    // The open buckets are the open tasks still with their unit (a reported task is open yet
    // counted done) in a range of the due key: the flag and the range from the index, the
    // status from the task. The done buckets hold open (reported) and closed tasks alike: the
    // rows answer.
    let with_unit = |s: &mut Split| {
        s.with_unit = true;
        s.rest.bucket = None;
        s.open.push(true);
    };
    match f.bucket {
        Some(Timeliness::OpenOverdue) => {
            with_unit(&mut s);
            at_most(&mut s, today.pred_opt().unwrap_or(today));
        }
        Some(Timeliness::OpenWithinDeadline) => {
            with_unit(&mut s);
            at_least(&mut s, today);
        }
        Some(Timeliness::DoneOnTime | Timeliness::DoneLate) | None => {}
    }
    if let Some(until) = f.due_soon_until {
        s.open.push(true);
        at_least(&mut s, today);
        at_most(&mut s, until);
        s.rest.due_soon_until = None;
    }
    // A due range leaves out the tasks without a deadline.
    if let Some(from) = f.due_from {
        at_least(&mut s, from);
        at_most(&mut s, no_due_sort().pred_opt().expect("valid date"));
        s.rest.due_from = None;
    }
    if let Some(to) = f.due_to {
        at_most(&mut s, to);
        s.rest.due_to = None;
    }
    s
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = BigInt)]
    id: TaskId,
}

/// The words of the search the trigram index holds: three letters or more.
fn indexed_words(f: &Filter) -> Vec<String> {
    crate::domain::text::search_terms(&f.q)
        .into_iter()
        .filter(|w| w.chars().count() >= 3)
        .collect()
}

/// The search's indexed words as a query of SQLite's FTS5 trigram table for the tasks after
/// `after` in id order: every three letters in a row of each word, all of which a task that
/// holds the words holds. The index answers that alone, without reading a task; the list's
/// own LIKE then keeps the tasks that hold the words themselves. The words are folded
/// (letters and digits only), so no trigram holds a quote.
fn text_probe(
    words: &[String],
    after: i64,
    limit: i64,
) -> diesel::query_builder::BoxedSqlQuery<'static, Sqlite, diesel::query_builder::SqlQuery> {
    let mut trigrams: Vec<String> = Vec::new();
    for w in words {
        let chars: Vec<char> = w.chars().collect();
        for t in chars.windows(3) {
            let t = format!("\"{}\"", t.iter().collect::<String>());
            if !trigrams.contains(&t) {
                trigrams.push(t);
            }
        }
    }
    let sql = "SELECT rowid AS id FROM tasks_text WHERE tasks_text MATCH ? AND rowid > ? \
               ORDER BY rowid LIMIT ?";
    diesel::sql_query(sql)
        .into_boxed()
        .bind::<Text, _>(trigrams.join(" AND "))
        .bind::<BigInt, _>(after)
        .bind::<BigInt, _>(limit)
}

/// Tasks that may hold each of a search's indexed words (they hold every trigram of them), in
/// id order, as SQLite's trigram index gives them a stretch at a time.
struct Candidates {
    words: Vec<String>,
    /// The stretch read last: up to `RARE_TEXT + 1` tasks.
    ids: Vec<TaskId>,
}

impl Candidates {
    /// The first stretch; None when no word is indexed, and always on PostgreSQL, where the
    /// list's order is walked first (`text_walk`) and the planner reads its own trigram index
    /// for the rare words that walk does not settle.
    fn first(conn: &mut DbConn, f: &Filter) -> AppResult<Option<Candidates>> {
        let words = indexed_words(f);
        if words.is_empty() || !matches!(conn, DbConn::Sqlite(_)) {
            return Ok(None);
        }
        let mut c = Candidates {
            words,
            ids: Vec::new(),
        };
        c.read(conn, 0)?;
        Ok(Some(c))
    }

    fn read(&mut self, conn: &mut DbConn, after: i64) -> AppResult<()> {
        // Only SQLite has the trigram table (`first`).
        let DbConn::Sqlite(conn) = conn else {
            return Ok(());
        };
        let found: Vec<Found> = text_probe(&self.words, after, RARE_TEXT + 1).load(conn)?;
        self.ids = found.into_iter().map(|r| r.id).collect();
        Ok(())
    }

    /// Whether this stretch is the last: the words are rare, and these are all the tasks
    /// that may hold them.
    fn all(&self) -> bool {
        self.ids.len() as i64 <= RARE_TEXT
    }

    /// How many stretches the words' tasks fill, judged by how far through the tasks' ids the
    /// first (full) one reached (ids grow with time; the words' tasks are spread over them).
    fn stretches(&self, conn: &mut DbConn) -> AppResult<i64> {
        let last = self.ids.last().map_or(0, |id| id.0).max(1);
        let newest: Option<TaskId> = tasks::table
            .select(diesel::dsl::max(tasks::id))
            .first(conn)?;
        Ok((newest.map_or(0, |n| n.0) as f64 / last as f64).ceil() as i64)
    }

    /// The next stretch, if there is one.
    fn next(&mut self, conn: &mut DbConn) -> AppResult<bool> {
        match self.ids.last() {
            Some(last) if !self.all() => {
                let after = last.0;
                self.read(conn, after)?;
                Ok(!self.ids.is_empty())
            }
            _ => Ok(false),
        }
    }
}

/// How many of a list's tasks in its order a text search on PostgreSQL compares at most before
/// it asks the trigram index instead (`text_walk`): a word in one task in two hundred fills a
/// page within them, one in fifty the count's cap. A first look at `TEXT_PEEK` tasks tells
/// whether the words come often enough for that, so that a rare word costs little more than
/// its index.
const TEXT_WALK: i64 = 5_000;
const TEXT_PEEK: i64 = 500;
/// A unit's list is walked further when the first look finds the words at all: its own tasks
/// (at a million tasks a unit has about 10,000 open) are read rather than every task that holds
/// a word common elsewhere but rare in the unit, which the trigram index would give.
const TEXT_UNIT_WALK: i64 = 10_000;

/// How many stretches of a word's tasks are read for the list's own among them, when the
/// first stretch shows that they are no more (64,000 tasks that may hold the words, read in
/// about a millisecond a stretch): beyond, a word so common is met soon by walking the list.
const TEXT_STRETCHES: i64 = 32;

/// Whether a unit's list needs anything of the task beyond what `task_units` holds.
fn needs_tasks(rest: &Filter, unit: UnitId) -> bool {
    let unit_answered = rest.unit_id.is_none_or(|u| u == unit);
    let others = Filter {
        unit_id: None,
        ..rest.clone()
    };
    !(unit_answered && others == Filter::default())
}

/// "Still with its unit" over the task's status, for the walk over `tasks` (whose open index
/// holds the status), among the open tasks (the walk always asks for them with it): "not
/// reported". An inequality is no index range, so no plan reads the tasks by status instead of
/// walking the list's order, and one comparison per index entry keeps a capped count cheap.
fn with_unit_sql() -> String {
    format!("tasks.status <> '{}'", Status::Reported)
}

/// The condition "after `key`" (or before, `back`) in the sort's order over the given
/// columns, written as a row comparison, which both databases answer from the index. (A macro
/// so that the condition is built for the query's own backend.)
macro_rules! beyond {
    ($names:expr, $sort:expr, $key:expr, $back:expr) => {{
        let ((due, id, updated), sort, key): (_, Sort, Key) = ($names, $sort, $key);
        // Only "most urgent first" runs upwards.
        let up = (sort == Sort::Due) != $back;
        let op = if up { ">" } else { "<" };
        let condition: Box<dyn BoxableExpression<_, _, SqlType = Bool>> = match sort {
            Sort::Due | Sort::DueDesc => Box::new(
                fixed::<Bool>(format!("({due}, {id}) {op} ("))
                    .bind(Bound::Date(key.due().unwrap_or(NaiveDate::MIN)))
                    .sql(", ")
                    .bind(Bound::Id(key.id.0))
                    .sql(")"),
            ),
            Sort::Updated => Box::new(
                fixed::<Bool>(format!("({updated}, {id}) {op} ("))
                    .bind(Bound::Time(key.updated()))
                    .sql(", ")
                    .bind(Bound::Id(key.id.0))
                    .sql(")"),
            ),
            Sort::Created => {
                Box::new(fixed::<Bool>(format!("{id} {op} ")).bind(Bound::Id(key.id.0)))
            }
        };
        condition
    }};
}

/// Orders a boxed query by the sort over the given columns (`back` walks it backwards).
macro_rules! in_order {
    ($q:expr, $due:expr, $id:expr, $updated:expr, $sort:expr, $back:expr) => {
        match ($sort, $back) {
            (Sort::Due, false) | (Sort::DueDesc, true) => $q.order(($due.asc(), $id.asc())),
            (Sort::Due, true) | (Sort::DueDesc, false) => $q.order(($due.desc(), $id.desc())),
            (Sort::Updated, false) => $q.order(($updated.desc(), $id.desc())),
            (Sort::Updated, true) => $q.order(($updated.asc(), $id.asc())),
            (Sort::Created, false) => $q.order($id.desc()),
            (Sort::Created, true) => $q.order($id.asc()),
        }
    };
}

/// The stretches of the list's order that one index range each answers, in order. "Latest
/// due first" lists the tasks with a deadline (latest first) and then those without (newest
/// first), so that tasks without a deadline come last either way; every other order is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stretch {
    All,
    Dated,
    Undated,
}

fn stretches(sort: Sort) -> &'static [Stretch] {
    match sort {
        Sort::DueDesc => &[Stretch::Dated, Stretch::Undated],
        _ => &[Stretch::All],
    }
}

/// The stretches a walk from `page` reads, in the order it reads them; whether it walks
/// backwards; the key it starts beyond (which applies to the first stretch only).
fn route(sort: Sort, page: Page) -> (Vec<Stretch>, bool, Option<Key>) {
    let all = stretches(sort);
    let at = |k: Key| {
        let undated = sort == Sort::DueDesc && k.due() == Some(no_due_sort());
        usize::from(undated)
    };
    match page {
        Page::First => (all.to_vec(), false, None),
        Page::After(k) => (all[at(k)..].to_vec(), false, Some(k)),
        Page::Before(k) => (all[..=at(k)].iter().rev().copied().collect(), true, Some(k)),
    }
}

/// The query for one stretch of a walk (the `i`th it reads) over the walk's narrowed query
/// `$base!()`, ordered and started beyond the key; `$cols` and `$names` are its sort
/// columns, typed and as SQL.
macro_rules! stretch_query {
    ($base:ident, $cols:expr, $names:expr, $sort:expr, ($back:expr, $key:expr), $i:expr, $stretch:expr) => {{
        let (due, id, updated) = $cols;
        let mut q = in_order!($base!(), due, id, updated, $sort, $back);
        q = match $stretch {
            Stretch::All => q,
            Stretch::Dated => q.filter(due.lt(no_due_sort())),
            Stretch::Undated => q.filter(due.eq(no_due_sort())),
        };
        if let (0, Some(k)) = ($i, $key) {
            q = q.filter(beyond!($names, $sort, k, $back));
        }
        q.select((id, due, updated))
    }};
}

/// Up to `$limit` rows (id, due key, last change) of the list from `$page` on (or back).
macro_rules! walk_rows {
    ($conn:expr, $base:ident, $cols:expr, $names:expr, $sort:expr, $page:expr, $limit:expr) => {{
        let (route, back, key) = route($sort, $page);
        let mut rows: Vec<(TaskId, NaiveDate, NaiveDateTime)> = Vec::new();
        for (i, stretch) in route.into_iter().enumerate() {
            let want = $limit - rows.len() as i64;
            if want <= 0 {
                break;
            }
            let got: Vec<(TaskId, NaiveDate, NaiveDateTime)> = crate::db::load!(
                $conn,
                stretch_query!($base, $cols, $names, $sort, (back, key), i, stretch).limit(want)
            )?;
            rows.extend(got);
        }
        rows
    }};
}

/// Each walk's sort columns (due key, id, last change), typed and as SQL.
const TASK_COLUMNS: (tasks::due_key, tasks::id, tasks::updated_at) =
    (tasks::due_key, tasks::id, tasks::updated_at);
const TASK_NAMES: (&str, &str, &str) = ("tasks.due_key", "tasks.id", "tasks.updated_at");
const UNIT_COLUMNS: (
    task_units::due_sort,
    task_units::task_id,
    task_units::updated_at,
) = (
    task_units::due_sort,
    task_units::task_id,
    task_units::updated_at,
);
const UNIT_NAMES: (&str, &str, &str) = (
    "task_units.due_sort",
    "task_units.task_id",
    "task_units.updated_at",
);

/// Runs `$body` with `$base!()` giving the list's narrowed query for the walk that answers it,
/// and `$cols`/`$names` bound to that walk's sort columns. `$base` is a macro, not a closure,
/// so that each query is built for the connection's own backend (`db::load!`): a query built
/// for `MultiBackend` has its SQL written again on every execution.
macro_rules! with_walk {
    ($among:expr, $actor:expr, $f:expr, $today:expr, |$base:ident, $cols:ident, $names:ident| $body:expr) => {{
        let (actor, f, today) = ($actor, $f, $today);
        let split = split(f, today);
        let rest = &split.rest;
        // The tasks a text search's index says the list is among (`text_scope`).
        let among: Option<&Vec<TaskId>> = $among;
        // The index-answered part of the filter, on the walk's open flag and due key.
        macro_rules! keyed {
            ($q:expr, $open:expr, $due:expr, $id:expr) => {{
                let mut q = $q;
                // (Up to `RARE_TEXT` ids, each a placeholder: as one JSON value, as `id_in`
                // sends a long list, SQLite would rather walk the order than look them up.)
                if let Some(ids) = among {
                    q = q.filter($id.eq_any(ids.clone()));
                }
                for o in &split.open {
                    q = q.filter($open.eq(*o));
                }
                if let Some(d) = split.due_min {
                    q = q.filter($due.ge(d));
                }
                if let Some(d) = split.due_max {
                    q = q.filter($due.le(d));
                }
                q
            }};
        }
        match walk(actor, f) {
            Walk::Tasks => {
                macro_rules! $base {
                    () => {{
                        let mut q = narrow!(tasks::table.into_boxed(), rest, today);
                        if split.with_unit {
                            q = q.filter(fixed::<Bool>(with_unit_sql()));
                        }
                        keyed!(q, tasks::is_open, tasks::due_key, tasks::id)
                    }};
                }
                let ($cols, $names) = (TASK_COLUMNS, TASK_NAMES);
                $body
            }
            Walk::Unit(unit) if !needs_tasks(rest, unit) => {
                macro_rules! $base {
                    () => {{
                        let mut q = task_units::table
                            .filter(task_units::unit_id.eq(unit))
                            .into_boxed();
                        if split.with_unit {
                            q = q.filter(task_units::working.eq(true));
                        }
                        keyed!(
                            q,
                            task_units::open,
                            task_units::due_sort,
                            task_units::task_id
                        )
                    }};
                }
                let ($cols, $names) = (UNIT_COLUMNS, UNIT_NAMES);
                $body
            }
            Walk::Unit(unit) => {
                macro_rules! $base {
                    () => {{
                        let joined = task_units::table
                            .inner_join(tasks::table)
                            .filter(task_units::unit_id.eq(unit))
                            .into_boxed();
                        let mut q = narrow!(joined, rest, today);
                        if split.with_unit {
                            q = q.filter(task_units::working.eq(true));
                        }
                        q = keyed!(
                            q,
                            task_units::open,
                            task_units::due_sort,
                            task_units::task_id
                        );
                        // A unit's people filtering by another unit see what both share.
                        // (`task_units` is walked here already, so the other unit's tasks are
                        // found from the task and its coordinators.)
                        if let Some(other) = rest.unit_id.filter(|u| *u != unit) {
                            q = q.filter(
                                tasks::lead_unit_id.eq(other).or(tasks::id.eq_any(
                                    task_coordinators::table
                                        .filter(task_coordinators::unit_id.eq(other))
                                        .select(task_coordinators::task_id),
                                )),
                            );
                        }
                        q
                    }};
                }
                let ($cols, $names) = (UNIT_COLUMNS, UNIT_NAMES);
                $body
            }
        }
    }};
}

/// A PostgreSQL query that walks `inner` (a list's keyed walk without the words, up to
/// `reach + 1` rows of id, due key and last change) in its order and keeps the tasks whose
/// text holds every pattern, up to `want` rows. The text is compared per task in a subquery,
/// which neither the planner's estimate nor its trigram index sees: the walk stays the list's
/// index in order and stops as soon as it has enough. The last row of `inner`, one past the
/// reach, comes out marked (its fourth column true), so that a walk that found too few tells
/// whether it reached the list's end.
struct TextWalk<Q> {
    inner: Q,
    patterns: Vec<String>,
    reach: i64,
    want: i64,
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for TextWalk<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT w.id, w.due, w.upd, w.n > ");
        out.push_bind_param::<BigInt, _>(&self.reach)?;
        // row_number() without an order numbers the rows as they come, without reading ahead.
        out.push_sql(" FROM (SELECT row_number() OVER () AS n, i.* FROM (");
        self.inner.walk_ast(out.reborrow())?;
        out.push_sql(") AS i (id, due, upd)) AS w WHERE w.n > ");
        out.push_bind_param::<BigInt, _>(&self.reach)?;
        out.push_sql(" OR (SELECT ");
        for (i, p) in self.patterns.iter().enumerate() {
            if i > 0 {
                out.push_sql(" AND ");
            }
            out.push_sql("t.search_text LIKE ");
            out.push_bind_param::<Text, _>(p)?;
            out.push_sql(" ESCAPE '\\'");
        }
        out.push_sql(" FROM tasks t WHERE t.id = w.id) LIMIT ");
        out.push_bind_param::<BigInt, _>(&self.want)?;
        Ok(())
    }
}

impl<Q> QueryId for TextWalk<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q> Query for TextWalk<Q> {
    type SqlType = (BigInt, Date, Timestamp, Bool);
}

impl<Q, Conn> RunQueryDsl<Conn> for TextWalk<Q> {}

type KeyRow = (TaskId, NaiveDate, NaiveDateTime);

/// Whether one of the newest `TEXT_PEEK` tasks holds every pattern: words that common are in
/// thousands of tasks at a million, which the trigram index would all read.
fn common_words(conn: &mut diesel::PgConnection, patterns: &[String]) -> QueryResult<bool> {
    let newest = tasks::table
        .select((tasks::id, tasks::due_key, tasks::updated_at))
        .order(tasks::id.desc())
        .limit(TEXT_PEEK + 1);
    let found: Vec<(TaskId, NaiveDate, NaiveDateTime, bool)> = TextWalk {
        inner: newest,
        patterns: patterns.to_vec(),
        reach: TEXT_PEEK,
        want: 1,
    }
    .load(conn)?;
    Ok(found.first().is_some_and(|r| !r.3))
}

/// On PostgreSQL, up to `want` rows of a text search's list from `page` on, found by walking
/// the list's order and comparing the texts of at most `TEXT_WALK` tasks a stretch (a unit's
/// `TEXT_UNIT_WALK`); None when that does not settle it (too few found before the reach), and
/// always on SQLite and for a search without an indexed word. PostgreSQL's planner guesses how
/// many tasks hold words from their trigrams, and for a word in a few per cent of the tasks (a
/// province) guesses far too few: it then reads all of them through the trigram index and
/// sorts them, hundreds of milliseconds at a million tasks, where the list's own order meets a
/// page of them within a few hundred tasks. A rare word's walk finds too few, and the planner,
/// right about rare words, reads the index. With `plans`, the plan of each stretch's longest
/// walk instead.
fn text_walk(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
    page: Page,
    want: i64,
    mut plans: Option<&mut Vec<Vec<String>>>,
) -> AppResult<Option<Vec<KeyRow>>> {
    let DbConn::Pg(conn) = conn else {
        return Ok(None);
    };
    if indexed_words(f).is_empty() {
        return Ok(None);
    }
    let patterns: Vec<String> = crate::domain::text::search_terms(&f.q)
        .iter()
        .map(|t| crate::domain::text::like_pattern(t))
        .collect();
    let plain = Filter {
        q: String::new(),
        ..f.clone()
    };
    let unit = match walk(actor, f) {
        Walk::Unit(u) => Some(u),
        Walk::Tasks => None,
    };
    let longest = if unit.is_some() {
        TEXT_UNIT_WALK
    } else {
        TEXT_WALK
    };
    // A unit's tasks that may hold the words, once a first look did not settle the search.
    let mut among: Option<Vec<TaskId>> = None;
    with_walk!(None, actor, &plain, today, |base, cols, names| {
        let (route, back, key) = route(f.sort, page);
        let reaches: &[i64] = if plans.is_some() {
            &[longest]
        } else {
            &[TEXT_PEEK, longest]
        };
        'reach: for &reach in reaches {
            let mut rows: Vec<KeyRow> = Vec::new();
            for (i, stretch) in route.iter().copied().enumerate() {
                let left = want - rows.len() as i64;
                if left <= 0 {
                    break;
                }
                let mut inner = stretch_query!(base, cols, names, f.sort, (back, key), i, stretch)
                    .limit(reach + 1);
                if let Some(ids) = &among {
                    inner = inner.filter(crate::db::id_in(cols.1, ids));
                }
                let walk = TextWalk {
                    inner,
                    patterns: patterns.clone(),
                    reach,
                    want: left,
                };
                if let Some(plans) = plans.as_deref_mut() {
                    let plan: Vec<PgPlan> =
                        Around::<_, Untyped>::new("EXPLAIN ", walk, "").load(conn)?;
                    plans.push(plan.into_iter().map(|p| p.line).collect());
                    continue;
                }
                let got: Vec<(TaskId, NaiveDate, NaiveDateTime, bool)> = walk.load(conn)?;
                let short = got.last().is_some_and(|r| r.3);
                rows.extend(got.into_iter().filter(|r| !r.3).map(|r| (r.0, r.1, r.2)));
                if short {
                    // Too few within the reach: a longer walk pays only for words met often
                    // enough to give `want` within the longest; rarer ones ask the index. A
                    // unit's list is walked whole, comparing only the texts of the unit's tasks
                    // that the index says may hold the words when they are few; else for words
                    // met in it or common elsewhere (the index would read all of their tasks).
                    let found = rows.len() as i64;
                    let further = if let Some(u) = unit {
                        among = unit_text_candidates(conn, u, f)?;
                        among.is_some() || found > 0 || common_words(conn, &patterns)?
                    } else {
                        found > 0 && found * longest >= want * reach
                    };
                    if !further {
                        return Ok(None);
                    }
                    continue 'reach;
                }
            }
            return Ok(Some(rows));
        }
        Ok(None)
    })
}

/// For a text search on SQLite, the tasks the list is among and its total when known. A rare
/// word's tasks come whole from the text index. A more common word's come a stretch at a
/// time, and the list's own among them are kept when they are all found (the list then needs
/// no walk that compares texts), or counted when they pass the cap (walking the list's order
/// meets a page of them soon).
fn text_scope(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
) -> AppResult<(Option<Vec<TaskId>>, Option<i64>)> {
    let Some(mut c) = Candidates::first(conn, f)? else {
        return Ok((None, None));
    };
    if c.all() {
        return Ok((Some(c.ids), None));
    }
    let cap = count_cap(f);
    // A word too common to read all of its tasks still shows from its first stretch whether
    // the list holds more than the cap.
    let stretches = match c.stretches(conn)? {
        // (Two more than judged, as the words' tasks may lie closer towards the newest.)
        n if n <= TEXT_STRETCHES => n + 2,
        _ => 1,
    };
    // A unit's list keeps of each stretch the unit's own tasks, met in memory with the unit's
    // ids (one index range, read once): a word common elsewhere but rare in the unit then costs
    // no lookup per task of its elsewhere.
    let mine = match walk(actor, f) {
        Walk::Unit(unit) if stretches > 1 => Some(unit_task_ids(conn, unit, &split(f, today))?),
        _ => None,
    };
    with_walk!(None, actor, f, today, |base, cols, _names| {
        let mut found: Vec<TaskId> = Vec::new();
        for _ in 0..stretches {
            let ids: Vec<TaskId> = match &mine {
                Some(mine) => c
                    .ids
                    .iter()
                    .copied()
                    .filter(|id| mine.contains(id))
                    .collect(),
                None => c.ids.clone(),
            };
            if !ids.is_empty() {
                let limit = cap + 1 - found.len() as i64;
                let got: Vec<TaskId> = crate::db::load!(
                    conn,
                    base!()
                        .filter(cols.1.eq_any(ids))
                        .select(cols.1)
                        .limit(limit)
                )?;
                found.extend(got);
            }
            let n = found.len() as i64;
            if n > cap {
                return Ok((None, Some(n)));
            }
            if !c.next(conn)? {
                return Ok((Some(found), Some(n)));
            }
        }
        Ok((None, None))
    })
}

/// On PostgreSQL, the tasks of one unit that may hold a search's words, when they are few: the
/// trigram index holds each task's units beside its words (`tasks.unit_ids`), so it answers
/// both at once, where walking the unit's list compares every task's text. None when no word
/// is indexed or the candidates are many (the list's walk then meets them soon).
fn unit_text_candidates(
    conn: &mut diesel::PgConnection,
    unit: UnitId,
    f: &Filter,
) -> AppResult<Option<Vec<TaskId>>> {
    let words = indexed_words(f);
    if words.is_empty() {
        return Ok(None);
    }
    let mut sql = String::from("SELECT id FROM tasks WHERE unit_ids @> ARRAY[$1]::BIGINT[]");
    for i in 0..words.len() {
        sql.push_str(&format!(" AND search_text LIKE ${} ESCAPE '\\'", i + 2));
    }
    sql.push_str(&format!(" LIMIT ${}", words.len() + 2));
    let mut q = diesel::sql_query(sql)
        .into_boxed::<Pg>()
        .bind::<BigInt, _>(unit);
    for w in &words {
        q = q.bind::<Text, _>(crate::domain::text::like_pattern(w));
    }
    let found: Vec<Found> = q.bind::<BigInt, _>(RARE_TEXT + 1).load(conn)?;
    Ok((found.len() as i64 <= RARE_TEXT).then(|| found.into_iter().map(|r| r.id).collect()))
}

/// The ids of a unit's tasks, open or not as the list asks: an index range of `task_units`.
fn unit_task_ids(
    conn: &mut DbConn,
    unit: UnitId,
    split: &Split,
) -> AppResult<std::collections::HashSet<TaskId>> {
    let ids: Vec<TaskId> = crate::db::load!(conn, {
        let mut q = task_units::table
            .filter(task_units::unit_id.eq(unit))
            .into_boxed();
        for o in &split.open {
            q = q.filter(task_units::open.eq(*o));
        }
        q.select(task_units::task_id)
    })?;
    Ok(ids.into_iter().collect())
}

/// Narrows a boxed query to a range of one of its date columns (either end open).
macro_rules! in_range {
    ($q:expr, $column:expr, $range:expr) => {{
        let (mut q, (from, to)): (_, (Option<NaiveDate>, Option<NaiveDate>)) = ($q, $range);
        if let Some(d) = from {
            q = q.filter($column.ge(d));
        }
        if let Some(d) = to {
            q = q.filter($column.le(d));
        }
        q
    }};
}

/// A stored count's total: the sum of its rows' `n`.
fn sum_n() -> crate::db::Fixed<BigInt> {
    fixed("CAST(COALESCE(SUM(n), 0) AS BIGINT)")
}

/// The total of everyone's tasks in a stored tally by status and a date (`task_day_tallies`,
/// `task_month_tallies`) over a set of statuses and a range of its dates.
macro_rules! summed {
    ($conn:expr, $table:ident, $date:ident, $statuses:expr, $range:expr) => {{
        let total: i64 = crate::db::load!(
            $conn,
            {
                let q = $table::table
                    .filter(crate::db::word_in($table::status, $statuses))
                    .into_boxed();
                in_range!(q, $table::$date, $range).select(sum_n())
            },
            get_result
        )?;
        total
    }};
}

/// The total of a list that stored counts answer, None for any other: a unit's list narrowed
/// by nothing but open or not (`unit_task_counts`), which a unit's people's lists and a leader's
/// list of one unit mostly are; and an open list narrowed by nothing but a due range and "still
/// with its unit" (due soon, the open buckets), summed over its days: a unit's from
/// `unit_open_days`, everyone's from `task_month_tallies` for whole months and
/// `task_day_tallies` for the days left. All are kept by triggers.
fn stored_total(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
) -> AppResult<Option<i64>> {
    let walk = walk(actor, f);
    let split = split(f, today);
    let narrowed = match walk {
        Walk::Unit(unit) => needs_tasks(&split.rest, unit),
        Walk::Tasks => split.rest != Filter::default(),
    };
    let by_day = split.with_unit || split.due_min.is_some() || split.due_max.is_some();
    let open_only = !split.open.is_empty() && split.open.iter().all(|o| *o);
    if narrowed || (by_day && !open_only) {
        return Ok(None);
    }
    // Summed in the database: a unit's overdue tasks are spread over a few hundred days.
    let n = match (walk, by_day) {
        (Walk::Unit(unit), false) => crate::db::load!(
            conn,
            {
                let mut q = unit_task_counts::table
                    .filter(unit_task_counts::unit_id.eq(unit))
                    .into_boxed();
                for o in &split.open {
                    q = q.filter(unit_task_counts::open.eq(*o));
                }
                q.select(sum_n())
            },
            get_result
        )?,
        (Walk::Unit(unit), true) => crate::db::load!(
            conn,
            {
                let mut q = unit_open_days::table
                    .filter(unit_open_days::unit_id.eq(unit))
                    .into_boxed();
                if split.with_unit {
                    q = q.filter(unit_open_days::working.eq(true));
                }
                let range = (split.due_min, split.due_max);
                in_range!(q, unit_open_days::due_sort, range).select(sum_n())
            },
            get_result
        )?,
        (Walk::Tasks, true) => {
            let statuses: &[Status] = if split.with_unit {
                &Status::WORKING
            } else {
                &Status::OPEN
            };
            // Whole months from their own tally: the overdue tasks lie over years of days.
            let spans = crate::domain::dates::month_spans(split.due_min, split.due_max);
            let mut n = 0;
            if let Some(range) = spans.months {
                n += summed!(conn, task_month_tallies, due_month, statuses, range);
            }
            for range in spans.days {
                n += summed!(conn, task_day_tallies, due_key, statuses, range);
            }
            n
        }
        // Every open task, or every task: past the cap at any size that matters, and known to
        // be for a minute once counted.
        (Walk::Tasks, false) => return Ok(None),
    };
    Ok(Some(n))
}

/// What a list's count depends on: whose tasks it walks, the day, and the filter but for its
/// order and page (`LongLists`).
fn count_key(actor: &Actor, f: &Filter, today: NaiveDate) -> String {
    let unpaged = Filter {
        sort: Sort::default(),
        page: Page::First,
        limit: None,
        ..f.clone()
    };
    format!("{:?} {today} {unpaged:?}", walk(actor, f))
}

/// One page of the list and its total (exact up to `count_cap`, or as stored).
pub fn list(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
    long: &LongLists,
) -> AppResult<ListPage> {
    let page = f.page;
    let size = f.page_size();
    let cap = count_cap(f);
    let (among, mut known) = text_scope(conn, actor, f, today)?;
    let key = count_key(actor, f, today);
    let long_known = long.known(&key);
    // On PostgreSQL a text search's first page walks on to the count's cap, which counts it in
    // the same walk, unless the list is known to be longer.
    let counting = page == Page::First && !long_known;
    let want = if counting {
        cap.max(size) + 1
    } else {
        size + 1
    };
    let walked = text_walk(conn, actor, f, today, page, want, None)?;
    if let (true, Some(rows)) = (counting, &walked) {
        let n = rows.len() as i64;
        if n > cap {
            long.found(key.clone());
        }
        known = known.or(Some(n));
    }
    let (mut keys, total) = with_walk!(among.as_ref(), actor, f, today, |base, cols, names| {
        let rows = match walked {
            Some(mut rows) => {
                rows.truncate(size as usize + 1);
                rows
            }
            None => walk_rows!(conn, base, cols, names, f.sort, page, size + 1),
        };
        // A first page that holds the whole list has counted it; a unit's whole list, open
        // or not, has its total stored; a text search may have counted; a list counted past
        // the cap within the minute is still past it; otherwise one count over the list cut
        // one past the cap reads at most the cap's worth of index entries.
        let total = if page == Page::First && rows.len() as i64 <= size {
            Total::capped(rows.len() as i64, cap)
        } else if let Some(n) = stored_total(conn, actor, f, today)? {
            Total { n, more: false }
        } else if let Some(n) = known {
            Total::capped(n, cap)
        } else if long_known {
            Total::capped(cap + 1, cap)
        } else {
            // (A first page's walk has tried already.)
            let counted = if counting {
                None
            } else {
                text_walk(conn, actor, f, today, Page::First, cap + 1, None)?
            };
            let n = match counted {
                Some(found) => found.len() as i64,
                None => crate::db::load!(
                    conn,
                    capped_count(base!().select(cols.1).limit(cap + 1)),
                    get_result
                )?,
            };
            if n > cap {
                long.found(key);
            }
            Total::capped(n, cap)
        };
        (rows, total)
    });
    // Walking back to the start (tasks came or went meanwhile) shows the first page whole.
    if matches!(page, Page::Before(_)) && (keys.len() as i64) < size {
        let first = Filter {
            page: Page::First,
            ..f.clone()
        };
        return list(conn, actor, &first, today, long);
    }
    let more = keys.len() as i64 > size;
    keys.truncate(size as usize);
    if matches!(page, Page::Before(_)) {
        keys.reverse();
    }
    let key = |(id, due, updated): &(TaskId, NaiveDate, NaiveDateTime)| {
        Key::of(f.sort, *id, *due, *updated)
    };
    let first = keys.first().map(key);
    let last = keys.last().map(key);
    // Going forward there is a page before unless this is the first; going back there is
    // one after (the page it came from).
    let (prev, next) = match page {
        Page::First => (None, last.filter(|_| more).map(Page::After)),
        Page::After(_) => (
            first.map(Page::Before),
            last.filter(|_| more).map(Page::After),
        ),
        Page::Before(_) => (
            first.filter(|_| more).map(Page::Before),
            last.map(Page::After),
        ),
    };
    let ids: Vec<TaskId> = keys.into_iter().map(|k| k.0).collect();
    Ok(ListPage {
        rows: rows_for(conn, &ids, today)?,
        total,
        prev,
        next,
    })
}

/// Every listed task's id in the list's order, up to `cap` (exports, steps over a list).
pub fn all_ids(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
    cap: i64,
) -> AppResult<Vec<TaskId>> {
    let (among, _) = text_scope(conn, actor, f, today)?;
    let rows = with_walk!(among.as_ref(), actor, f, today, |base, cols, names| {
        walk_rows!(conn, base, cols, names, f.sort, Page::First, cap)
    });
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The plans the database makes for a page of the list (on SQLite a text search's probe of
/// the trigram index first, then each stretch's query, on PostgreSQL a text search's walk of
/// each stretch, then the capped count), one line per step: `EXPLAIN QUERY PLAN` on SQLite,
/// `EXPLAIN` on PostgreSQL. The tests hold every list shape to its indexes with them.
pub fn plans(
    conn: &mut DbConn,
    actor: &Actor,
    f: &Filter,
    today: NaiveDate,
) -> AppResult<Vec<Vec<String>>> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    let (before, after) = if sqlite {
        ("EXPLAIN QUERY PLAN ", "")
    } else {
        ("EXPLAIN ", "")
    };
    let mut out = Vec::new();
    let text = Candidates::first(conn, f)?;
    if let (Some(c), DbConn::Sqlite(conn)) = (&text, &mut *conn) {
        let probe = text_probe(&c.words, 0, RARE_TEXT + 1);
        let plan: Vec<SqlitePlan> = Around::<_, Untyped>::new(before, probe, after).load(conn)?;
        out.push(plan.into_iter().map(|p| p.detail).collect());
    }
    let (among, _) = text_scope(conn, actor, f, today)?;
    with_walk!(among.as_ref(), actor, f, today, |base, cols, names| {
        let (route, back, key) = route(f.sort, f.page);
        for (i, stretch) in route.into_iter().enumerate() {
            let q = stretch_query!(base, cols, names, f.sort, (back, key), i, stretch);
            let q = Around::<_, Untyped>::new(before, q.limit(PAGE_SIZE + 1), after);
            out.push(plan_lines(conn, sqlite, q)?);
        }
        // On PostgreSQL a text search walks the list's order first (`text_walk`).
        text_walk(conn, actor, f, today, f.page, PAGE_SIZE + 1, Some(&mut out))?;
        let count = capped_count(base!().select(cols.1).limit(count_cap(f) + 1));
        out.push(plan_lines(
            conn,
            sqlite,
            Around::<_, Untyped>::new(before, count, after),
        )?);
        Ok(out)
    })
}

/// A query inside SQL that diesel's builder cannot write around it (a count over a cut
/// subquery, EXPLAIN), keeping its binds; `ST` is what the whole gives.
struct Around<Q, ST> {
    before: &'static str,
    query: Q,
    after: &'static str,
    gives: std::marker::PhantomData<ST>,
}

impl<Q, ST> Around<Q, ST> {
    fn new(before: &'static str, query: Q, after: &'static str) -> Self {
        Around {
            before,
            query,
            after,
            gives: std::marker::PhantomData,
        }
    }
}

impl<Q: QueryFragment<DB>, ST, DB: Backend> QueryFragment<DB> for Around<Q, ST> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql(self.before);
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(self.after);
        Ok(())
    }
}

impl<Q, ST> QueryId for Around<Q, ST> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, ST> Query for Around<Q, ST> {
    type SqlType = ST;
}

impl<Q, ST, Conn> RunQueryDsl<Conn> for Around<Q, ST> {}

/// How many rows `query` (cut one past the cap) gives.
fn capped_count<Q>(query: Q) -> Around<Q, BigInt> {
    Around::new("SELECT COUNT(*) FROM (", query, ") AS capped")
}

#[derive(QueryableByName)]
struct SqlitePlan {
    #[diesel(sql_type = diesel::sql_types::Text)]
    detail: String,
}

#[derive(QueryableByName)]
struct PgPlan {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[diesel(column_name = "QUERY PLAN")]
    line: String,
}

fn plan_lines<Q>(
    conn: &mut DbConn,
    sqlite: bool,
    explain: Around<Q, Untyped>,
) -> AppResult<Vec<String>>
where
    Q: QueryFragment<MultiBackend>,
{
    Ok(if sqlite {
        explain
            .load::<SqlitePlan>(conn)?
            .into_iter()
            .map(|p| p.detail)
            .collect()
    } else {
        explain
            .load::<PgPlan>(conn)?
            .into_iter()
            .map(|p| p.line)
            .collect()
    })
}
