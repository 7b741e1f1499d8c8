//! The dashboard's figures for a period, for another system's own report: the four buckets
//! now and in the period before, and each unit graded by the rule in force, in the person's
//! scope (a unit's people their unit, a leader the units in their charge unless asking for
//! all, everyone else the ministry).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::problem::{ApiResult, QueryProblems};
use crate::domain::ids::UnitId;
use crate::domain::status::Counts;
use crate::models::tally::{self};
use crate::web::call::LazyCall;
use crate::web::dashboard::{graded_units, scope_for, PeriodQuery};
use crate::web::tasks::today;

/// The four buckets, their total and the on-time rate (none while nothing is finished).
#[derive(Serialize, ToSchema)]
struct CountsJson {
    done_on_time: i64,
    done_late: i64,
    open_within: i64,
    open_overdue: i64,
    total: i64,
    on_time_rate: Option<f64>,
}

impl From<Counts> for CountsJson {
    fn from(c: Counts) -> Self {
        CountsJson {
            done_on_time: c.done_on_time,
            done_late: c.done_late,
            open_within: c.open_within,
            open_overdue: c.open_overdue,
            total: c.total(),
            on_time_rate: c.on_time_rate(),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct UnitFigures {
    id: UnitId,
    name: String,
    counts: CountsJson,
    before: CountsJson,
    /// Overdue by more than the rule's days.
    long_overdue: i64,
    /// Requests for an explanation left unanswered past their date.
    unanswered: i64,
    score: Option<f64>,
    /// `excellent`, `good`, `pass` or `fail`.
    grade: Option<String>,
    rank: Option<usize>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct FiguresJson {
    from: NaiveDate,
    to: NaiveDate,
    by: String,
    counts: CountsJson,
    /// The period of the same length before.
    before: CountsJson,
    units: Vec<UnitFigures>,
}

read_route!(
    "/api/v1/dashboard",
    "figures",
    params(PeriodQuery),
    ok(FiguresJson, "The period's figures in the person's scope"),
    QueryProblems,
    /// `GET /api/v1/dashboard`
    pub async fn figures(
        call: LazyCall,
        query: web::Query<PeriodQuery>,
    ) -> ApiResult<HttpResponse> {
        let q = query.into_inner();
        let today = today();
        let (asked, whole) = q.read(today);
        let (from, to) = asked.period;
        let (figures, graded) = call
            .run(move |conn, auth| {
                let actor = auth.actor()?;
                let (scope, _) = scope_for(conn, &actor, whole)?;
                let late = tally::late_now(conn, scope, today)?;
                Ok(graded_units(conn, &asked, (scope, today), &late)?)
            })
            .await?;
        Ok(HttpResponse::Ok().json(FiguresJson {
            from,
            to,
            by: asked.axis.as_str().into(),
            counts: figures.all.into(),
            before: figures.before.into(),
            units: graded
                .into_iter()
                .map(|u| UnitFigures {
                    id: u.id,
                    name: u.name,
                    counts: u.counts.into(),
                    before: u.before.into(),
                    long_overdue: u.long_overdue,
                    unanswered: u.unanswered,
                    score: u.score,
                    grade: u.grade.map(|g| g.as_str().into()),
                    rank: u.rank,
                })
                .collect(),
        }))
    }
);
