//! JSON twins of the task list and the task page: same filters, same permissions.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::input::etag;
use super::problem::{ApiResult, SessionProblems, TaskProblems};
use crate::domain::dates::format_opt_date;
use crate::domain::ids::{DirectiveId, TaskId, UnitId, UserId};
use crate::domain::paging::Page;
use crate::domain::permissions::{decide, Action, Decision, Target};
use crate::domain::status::{ReportKind, Status, Timeliness};
use crate::models::{assignee, chase, directive, explanation, journal, step, task, transfer, unit};
use crate::web::call::LazyCall;
use crate::web::error::WebError;
use crate::web::list_filter::{self, ListQuery};
use crate::web::tasks::{resolve_filter, today};

/// A task as lists show it.
#[derive(Serialize, ToSchema)]
pub(super) struct TaskJson {
    id: TaskId,
    status: Status,
    /// Its bucket today; none for a cancelled task.
    timeliness: Option<Timeliness>,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    /// The due date as dd/mm/yyyy, or empty.
    due_on_display: String,
    progress: i32,
    lead_unit: UnitRef,
    coordinating_units: Vec<String>,
    directive: DirectiveRef,
    item_label: String,
    item_text: String,
    url: String,
}

#[derive(Serialize, ToSchema)]
struct UnitRef {
    id: UnitId,
    name: String,
}

#[derive(Serialize, ToSchema)]
struct DirectiveRef {
    id: DirectiveId,
    number: String,
}

pub(super) fn to_json(r: task::ListRow) -> TaskJson {
    TaskJson {
        id: r.id,
        status: r.status,
        timeliness: r.timeliness,
        due_on: r.due_on,
        completed_on: r.completed_on,
        due_on_display: format_opt_date(r.due_on),
        progress: r.progress,
        lead_unit: UnitRef {
            id: r.lead_unit_id,
            name: r.lead_unit,
        },
        coordinating_units: r.coordinating_units,
        directive: DirectiveRef {
            id: r.directive_id,
            number: r.directive_number,
        },
        item_label: r.item_label,
        item_text: r.item_text,
        url: format!("/tasks/{}", r.id),
    }
}

/// A page of the task list.
#[derive(Serialize, ToSchema)]
pub(super) struct TaskList {
    /// How many tasks the list holds: exact unless `total_capped`.
    total: i64,
    /// The list holds more than `total` (10,000; 100 when searching by text).
    total_capped: bool,
    page_size: i64,
    /// The next page: this query with `after` set to this.
    next_after: Option<String>,
    /// The page before: this query with `before` set to this.
    prev_before: Option<String>,
    tasks: Vec<TaskJson>,
}

read_route!(
    "/api/v1/tasks",
    "tasks",
    params(ListQuery),
    ok(
        TaskList,
        "A page of the tasks the person may see, by the filters"
    ),
    SessionProblems,
    /// `GET /api/v1/tasks`
    pub async fn tasks(req: HttpRequest, call: LazyCall) -> ApiResult<HttpResponse> {
        let query = req.query_string().to_string();
        let shared = call.state.clone();
        let (listed, f_size) = call
            .run(move |conn, auth| {
                let actor = auth.actor()?;
                let f = resolve_filter(conn, list_filter::parse(&query, &actor))?;
                let size = f.page_size();
                Ok((
                    crate::models::listing::list(conn, &actor, &f, today(), &shared.long_lists)?,
                    size,
                ))
            })
            .await?;
        // The next page is this query with `after` (or, going back, `before`) set to the value
        // given; `total` is exact unless `total_capped`, when the list holds more.
        let cursor = |p: Option<Page>| match p {
            Some(Page::After(k) | Page::Before(k)) => Some(k.as_param()),
            _ => None,
        };
        Ok(HttpResponse::Ok().json(TaskList {
            total: listed.total.n,
            total_capped: listed.total.more,
            page_size: f_size,
            next_after: cursor(listed.next),
            prev_before: cursor(listed.prev),
            tasks: listed.rows.into_iter().map(to_json).collect(),
        }))
    }
);

/// The task page as JSON (times in UTC, as RFC 3339): the task, its version (also the `ETag`), its directive, and its
/// history: journal, reports, chases, explanations, people, coordination, transfers, steps.
#[derive(Serialize, ToSchema)]
pub(super) struct TaskDetail {
    task: TaskJson,
    /// The version a change sends back in `If-Match`.
    version: i32,
    directive: DirectiveJson,
    lead_unit_aliases: Vec<String>,
    journal: Vec<JournalJson>,
    reports: Vec<ReportJson>,
    chases: Vec<ChaseJson>,
    explanations: Vec<ExplanationJson>,
    assignees: Vec<AssigneeJson>,
    coordination: Vec<CoordinationJson>,
    transfers: Vec<TransferJson>,
    steps: Vec<StepJson>,
    progress_from_steps: bool,
}

#[derive(Serialize, ToSchema)]
struct DirectiveJson {
    id: DirectiveId,
    number: String,
    issued_on: NaiveDate,
    title: String,
    signer: String,
}

#[derive(Serialize, ToSchema)]
struct JournalJson {
    at: DateTime<Utc>,
    kind: String,
    from: Option<String>,
    to: Option<String>,
    note: String,
    by: Option<String>,
}

impl From<journal::Entry> for JournalJson {
    fn from(e: journal::Entry) -> Self {
        JournalJson {
            at: e.at.and_utc(),
            kind: e.kind.as_str().into(),
            from: e.from_value,
            to: e.to_value,
            note: e.note,
            by: e.user_name,
        }
    }
}

#[derive(Serialize, ToSchema, Clone)]
struct ReportJson {
    at: DateTime<Utc>,
    kind: ReportKind,
    text: String,
    percent: Option<i32>,
    by: Option<String>,
    unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
struct ChaseJson {
    at: DateTime<Utc>,
    on: NaiveDate,
    note: String,
    by: Option<String>,
}

impl From<chase::Chase> for ChaseJson {
    fn from(c: chase::Chase) -> Self {
        ChaseJson {
            at: c.at.and_utc(),
            on: c.on_day,
            note: c.note,
            by: c.by,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct ExplanationJson {
    id: i64,
    state: String,
    /// Unanswered past its reply-by date.
    overdue: bool,
    asked_at: DateTime<Utc>,
    reply_by: NaiveDate,
    question: String,
    answered_at: Option<DateTime<Utc>>,
    reason: String,
    actions: String,
    proposed_due: Option<NaiveDate>,
    difficulties: String,
    decided_at: Option<DateTime<Utc>>,
    decision_note: String,
    new_due: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
struct AssigneeJson {
    user_id: UserId,
    name: String,
    /// The unit's own date for the person.
    due_on: Option<NaiveDate>,
}

impl From<assignee::Assignee> for AssigneeJson {
    fn from(a: assignee::Assignee) -> Self {
        AssigneeJson {
            user_id: a.user_id,
            name: a.name,
            due_on: a.due_on,
        }
    }
}

/// A coordinating unit's state and the parts it gave.
#[derive(Serialize, ToSchema)]
struct CoordinationJson {
    unit_id: UnitId,
    unit: String,
    state: String,
    asked_due: Option<NaiveDate>,
    asked_at: Option<DateTime<Utc>>,
    given_at: Option<DateTime<Utc>>,
    parts: Vec<ReportJson>,
}

#[derive(Serialize, ToSchema)]
struct TransferJson {
    id: i64,
    kind: String,
    from_unit_id: UnitId,
    from_unit: String,
    to_unit_id: Option<UnitId>,
    to_unit: Option<String>,
    reason: String,
    by: Option<String>,
    at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}

impl From<transfer::Transfer> for TransferJson {
    fn from(t: transfer::Transfer) -> Self {
        TransferJson {
            id: t.id,
            kind: t.kind.as_str().into(),
            from_unit_id: t.from_unit_id,
            from_unit: t.from_unit,
            to_unit_id: t.to_unit_id,
            to_unit: t.to_unit,
            reason: t.reason,
            by: t.by,
            at: t.at.and_utc(),
            decided_at: t.decided_at.map(|t| t.and_utc()),
        }
    }
}

#[derive(Serialize, ToSchema)]
struct StepJson {
    id: i64,
    text: String,
    assignee_id: Option<UserId>,
    assignee: Option<String>,
    done_at: Option<DateTime<Utc>>,
}

impl From<step::Step> for StepJson {
    fn from(s: step::Step) -> Self {
        StepJson {
            id: s.id,
            text: s.text,
            assignee_id: s.assignee_id,
            assignee: s.assignee,
            done_at: s.done_at.map(|t| t.and_utc()),
        }
    }
}

read_route!(
    "/api/v1/tasks/{id}",
    "tasks",
    params(("id" = i64, Path, description = "The task's number")),
    ok(
        TaskDetail,
        "The task and its history; `ETag` is its version",
        ETag
    ),
    TaskProblems,
    /// `GET /api/v1/tasks/{id}`
    pub async fn task(call: LazyCall, path: web::Path<TaskId>) -> ApiResult<HttpResponse> {
        let id = path.into_inner();
        let body = call
            .run(move |conn, auth| {
                let actor = auth.actor()?;
                let scoped = task::scoped(conn, id)?;
                if decide(&actor, Action::ViewTask, Target::Task(scoped.scope())) != Decision::Allow
                {
                    return Err(WebError::NotFound);
                }
                let today = today();
                let row = task::rows_for(conn, &[id], today)?
                    .pop()
                    .ok_or(WebError::NotFound)?;
                let d = directive::get(conn, row.directive_id)?;
                let journal = journal::for_task(conn, id)?
                    .into_iter()
                    .map(JournalJson::from)
                    .collect();
                let reports: Vec<(Option<String>, ReportJson)> = task::reports(conn, id)?
                    .into_iter()
                    .map(|r| {
                        let unit = r.unit_name.clone();
                        let json = ReportJson {
                            at: r.at.and_utc(),
                            kind: r.kind,
                            text: r.text,
                            percent: r.percent,
                            by: r.user_name,
                            unit: r.unit_name,
                        };
                        (unit, json)
                    })
                    .collect();
                let chases = chase::for_task(conn, id)?
                    .into_iter()
                    .map(ChaseJson::from)
                    .collect();
                let explanations = explanation::for_task(conn, id)?
                    .into_iter()
                    .map(|e| ExplanationJson {
                        id: e.id,
                        state: e.state.as_str().into(),
                        overdue: e.overdue(today),
                        asked_at: e.asked_at.and_utc(),
                        reply_by: e.reply_by,
                        question: e.question,
                        answered_at: e.answered_at.map(|t| t.and_utc()),
                        reason: e.reason,
                        actions: e.actions,
                        proposed_due: e.proposed_due,
                        difficulties: e.difficulties,
                        decided_at: e.decided_at.map(|t| t.and_utc()),
                        decision_note: e.decision_note,
                        new_due: e.new_due,
                    })
                    .collect();
                // Each coordinating unit's state and the parts it gave (reports of its unit).
                let coordination = crate::models::coordination::for_task(conn, id)?
                    .into_iter()
                    .map(|p| {
                        let parts = reports
                            .iter()
                            .filter(|(unit, r)| {
                                r.kind == ReportKind::Coordination
                                    && unit.as_deref() == Some(&p.unit_name)
                            })
                            .map(|(_, r)| r.clone())
                            .collect();
                        CoordinationJson {
                            unit_id: p.unit_id,
                            state: p.state(today).as_str().into(),
                            unit: p.unit_name,
                            asked_due: p.asked_due,
                            asked_at: p.asked_at.map(|t| t.and_utc()),
                            given_at: p.done_at.map(|t| t.and_utc()),
                            parts,
                        }
                    })
                    .collect();
                let assignees = assignee::for_task(conn, id)?
                    .into_iter()
                    .map(AssigneeJson::from)
                    .collect();
                let transfers = transfer::for_task(conn, id)?
                    .into_iter()
                    .map(TransferJson::from)
                    .collect();
                let steps = step::for_task(conn, id)?
                    .into_iter()
                    .map(StepJson::from)
                    .collect();
                Ok(TaskDetail {
                    task: to_json(row),
                    version: scoped.task.version,
                    directive: DirectiveJson {
                        id: d.id,
                        number: d.number,
                        issued_on: d.issued_on,
                        title: d.title,
                        signer: d.signer,
                    },
                    lead_unit_aliases: unit::aliases(conn, scoped.task.lead_unit_id)?,
                    journal,
                    reports: reports.into_iter().map(|(_, r)| r).collect(),
                    chases,
                    explanations,
                    assignees,
                    coordination,
                    transfers,
                    steps,
                    progress_from_steps: scoped.task.progress_from_steps,
                })
            })
            .await?;
        Ok(HttpResponse::Ok()
            .insert_header((actix_web::http::header::ETAG, etag(body.version)))
            .json(body))
    }
);
