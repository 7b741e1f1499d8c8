//! Deciding extension requests: the deciders' list, approval and rejection.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use askama::Template;

use serde::Deserialize;

use crate::app::{extensions, tasks};
use crate::domain::dates::parse_date;
use crate::domain::permissions::{allowed, Act, Action, Target};
use crate::models::extension::{self, Decided, NewDecision, PendingRow};
use crate::models::task::{self, Outcome};
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render, Ctx, Errors};
use crate::web::tasks::{conflict, show_page, Typed};

#[derive(Template)]
#[template(path = "extensions/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<PendingRow>,
    extended: i64,
}

pub async fn list(call: Call) -> WebResult<HttpResponse> {
    if !allowed(&call.auth.actor()?, Action::ViewExtensions, Target::System) {
        return Err(WebError::Forbidden);
    }
    let (rows, extended) = crate::db::run(&call.state.pool, |conn| {
        Ok((
            extension::pending(conn)?,
            extension::extended_task_count(conn)?,
        ))
    })
    .await?;
    render(&ListPage {
        ctx: Ctx::new(&call.auth),
        rows,
        extended,
    })
}

/// What a decider sends: the task's version as they saw it, a note (the reason, for a
/// rejection) and, for an approval, another date than the one asked for.
#[derive(Deserialize)]
struct DecisionForm {
    version: i32,
    #[serde(default)]
    text: String,
    #[serde(default)]
    due_on: String,
}

/// The request approved: the task's due date moves (to the date asked for, or the one typed).
pub async fn approve(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    decide_request(call, id, form, true).await
}

/// The request rejected, saying why.
pub async fn reject(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    decide_request(call, id, form, false).await
}

async fn decide_request(call: Call, id: i64, form: Form, approve: bool) -> WebResult<HttpResponse> {
    let name = if approve { "approve" } else { "reject" };
    let actor = call.auth.post(&form)?;
    let task_id = crate::db::run(&call.state.pool, move |conn| {
        let task_id = extension::get(conn, id)?.task_id;
        tasks::authorize(conn, &actor, task_id, Action::DecideExtension)?;
        Ok(task_id)
    })
    .await?;
    let input: DecisionForm = form.parse()?;
    let note = input.text.trim().to_string();
    let mut errors = Errors::default();
    let due = parse_date(&input.due_on);
    if approve && !input.due_on.trim().is_empty() && due.is_none() {
        errors.add("due_on", "error.date");
    }
    if !approve && note.is_empty() {
        errors.add("text", "error.reason_required");
    }
    if note.chars().count() > 10_000 {
        errors.add("text", "error.too_long");
    }
    let typed = |errors| Typed::of(name, &input.text, "", &input.due_on, errors);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, task_id, typed(errors), status).await;
    }
    let version = input.version;
    let outcome = crate::db::run(&call.state.pool, move |conn| {
        let decision = NewDecision {
            approve,
            due,
            task_version: version,
            note: &note,
        };
        extensions::decide(conn, Act::now(actor), id, &decision)
    })
    .await?;
    match outcome {
        Decided::Done { .. } => Ok(redirect(&format!("/tasks/{task_id}?done=extension_{name}"))),
        Decided::NotPending => {
            let mut errors = Errors::default();
            errors.add("extension", "error.extension_decided");
            let typed = Typed::of("extension", "", "", "", errors);
            show_page(&call, task_id, typed, StatusCode::CONFLICT).await
        }
        Decided::Task(outcome) => {
            let current = match outcome {
                Outcome::Stale(current) => *current,
                _ => crate::db::run(&call.state.pool, move |conn| task::get(conn, task_id)).await?,
            };
            let form_action = format!("/extensions/{id}/{name}");
            let typed = typed(Errors::default());
            conflict(&call, name, &form_action, version, typed, current).await
        }
    }
}
