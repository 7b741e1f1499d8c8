//! The dashboard: the four buckets for a period, every unit's record, the most overdue tasks
//! and what falls due this week; and the task list as CSV. A unit's people see their own.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::dates::{format_date, parse_date};
use crate::domain::grading::Record;
use crate::domain::ids::UnitId;
use crate::domain::ids::UserId;
use crate::domain::permissions::{allowed, Action, Role, Target};
use crate::domain::status::Counts;
use crate::domain::status::{Status, Timeliness};
use crate::domain::text::vi_cmp;
use crate::models::periodic;
use crate::models::tally::{self, Axis, Scope};
use crate::models::task::{self, Filter, ListRow};
use crate::models::unit;
use crate::reports::periodic::{grade_units, rank_order, UnitLine};
use crate::reports::stats::{self, Asked, Preset};
use crate::reports::tallies;
use crate::reports::ReportRow;
use crate::web::call::LazyCall;
use crate::web::error::WebResult;
use crate::web::list_filter;
use crate::web::pages::{download, render, Ctx};
use crate::web::query::Query;
use crate::web::tasks::{resolve_filter, today};

/// A unit among the worst: its overdue tasks, how long the oldest has been overdue.
pub struct Ranked {
    pub id: UnitId,
    pub name: String,
    pub overdue: i64,
    pub oldest_days: i64,
    pub rate: Option<f64>,
}

/// How many of the worst units the dashboard names first.
const RANKED: usize = 5;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    preset: &'static str,
    by: &'static str,
    from: String,
    to: String,
    /// The task list's filter for the same period: every number links to its list.
    period: Filter,
    all: Counts,
    /// The same tasks' buckets in the previous period of the same length.
    before: Counts,
    /// Every unit's buckets now and before, score, grade and rank (by the rule in force).
    units: Vec<UnitLine>,
    /// The units with the most overdue tasks, worst first: who is late, at a glance.
    ranked: Vec<Ranked>,
    /// The units' buckets as an SVG chart, made and escaped by reports::svg.
    chart: String,
    /// The on-time rate of the tasks due in each of the last twelve months, as SVG.
    rate_chart: String,
    /// How many tasks were overdue at each month's end, as SVG.
    overdue_chart: String,
    overdue: Vec<ListRow>,
    soon: Vec<ListRow>,
    buckets: Vec<&'static str>,
    today: NaiveDate,
    /// The leader who may switch between their units and the whole ministry, if any.
    leader: Option<UserId>,
}

impl DashboardPage {
    /// The list behind a number: the period, narrowed to a lead unit and a bucket if given.
    fn list(&self, lead: Option<UnitId>, bucket: &str) -> String {
        list_filter::list_url(&Filter {
            lead_unit_id: lead,
            bucket: Timeliness::parse(bucket),
            ..self.period.clone()
        })
    }
    /// The period's export in `format` (xlsx or csv).
    fn export(&self, format: &str) -> String {
        format!(
            "/reports/tasks.{format}?{}",
            list_filter::to_query(&self.period)
        )
    }
    fn count(&self, c: &Counts, b: &&str) -> i64 {
        Timeliness::parse(b).map(|b| c.get(b)).unwrap_or(0)
    }
    fn share(&self, b: &&str) -> String {
        Timeliness::parse(b)
            .map(|b| crate::i18n::percent(self.ctx.lang, self.all.share(b) / 100.0))
            .unwrap_or_default()
    }
    fn rate(&self, c: &Counts) -> String {
        self.ctx.rate(c.on_time_rate())
    }
    fn days_late(&self, r: &ListRow) -> i64 {
        r.due_on.map(|d| (self.today - d).num_days()).unwrap_or(0)
    }
    /// This dashboard's period and scope as a query, for its links.
    fn query(&self, scope: &str) -> String {
        format!(
            "period={}&by={}&from={}&to={}&scope={scope}",
            self.preset, self.by, self.from, self.to
        )
    }
    fn sort_link(&self, sort: &str) -> String {
        format!("/dashboard?{}&sort={sort}", self.query(self.scope()))
    }
    fn scope(&self) -> &'static str {
        if self.period.in_charge_of.is_some() {
            "mine"
        } else {
            "all"
        }
    }
    /// This dashboard over the leader's own units, or the whole ministry.
    fn scope_link(&self, mine: bool) -> String {
        format!(
            "/dashboard?{}",
            self.query(if mine { "mine" } else { "all" })
        )
    }
    /// The units' table with scores and grades, as CSV.
    fn units_export(&self) -> String {
        format!("/reports/units.csv?{}", self.query(self.scope()))
    }
    /// The periodic report for the same period and scope.
    fn report_link(&self) -> String {
        let (from, to) = (
            parse_date(&self.from).unwrap_or(self.today),
            parse_date(&self.to).unwrap_or(self.today),
        );
        crate::web::periodic::link(&crate::app::periodic::Request {
            preset: Preset::read(self.preset),
            period: (from, to),
            axis: Axis::read(self.by),
            scope: self.period.in_charge_of.map_or(Scope::All, Scope::LeaderOf),
        })
    }
}

/// The period and scope asked for: by the dashboard, its units' CSV and the API's figures.
#[derive(Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PeriodQuery {
    /// `year` (default), `half`, `quarter`, `month` (the one holding today) or `custom`.
    period: String,
    /// `due` (tasks due in the period, default) or `assigned` (tasks assigned in it).
    by: String,
    /// For `custom`: the first day (yyyy-mm-dd or dd/mm/yyyy).
    from: String,
    /// For `custom`: the last day.
    to: String,
    /// `all`: the whole ministry, for a leader who would otherwise see their units.
    scope: String,
}

impl PeriodQuery {
    /// The period (a word it does not know is the default), and whether the whole ministry is
    /// asked for.
    pub fn read(&self, today: NaiveDate) -> (Asked, bool) {
        let asked = Asked::read(&self.period, &self.by, (&self.from, &self.to), today);
        (asked, self.scope == "all")
    }
}

/// `/dashboard?period=…&by=assigned&from=…&to=…&sort=…`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct DashboardQuery {
    #[serde(flatten)]
    asked: PeriodQuery,
    sort: String,
}

/// Whose record the person sees: a unit's people their unit's, a leader in charge of units
/// those (or, asking for "all", the whole ministry), everyone else the whole ministry. Also the
/// leader who may switch, if any.
pub(crate) fn scope_for(
    conn: &mut crate::db::DbConn,
    actor: &crate::domain::permissions::Actor,
    whole: bool,
) -> crate::error::AppResult<(Scope, Option<UserId>)> {
    let leader = (actor.role == Role::Leader
        && !unit::in_charge_of(conn, actor.user_id)?.is_empty())
    .then_some(actor.user_id);
    let scope = match (actor.role.is_unit_role(), leader.filter(|_| !whole)) {
        (true, _) => Scope::Unit(actor.unit_id.unwrap_or(UnitId(-1))),
        (false, Some(l)) => Scope::LeaderOf(l),
        (false, None) => Scope::All,
    };
    Ok((scope, leader))
}

/// The period's figures and every unit graded by the rule in force: (axis, period, previous
/// period, scope, today).
pub(crate) fn graded_units(
    conn: &mut crate::db::DbConn,
    asked: &Asked,
    (scope, today): (Scope, NaiveDate),
    late: &tally::LateNow,
) -> crate::error::AppResult<(crate::reports::periodic::Figures, Vec<UnitLine>)> {
    let rule = crate::models::grading::current(conn)?.1;
    let ask = periodic::Ask {
        axis: asked.axis,
        period: asked.period,
        before: asked.before,
        scope,
        today,
        long_days: rule.long_counts().then_some(rule.long_days),
    };
    let figures = periodic::unit_figures(conn, &ask, late)?;
    let graded = grade_units(&figures, &rule);
    Ok((figures, graded))
}

pub async fn dashboard(Query(q): Query<DashboardQuery>, call: LazyCall) -> WebResult<HttpResponse> {
    let today = today();
    let (asked, whole) = q.asked.read(today);
    let (preset, (from, to)) = (asked.preset, asked.period);
    let sort = q.sort;
    let mut period = if asked.axis == Axis::Assigned {
        Filter {
            assigned_from: Some(from),
            assigned_to: Some(to),
            ..Filter::counted()
        }
    } else {
        Filter {
            due_from: Some(from),
            due_to: Some(to),
            ..Filter::counted()
        }
    };
    let shared = call.state.clone();
    let (auth, all, before, graded, charts, overdue, soon, oldest, leader) = call
        .run(move |conn, auth| {
            let actor = auth.actor()?;
            let (unit, leader) = scope_for(conn, &actor, whole)?;
            let mine = leader.filter(|_| !whole);
            let late = tally::late_now(conn, unit, today)?;
            let (figures, graded) = graded_units(conn, &asked, (unit, today), &late)?;
            // The last twelve months by due date, whatever the period chosen.
            let charts = tally::charts(conn, unit, today, &shared.history, &late)?;
            let overdue = task::most_overdue(conn, &actor, mine, today, 10)?;
            let week = (today, today + Days::new(7));
            let soon = task::first_due(conn, &actor, mine, week, &Status::OPEN, today, 50)?;
            // The worst units' oldest overdue task: a few index seeks.
            let mut worst: Vec<(UnitId, i64)> = graded
                .iter()
                .filter(|u| u.counts.open_overdue > 0)
                .map(|u| (u.id, u.counts.open_overdue))
                .collect();
            worst.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let worst: Vec<UnitId> = worst.into_iter().take(RANKED).map(|w| w.0).collect();
            let oldest = task::oldest_overdue(conn, &worst, today)?;
            Ok((
                auth,
                figures.all,
                figures.before,
                graded,
                charts,
                overdue,
                soon,
                oldest,
                leader,
            ))
        })
        .await?;
    period.in_charge_of = leader.filter(|_| !whole);
    // Every unit with tasks in the period or the one before, graded.
    let mut units = graded;
    // The units come in Vietnamese alphabetical order; each sort is stable, so equal units
    // stay in that order.
    match sort.as_str() {
        "name" => {}
        // The ranking: best score first, units without a score last.
        "score" => units.sort_by(rank_order),
        "rate" => units.sort_by(|a, b| {
            let r = |u: &UnitLine| u.counts.on_time_rate().unwrap_or(2.0);
            r(a).total_cmp(&r(b))
        }),
        "total" => units.sort_by_key(|u| std::cmp::Reverse(u.counts.total())),
        // Worst first: most overdue.
        _ => units.sort_by_key(|u| std::cmp::Reverse(u.counts.open_overdue)),
    }
    let mut ranked: Vec<Ranked> = units
        .iter()
        .filter(|u| oldest.contains_key(&u.id))
        .map(|u| Ranked {
            id: u.id,
            name: u.name.clone(),
            overdue: u.counts.open_overdue,
            oldest_days: oldest.get(&u.id).map_or(0, |d| (today - *d).num_days()),
            rate: u.counts.on_time_rate(),
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.oldest_days.cmp(&a.oldest_days))
            .then(vi_cmp(&a.name, &b.name))
    });
    let t = |k: &str| crate::i18n::t(auth.lang, k);
    let chart_rows: Vec<(String, Counts)> = units
        .iter()
        .filter(|u| u.counts.total() > 0)
        .take(15)
        .map(|u| (u.name.clone(), u.counts))
        .collect();
    let chart = if chart_rows.is_empty() {
        String::new()
    } else {
        crate::reports::svg::stacked_bars(
            &chart_rows,
            [
                t("bucket.done_on_time"),
                t("bucket.done_late"),
                t("bucket.open_within_deadline"),
                t("bucket.open_overdue"),
            ],
            t("dashboard.chart"),
        )
    };
    let (monthly, history) = charts;
    let overdue_points: Vec<(String, i64)> = history
        .into_iter()
        .map(|(m, n)| (m.format("%m/%Y").to_string(), n))
        .collect();
    let overdue_chart = crate::reports::svg::count_bars(
        &overdue_points,
        t("dashboard.overdue_by_month"),
        auth.lang,
    );
    let monthly: Vec<(String, Option<f64>)> = monthly
        .into_iter()
        .map(|(m, c)| (m.format("%m/%Y").to_string(), c.on_time_rate()))
        .collect();
    let rate_chart =
        crate::reports::svg::rate_bars(&monthly, t("dashboard.rate_by_month"), auth.lang);
    render(&DashboardPage {
        ctx: Ctx::new(&auth),
        preset: preset.as_str(),
        by: asked.axis.as_str(),
        from: format_date(from),
        to: format_date(to),
        period,
        all,
        before,
        units,
        ranked,
        chart,
        rate_chart,
        overdue_chart,
        overdue,
        soon,
        buckets: Timeliness::ALL.iter().map(|b| b.as_str()).collect(),
        today,
        leader,
    })
}

/// The most rows one export holds.
const EXPORT_CAP: i64 = 100_000;

/// The rows of the task list under the request's filters, in the person's scope and language.
async fn report(
    req: &HttpRequest,
    call: LazyCall,
) -> WebResult<(Vec<ReportRow>, crate::i18n::Lang)> {
    let query = req.query_string().to_string();
    let (rows, lang) = call
        .run(move |conn, auth| {
            let actor = auth.actor()?;
            let f = resolve_filter(conn, list_filter::parse(&query, &actor))?;
            let ids = crate::models::listing::all_ids(conn, &actor, &f, today(), EXPORT_CAP)?;
            let mut rows = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(1000) {
                let results = task::latest_results(conn, chunk)?;
                let original = crate::models::journal::original_dues(conn, chunk)?;
                rows.extend(task::rows_for(conn, chunk, today())?.into_iter().map(|r| {
                    let (result, first_due) =
                        (results.get(&r.id).cloned(), original.get(&r.id).copied());
                    (r, result, first_due)
                }));
            }
            Ok((rows, auth.lang))
        })
        .await?;
    let t = |k: &str| crate::i18n::t(lang, k);
    let out = rows
        .into_iter()
        .map(|(r, result, first_due)| ReportRow {
            number: r.id.0,
            task: format!(
                "{}{}",
                if r.item_label.is_empty() {
                    String::new()
                } else {
                    format!("{}. ", r.item_label)
                },
                r.item_text
            ),
            directive: r.directive_number.clone(),
            lead: r.lead_unit.clone(),
            coordinating: r.coordinating_units.join("; "),
            // Moved once or more: the first date, and the date now.
            original_due: first_due.or(r.due_on),
            extended_to: first_due.and(r.due_on),
            completed: r.completed_on,
            status: match r.timeliness {
                Some(b) => format!(
                    "{} — {}",
                    t(&format!("status.{}", r.status.as_str())),
                    t(&format!("bucket.{}", b.as_str()))
                ),
                None => t(&format!("status.{}", r.status.as_str())).to_string(),
            },
            result: result.unwrap_or_default(),
        })
        .collect();
    Ok((out, lang))
}

fn header(lang: crate::i18n::Lang) -> Vec<&'static str> {
    crate::reports::COLUMNS
        .iter()
        .map(|k| crate::i18n::t(lang, k))
        .collect()
}

/// `/reports/tasks.csv` with the task list's filters: the customary report columns.
pub async fn tasks_csv(req: HttpRequest, call: LazyCall) -> WebResult<HttpResponse> {
    let (rows, lang) = report(&req, call).await?;
    let lines: Vec<Vec<String>> = rows.iter().enumerate().map(|(i, r)| r.cells(i)).collect();
    let body = crate::reports::csv::write(&header(lang), &lines).into_bytes();
    Ok(download(
        "text/csv; charset=utf-8",
        format!("nhiem-vu-{}.csv", today().format("%Y%m%d")),
        body,
    ))
}

/// `/reports/tasks.xlsx`: the same rows as a workbook with a title and the date of the data.
pub async fn tasks_xlsx(req: HttpRequest, call: LazyCall) -> WebResult<HttpResponse> {
    let (rows, lang) = report(&req, call).await?;
    let t = |k: &str| crate::i18n::t(lang, k);
    let heading = crate::reports::xlsx::Heading {
        body: t("report.body"),
        issuer: t("report.issuer"),
        nation: t("report.nation"),
        motto: t("report.motto"),
        title: t("report.title"),
        data_date: crate::reports::xlsx::data_date(t("report.data_date"), today()),
        signer: t("report.signer"),
        sign_hint: t("report.sign_hint"),
    };
    let body = crate::reports::xlsx::write(&heading, &header(lang), &rows)
        .map_err(|e| crate::web::error::WebError::Internal(format!("xlsx: {e}")))?;
    Ok(download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("nhiem-vu-{}.xlsx", today().format("%Y%m%d")),
        body,
    ))
}

/// `/reports/units.csv` with the dashboard's period and scope: the units' ranking, with their
/// buckets, score and grade by the rule in force.
pub async fn units_csv(Query(q): Query<PeriodQuery>, call: LazyCall) -> WebResult<HttpResponse> {
    let today = today();
    let (asked, whole) = q.read(today);
    let (lang, mut units) = call
        .run(move |conn, auth| {
            let actor = auth.actor()?;
            let (scope, _) = scope_for(conn, &actor, whole)?;
            let late = tally::late_now(conn, scope, today)?;
            let (_, graded) = graded_units(conn, &asked, (scope, today), &late)?;
            Ok((auth.lang, graded))
        })
        .await?;
    units.sort_by(rank_order);
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut header = vec![t("grading.rank"), t("task.lead")];
    header.extend(
        Timeliness::ALL
            .iter()
            .map(|b| t(&format!("bucket.{}", b.as_str()))),
    );
    header.extend([
        t("dashboard.total"),
        t("dashboard.rate"),
        t("grading.score"),
        t("grading.grade"),
    ]);
    let lines: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let mut row = vec![
                u.rank.map_or(String::new(), |r| r.to_string()),
                u.name.clone(),
            ];
            row.extend(Timeliness::ALL.iter().map(|b| u.counts.get(*b).to_string()));
            row.push(u.counts.total().to_string());
            row.push(
                u.counts
                    .on_time_rate()
                    .map_or(String::new(), |r| crate::i18n::percent(lang, r)),
            );
            row.push(
                u.score
                    .map_or(String::new(), |s| crate::i18n::decimal(lang, s)),
            );
            row.push(u.grade.map_or(String::new(), |g| {
                t(&format!("grade.{}", g.as_str())).to_string()
            }));
            row
        })
        .collect();
    let body = crate::reports::csv::write(&header, &lines).into_bytes();
    Ok(download(
        "text/csv; charset=utf-8",
        format!(
            "xep-loai-{}-{}.csv",
            asked.period.0.format("%Y%m%d"),
            asked.period.1.format("%Y%m%d")
        ),
        body,
    ))
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: Ctx,
    open_list: String,
    done_list: String,
    all_list: String,
    name: String,
    /// Whom to reach there: contact addresses, the head, the focal person.
    unit: crate::models::unit::Unit,
    /// The name of the leader in charge, if one is set.
    leader: String,
    /// How many overdue tasks being worked on the person may chase at once here (0: no form).
    chaseable: usize,
    /// Requests for an explanation the unit has not answered by their date.
    late_explanations: Vec<crate::models::explanation::OverdueRow>,
    open: i64,
    done: i64,
    rate: String,
    buckets: Vec<&'static str>,
    /// (month as mm/yyyy, its counts, its on-time rate)
    months: Vec<(String, Counts, String)>,
    /// (period's word, its days, the unit's line) for this month, quarter and year.
    grades: Vec<Grading>,
    /// Whether the person may set up the unit's calendar feed (a link to it, then).
    can_feed: bool,
}

/// A period's word, its first and last days, and the unit's graded line (none without tasks).
type Grading = (&'static str, (NaiveDate, NaiveDate), Option<UnitLine>);

/// `/units/{id}`: a unit's open and closed tasks and its record over the last twelve months.
/// Unit people see only their own unit.
pub async fn unit_page(call: LazyCall, path: web::Path<UnitId>) -> WebResult<HttpResponse> {
    let id = path.into_inner();
    let today = today();
    let months = tallies::last_months(today, 12);
    let this_month = tallies::month_of(today);
    let (auth, (unit, leader, chaseable, late_explanations), rows, (late, grades)) = call
        .run(move |conn, auth| {
            let actor = auth.actor()?;
            if actor.role.is_unit_role() && actor.unit_id != Some(id) {
                return Err(crate::web::error::WebError::NotFound);
            }
            let unit = unit::get(conn, id)?;
            let leader = match unit.leader_id {
                Some(l) => crate::models::user::get(conn, l)?.name,
                None => String::new(),
            };
            let rows = tally::all(conn, Scope::Unit(id))?;
            let late = tally::late_now(conn, Scope::Unit(id), today)?;
            // This month's, quarter's and year's score and grade, by due date: their buckets
            // from the tally rows read above, the rest counted for the unit alone.
            let rule = crate::models::grading::current(conn)?.1;
            let mut grades = Vec::new();
            for preset in [Preset::Month, Preset::Quarter, Preset::Year] {
                let period = stats::period(preset, today, (None, None));
                let counts = tallies::over_months(&rows, period, this_month, late.total());
                let before = stats::previous(preset, period);
                let before = tallies::over_months(&rows, before, this_month, 0);
                let of = |m: std::collections::BTreeMap<UnitId, i64>| m.get(&id).copied();
                let unanswered = of(periodic::unanswered(conn, period, Scope::Unit(id), today)?);
                let long_overdue = match rule.long_counts() {
                    true => of(periodic::long_overdue(
                        conn,
                        Axis::Due,
                        period,
                        Scope::Unit(id),
                        today,
                        rule.long_days,
                    )?),
                    false => None,
                };
                let record = Record {
                    counts,
                    long_overdue: long_overdue.unwrap_or(0),
                    unanswered: unanswered.unwrap_or(0),
                };
                let judged = rule.judge(&record);
                let line = (counts.total() + before.total() > 0).then(|| UnitLine {
                    id,
                    name: String::new(),
                    counts,
                    before,
                    long_overdue: record.long_overdue,
                    unanswered: record.unanswered,
                    score: judged.map(|j| j.0),
                    grade: judged.map(|j| j.1),
                    rank: None,
                });
                grades.push((preset.as_str(), period, line));
            }
            let chaseable = if allowed(&actor, Action::ChaseMany, Target::System) {
                let most = crate::app::chases::MAX_BATCH as i64;
                crate::models::chase::overdue_of_unit(conn, id, today, most)?.len()
            } else {
                0
            };
            let late_explanations =
                crate::models::explanation::overdue(conn, Some(id), today, 100)?;
            Ok((
                auth,
                (unit, leader, chaseable, late_explanations),
                rows,
                (late, grades),
            ))
        })
        .await?;
    let (all, _) = tallies::buckets(&rows, this_month, &late.by_unit);
    let ctx = Ctx::new(&auth);
    let can_feed = auth
        .actor()
        .is_ok_and(|a| allowed(&a, Action::ManageUnitFeed, Target::Unit(id)));
    let rate = |c: &Counts| ctx.rate(c.on_time_rate());
    let months = tallies::by_due_month(&rows, &months, this_month, late.total())
        .into_iter()
        .map(|(m, c)| (m.format("%m/%Y").to_string(), c, rate(&c)))
        .collect();
    let open = all.open_within + all.open_overdue;
    let done = all.done_on_time + all.done_late;
    let of = |status: &[Status]| Filter {
        lead_unit_id: Some(id),
        statuses: Some(status.to_vec()),
        ..Filter::default()
    };
    render(&UnitPage {
        rate: rate(&all),
        ctx,
        open_list: list_filter::list_url(&of(&Status::OPEN)),
        done_list: list_filter::list_url(&of(&[Status::Done])),
        all_list: list_filter::list_url(&Filter {
            unit_id: Some(id),
            ..Filter::default()
        }),
        name: unit.name.clone(),
        unit,
        leader,
        chaseable,
        late_explanations,
        open,
        done,
        buckets: Timeliness::ALL.iter().map(|b| b.as_str()).collect(),
        months,
        grades,
        can_feed,
    })
}
