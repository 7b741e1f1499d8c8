//! What the periodic report counts, read for a period and a scope: the buckets now and in the
//! previous period (from the stored tallies), the tasks assigned, the results by source, the
//! overdue tasks, the units' difficulties, and what grading needs beyond the buckets.
//! Issued reports are stored and read here too.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{conferences, directives, explanations, issued_reports, reports, units};
use crate::db::DbConn;
use crate::db::Found;
use crate::domain::ids::{UnitId, UserId};
use crate::domain::permissions::Actor;
use crate::domain::status::Counts;
use crate::domain::status::Timeliness;
use crate::domain::text::fold;
use crate::error::{AppError, AppResult};
use crate::models::explanation::State;
use crate::models::tally::{self, Axis, Scope};
use crate::models::task::{self, Filter, Sort};
use crate::reports::periodic::{Figures, OverdueTask, Remark, Report, Source};

/// What a report is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Ask {
    pub axis: Axis,
    pub period: (NaiveDate, NaiveDate),
    pub before: (NaiveDate, NaiveDate),
    pub scope: Scope,
    pub today: NaiveDate,
    /// The grading rule's "overdue by more than N days", when the rule scores those apart.
    pub long_days: Option<i32>,
}

/// How many overdue tasks the report lists by name, the most overdue first.
const OVERDUE_LISTED: i64 = 100;
/// How many sources the report shows apart; the rest are summed in one line.
const SOURCES: usize = 10;

/// The buckets per unit of the scope's tasks in the period, as of `today`.
pub fn buckets(
    conn: &mut DbConn,
    axis: Axis,
    period: (NaiveDate, NaiveDate),
    scope: Scope,
    today: NaiveDate,
) -> AppResult<(Counts, BTreeMap<UnitId, Counts>)> {
    let late = tally::late_now(conn, scope, today)?;
    tally::period_buckets(conn, axis, period, scope, today, &late)
}

/// Per unit, the open tasks of the period overdue by more than `days` days: the period's
/// overdue tasks as they stood `days` days ago, which the tallies answer like any other day.
pub fn long_overdue(
    conn: &mut DbConn,
    axis: Axis,
    period: (NaiveDate, NaiveDate),
    scope: Scope,
    today: NaiveDate,
    days: i32,
) -> AppResult<BTreeMap<UnitId, i64>> {
    let cutoff = today - Duration::days(days.into());
    let (_, by_unit) = buckets(conn, axis, period, scope, cutoff)?;
    Ok(by_unit
        .into_iter()
        .filter(|(_, c)| c.open_overdue > 0)
        .map(|(u, c)| (u, c.open_overdue))
        .collect())
}

/// Per unit, the requests for an explanation whose reply-by date fell in the period (and has
/// passed) still unanswered.
pub fn unanswered(
    conn: &mut DbConn,
    (from, to): (NaiveDate, NaiveDate),
    scope: Scope,
    today: NaiveDate,
) -> AppResult<BTreeMap<UnitId, i64>> {
    let last = to.min(today.pred_opt().unwrap_or(today));
    let mut q = explanations::table
        .filter(explanations::state.eq(State::Asked))
        .filter(explanations::reply_by.between(from, last))
        .group_by(explanations::unit_id)
        .select((explanations::unit_id, diesel::dsl::count_star()))
        .into_boxed();
    match scope {
        Scope::All => {}
        Scope::Unit(u) => q = q.filter(explanations::unit_id.eq(u)),
        Scope::LeaderOf(l) => {
            q = q.filter(
                explanations::unit_id.eq_any(
                    units::table
                        .filter(units::leader_id.eq(l))
                        .select(units::id),
                ),
            )
        }
    }
    Ok(q.load::<(UnitId, i64)>(conn)?.into_iter().collect())
}

/// The task list's filter for the same tasks, so that the overdue list is the list's.
fn filter(ask: &Ask) -> Filter {
    let (from, to) = ask.period;
    let mut f = match ask.axis {
        Axis::Due => Filter {
            due_from: Some(from),
            due_to: Some(to),
            ..Filter::counted()
        },
        Axis::Assigned => Filter {
            assigned_from: Some(from),
            assigned_to: Some(to),
            ..Filter::counted()
        },
    };
    match ask.scope {
        Scope::All => {}
        Scope::Unit(u) => f.lead_unit_id = Some(u),
        Scope::LeaderOf(l) => f.in_charge_of = Some(l),
    }
    f
}

/// Results by source: each conference's notices together, the notices of no conference
/// together; the largest first, the rest summed.
fn sources(conn: &mut DbConn, ask: &Ask) -> AppResult<Vec<Source>> {
    let by_directive = tally::by_directive(conn, ask.axis, ask.period, ask.scope, ask.today)?;
    let ids: Vec<i64> = by_directive.keys().map(|d| d.0).collect();
    let mut of: HashMap<i64, Option<String>> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, Option<String>)> = directives::table
            .left_join(conferences::table)
            .filter(directives::id.eq_any(chunk))
            .select((directives::id, conferences::name.nullable()))
            .load(conn)?;
        of.extend(rows);
    }
    let mut grouped: BTreeMap<String, Counts> = BTreeMap::new();
    for (d, c) in by_directive {
        let name = of
            .get(&d.0)
            .cloned()
            .flatten()
            .unwrap_or_else(|| "Thông báo kết luận không thuộc hội nghị".into());
        grouped.entry(name).or_default().merge(&c);
    }
    let mut all: Vec<Source> = grouped
        .into_iter()
        .map(|(name, counts)| Source { name, counts })
        .collect();
    all.sort_by(|a, b| {
        b.counts
            .total()
            .cmp(&a.counts.total())
            .then(crate::domain::text::vi_cmp(&a.name, &b.name))
    });
    if all.len() > SOURCES {
        let mut rest = Counts::default();
        for s in all.drain(SOURCES - 1..) {
            rest.merge(&s.counts);
        }
        all.push(Source {
            name: "Các nguồn khác".into(),
            counts: rest,
        });
    }
    Ok(all)
}

/// The overdue tasks, the longest overdue first.
fn overdue(conn: &mut DbConn, ask: &Ask, actor: &Actor) -> AppResult<Vec<OverdueTask>> {
    let f = Filter {
        bucket: Some(Timeliness::OpenOverdue),
        sort: Sort::Due,
        ..filter(ask)
    };
    let ids = crate::models::listing::all_ids(conn, actor, &f, ask.today, OVERDUE_LISTED)?;
    Ok(task::rows_for(conn, &ids, ask.today)?
        .into_iter()
        .filter_map(|r| {
            let due = r.due_on?;
            Some(OverdueTask {
                id: r.id.0,
                text: if r.item_label.is_empty() {
                    r.item_text
                } else {
                    format!("{}. {}", r.item_label, r.item_text)
                },
                unit: r.lead_unit,
                due,
                days: (ask.today - due).num_days(),
            })
        })
        .collect())
}

/// Words by which a unit's report raises a difficulty or a recommendation, folded.
const RAISED: [&str; 6] = [
    "kho khan",
    "vuong mac",
    "kien nghi",
    "de xuat",
    "de nghi",
    "han che",
];

/// The sentences of `text` that raise a difficulty or a recommendation.
fn raised(text: &str) -> Option<String> {
    let picked: Vec<&str> = text
        .split_inclusive(['.', '\n', ';'])
        .map(str::trim)
        .filter(|s| {
            let f = fold(s);
            RAISED.iter().any(|w| f.contains(w))
        })
        .collect();
    (!picked.is_empty()).then(|| picked.join(" "))
}

/// Per unit, what it last raised in the period: the difficulties of its latest answered
/// explanation, and the sentences of its latest reports that name a difficulty or a proposal.
fn remarks(
    conn: &mut DbConn,
    ask: &Ask,
    names: &HashMap<UnitId, String>,
) -> AppResult<Vec<Remark>> {
    let (from, to) = ask.period;
    let start = crate::domain::dates::vn_day_start(from);
    let end = crate::domain::dates::vn_day_start(to) + Duration::days(1);
    let mut by_unit: BTreeMap<UnitId, Vec<String>> = BTreeMap::new();
    let answered: Vec<(UnitId, String)> = explanations::table
        .filter(explanations::answered_at.between(start, end))
        .filter(explanations::difficulties.ne(""))
        .filter(explanations::unit_id.eq_any(names.keys().copied().collect::<Vec<_>>()))
        .order(explanations::answered_at.desc())
        .select((explanations::unit_id, explanations::difficulties))
        .load(conn)?;
    for (u, text) in answered {
        by_unit
            .entry(u)
            .or_insert_with(|| vec![text.trim().to_string()]);
    }
    for u in names.keys() {
        let latest: Vec<String> = reports::table
            .filter(reports::unit_id.eq(Some(*u)))
            .filter(reports::at.between(start, end))
            .order(reports::at.desc())
            .select(reports::text)
            .limit(10)
            .load(conn)?;
        if let Some(text) = latest.iter().find_map(|t| raised(t)) {
            let said = by_unit.entry(*u).or_default();
            if !said.contains(&text) {
                said.push(text);
            }
        }
    }
    let mut out: Vec<Remark> = by_unit
        .into_iter()
        .flat_map(|(u, texts)| {
            let unit = names.get(&u).cloned().unwrap_or_default();
            texts.into_iter().map(move |text| Remark {
                unit: unit.clone(),
                text,
            })
        })
        .collect();
    out.sort_by_cached_key(|x| crate::domain::text::vi_sort_key(&x.unit));
    Ok(out)
}

/// The part of the figures every view of a period shares (the dashboard, the report): the
/// buckets overall and per unit, now and in the previous period, and what grading needs beyond
/// them. `late` is this month's late count for the scope (`tally::late_now`), shared.
pub fn unit_figures(conn: &mut DbConn, ask: &Ask, late: &tally::LateNow) -> AppResult<Figures> {
    let (all, by_unit) =
        tally::period_buckets(conn, ask.axis, ask.period, ask.scope, ask.today, late)?;
    let (before, before_by_unit) =
        tally::period_buckets(conn, ask.axis, ask.before, ask.scope, ask.today, late)?;
    let long_overdue = match ask.long_days {
        Some(days) => long_overdue(conn, ask.axis, ask.period, ask.scope, ask.today, days)?,
        None => BTreeMap::new(),
    };
    let unanswered = unanswered(conn, ask.period, ask.scope, ask.today)?;
    let ids: Vec<UnitId> = by_unit
        .keys()
        .chain(before_by_unit.keys())
        .chain(unanswered.keys())
        .copied()
        .collect();
    let names = crate::models::unit::names_by_id(conn, &ids)?;
    let mut units: Vec<(UnitId, String, Counts, Counts)> = names
        .into_iter()
        .map(|(id, name)| {
            let now = by_unit.get(&id).copied().unwrap_or_default();
            let then = before_by_unit.get(&id).copied().unwrap_or_default();
            (id, name, now, then)
        })
        .collect();
    units.sort_by_key(|u| u.0);
    Ok(Figures {
        all,
        before,
        units,
        long_overdue,
        unanswered,
        overdue_total: all.open_overdue,
        ..Figures::default()
    })
}

/// Everything the report counts, for the actor (who sees every unit: the report is not open to
/// a unit's people).
pub fn gather(conn: &mut DbConn, ask: &Ask, actor: &Actor) -> AppResult<Figures> {
    let late = tally::late_now(conn, ask.scope, ask.today)?;
    let f = unit_figures(conn, ask, &late)?;
    let assigned = |conn: &mut DbConn, period| -> AppResult<i64> {
        Ok(buckets(conn, Axis::Assigned, period, ask.scope, ask.today)?
            .0
            .total())
    };
    let year_start = NaiveDate::from_ymd_opt(ask.period.1.year(), 1, 1).expect("valid date");
    // Quoted from the units that have tasks in the period.
    let quoted: HashMap<UnitId, String> = f
        .units
        .iter()
        .filter(|u| u.2.total() > 0)
        .map(|u| (u.0, u.1.clone()))
        .collect();
    Ok(Figures {
        assigned: assigned(conn, ask.period)?,
        assigned_before: assigned(conn, ask.before)?,
        assigned_year: assigned(conn, (year_start, ask.period.1))?,
        sources: sources(conn, ask)?,
        overdue: overdue(conn, ask, actor)?,
        remarks: remarks(conn, ask, &quoted)?,
        ..f
    })
}

/// One issued report as the list shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = issued_reports)]
pub struct Issued {
    pub id: i64,
    pub series_id: Option<i64>,
    pub version: i32,
    pub title: String,
    pub number: String,
    pub preset: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub axis: String,
    pub scope_kind: String,
    pub scope_id: Option<i64>,
    pub reason: String,
    pub issued_at: NaiveDateTime,
    /// Who issued it, by name (from `users`).
    #[diesel(select_expression = crate::db::schema::users::name.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<crate::db::schema::users::name>)]
    pub issued_by: Option<String>,
}

impl Issued {
    /// The id every version of this report shares.
    pub fn series(&self) -> i64 {
        self.series_id.unwrap_or(self.id)
    }
}

/// Where an issued report came from, for its new version.
pub struct Stored {
    pub issued: Issued,
    pub report: Report,
}

/// Issued reports with their issuer's name, for a filter and an order.
macro_rules! issued_with_issuer {
    () => {
        issued_reports::table.left_join(
            crate::db::schema::users::table.on(crate::db::schema::users::id
                .nullable()
                .eq(issued_reports::issued_by)),
        )
    };
}

/// Every issued report, the latest first.
pub fn issued(conn: &mut DbConn, limit: i64) -> AppResult<Vec<Issued>> {
    Ok(issued_with_issuer!()
        .order(issued_reports::id.desc())
        .select(Issued::as_select())
        .limit(limit)
        .load(conn)?)
}

/// One issued report with its frozen content.
pub fn get(conn: &mut DbConn, id: i64) -> AppResult<Stored> {
    let (issued, content): (Issued, String) = issued_with_issuer!()
        .filter(issued_reports::id.eq(id))
        .select((Issued::as_select(), issued_reports::content))
        .first(conn)
        .found()?;
    let report: Report = serde_json::from_str(&content)
        .map_err(|e| AppError::Internal(format!("issued report {id}: {e}")))?;
    Ok(Stored { issued, report })
}

/// The versions of a report, oldest first.
pub fn versions(conn: &mut DbConn, series: i64) -> AppResult<Vec<Issued>> {
    Ok(issued_with_issuer!()
        .filter(
            issued_reports::id
                .eq(series)
                .or(issued_reports::series_id.eq(series)),
        )
        .order(issued_reports::version)
        .select(Issued::as_select())
        .load(conn)?)
}

/// What is stored about a report beside its content.
pub struct NewIssued<'a> {
    pub series: Option<i64>,
    pub version: i32,
    pub preset: &'a str,
    pub scope: (&'a str, Option<i64>),
    pub reason: &'a str,
    pub by: UserId,
    pub at: NaiveDateTime,
}

/// Stores a report as issued; returns its id.
pub fn insert(conn: &mut DbConn, r: &Report, n: &NewIssued) -> AppResult<i64> {
    let content = serde_json::to_string(r).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(diesel::insert_into(issued_reports::table)
        .values((
            issued_reports::series_id.eq(n.series),
            issued_reports::version.eq(n.version),
            issued_reports::title.eq(r.subject()),
            issued_reports::number.eq(r.heading.number_line()),
            issued_reports::preset.eq(n.preset),
            issued_reports::period_from.eq(r.period.from),
            issued_reports::period_to.eq(r.period.to),
            issued_reports::axis.eq(&r.period.axis),
            issued_reports::scope_kind.eq(n.scope.0),
            issued_reports::scope_id.eq(n.scope.1),
            issued_reports::rule_id.eq(r.rule_id),
            issued_reports::content.eq(content),
            issued_reports::reason.eq(n.reason),
            issued_reports::issued_by.eq(Some(n.by)),
            issued_reports::issued_at.eq(n.at),
        ))
        .returning(issued_reports::id)
        .get_result(conn)?)
}
