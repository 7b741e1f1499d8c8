//! JSON twins of the task list and the task page: same filters, same permissions.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::input::etag;
use super::problem::ApiResult;
use crate::domain::dates::format_opt_date;
use crate::domain::ids::{DirectiveId, TaskId, UnitId};
use crate::domain::paging::Page;
use crate::domain::permissions::{decide, Action, Decision, Target};
use crate::models::{chase, directive, explanation, journal, task, unit};
use crate::web::auth::Credentials;
use crate::web::error::WebError;
use crate::web::list_filter;
use crate::web::tasks::{resolve_filter, today};
use crate::web::AppState;

#[derive(Serialize)]
pub(super) struct TaskJson {
    id: TaskId,
    status: String,
    timeliness: Option<String>,
    due_on: Option<chrono::NaiveDate>,
    completed_on: Option<chrono::NaiveDate>,
    due_on_display: String,
    progress: i32,
    lead_unit: UnitRef,
    coordinating_units: Vec<String>,
    directive: DirectiveRef,
    item_label: String,
    item_text: String,
    url: String,
}

#[derive(Serialize)]
struct UnitRef {
    id: UnitId,
    name: String,
}

#[derive(Serialize)]
struct DirectiveRef {
    id: DirectiveId,
    number: String,
}

pub(super) fn to_json(r: task::ListRow) -> TaskJson {
    TaskJson {
        id: r.id,
        status: r.status.as_str().into(),
        timeliness: r.timeliness.map(|t| t.as_str().into()),
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

pub async fn tasks(
    req: HttpRequest,
    state: web::Data<AppState>,
    creds: Credentials,
) -> ApiResult<HttpResponse> {
    let query = req.query_string().to_string();
    let listed = crate::web::error::run(&state.pool, move |conn| {
        let actor = creds.resolve(conn)?.actor()?;
        let f = resolve_filter(conn, list_filter::parse(&query, &actor))?;
        Ok(crate::models::listing::list(conn, &actor, &f, today())?)
    })
    .await?;
    // The next page is this query with `after` (or, going back, `before`) set to the value
    // given; `total` is exact unless `total_capped`, when the list holds more.
    let cursor = |p: Option<Page>| match p {
        Some(Page::After(k) | Page::Before(k)) => Some(k.as_param()),
        _ => None,
    };
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "total": listed.total.n,
        "total_capped": listed.total.more,
        "page_size": task::PAGE_SIZE,
        "next_after": cursor(listed.next),
        "prev_before": cursor(listed.prev),
        "tasks": listed.rows.into_iter().map(to_json).collect::<Vec<_>>(),
    })))
}

pub async fn task(
    state: web::Data<AppState>,
    creds: Credentials,
    path: web::Path<TaskId>,
) -> ApiResult<HttpResponse> {
    let id = path.into_inner();
    let body: serde_json::Value = crate::web::error::run(&state.pool, move |conn| {
            let actor = creds.resolve(conn)?.actor()?;
            let scoped = task::scoped(conn, id)?;
            if decide(&actor, Action::ViewTask, Target::Task(scoped.scope())) != Decision::Allow {
                return Err(WebError::NotFound);
            }
            let row = task::rows_for(conn, &[id], today())?.pop().ok_or(WebError::NotFound)?;
            let d = directive::get(conn, row.directive_id)?;
            let journal: Vec<_> = journal::for_task(conn, id)?
                .into_iter()
                .map(|e| serde_json::json!({"at": e.at, "kind": e.kind, "from": e.from_value, "to": e.to_value, "note": e.note, "by": e.user_name}))
                .collect();
            let reports: Vec<_> = task::reports(conn, id)?
                .into_iter()
                .map(|r| serde_json::json!({"at": r.at, "kind": r.kind, "text": r.text, "percent": r.percent, "by": r.user_name, "unit": r.unit_name}))
                .collect();
            let chases: Vec<_> = chase::for_task(conn, id)?
                .into_iter()
                .map(|c| serde_json::json!({"at": c.at, "on": c.on_day, "note": c.note, "by": c.by}))
                .collect();
            let today = today();
            let explanations: Vec<_> = explanation::for_task(conn, id)?
                .into_iter()
                .map(|e| serde_json::json!({
                    "id": e.id, "state": e.state, "overdue": e.overdue(today),
                    "asked_at": e.asked_at, "reply_by": e.reply_by, "question": e.question,
                    "answered_at": e.answered_at, "reason": e.reason, "actions": e.actions,
                    "proposed_due": e.proposed_due, "difficulties": e.difficulties,
                    "decided_at": e.decided_at, "decision_note": e.decision_note, "new_due": e.new_due,
                }))
                .collect();
            // Each coordinating unit's state and the parts it gave (reports of its unit).
            let coordination: Vec<_> = crate::models::coordination::for_task(conn, id)?
                .into_iter()
                .map(|p| {
                    let given: Vec<_> = reports
                        .iter()
                        .filter(|r| r["kind"] == "coordination" && r["unit"] == p.unit_name.as_str())
                        .cloned()
                        .collect();
                    serde_json::json!({
                        "unit_id": p.unit_id, "unit": p.unit_name, "state": p.state(today),
                        "asked_due": p.asked_due, "asked_at": p.asked_at, "given_at": p.done_at,
                        "parts": given,
                    })
                })
                .collect();
            let lead_aliases = unit::aliases(conn, row.lead_unit_id)?;
            Ok(serde_json::json!({
                "task": to_json(row),
                "version": scoped.task.version,
                "directive": {"id": d.id, "number": d.number, "issued_on": d.issued_on, "title": d.title, "signer": d.signer},
                "lead_unit_aliases": lead_aliases,
                "journal": journal,
                "reports": reports,
                "chases": chases,
                "explanations": explanations,
                "assignees": crate::models::assignee::for_task(conn, id)?,
                "coordination": coordination,
                "transfers": crate::models::transfer::for_task(conn, id)?,
                "steps": crate::models::step::for_task(conn, id)?,
                "progress_from_steps": scoped.task.progress_from_steps,
            }))
        })
        .await?;
    // The version a change sends back in If-Match.
    let version = body["version"].as_i64().and_then(|v| i32::try_from(v).ok());
    let mut resp = HttpResponse::Ok();
    if let Some(v) = version {
        resp.insert_header((actix_web::http::header::ETAG, etag(v)));
    }
    Ok(resp.json(body))
}
