//! Deciding extension requests: the deciders' list, approval and rejection.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::domain::dates::parse_date;
use crate::domain::permissions::{allowed, decide, Action, Decision, Target};
use crate::models::extension::{self, Decided, PendingRow};
use crate::models::task::{self, Outcome};
use crate::web::auth::Auth;
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render, Ctx, Errors};
use crate::web::tasks::{conflict, show_page, Typed};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "extensions/list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<PendingRow>,
    extended: i64,
}

pub async fn list(state: web::Data<AppState>, auth: Auth) -> WebResult<HttpResponse> {
    if !allowed(&auth.actor()?, Action::ViewExtensions, Target::System) {
        return Err(WebError::Forbidden);
    }
    let (rows, extended) = crate::db::run(&state.pool, |conn| {
        Ok((
            extension::pending(conn)?,
            extension::extended_task_count(conn)?,
        ))
    })
    .await?;
    render(&ListPage {
        ctx: Ctx::new(&auth),
        rows,
        extended,
    })
}

/// `/extensions/{id}/approve` or `/extensions/{id}/reject`.
pub async fn decide_request(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<(i64, String)>,
    form: Form,
) -> WebResult<HttpResponse> {
    let (id, decision) = path.into_inner();
    let actor = auth.post(&form)?;
    let approve = match decision.as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(WebError::NotFound),
    };
    let request = crate::db::run(&state.pool, move |conn| extension::get(conn, id)).await?;
    let task_id = request.task_id;
    let scoped = crate::db::run(&state.pool, move |conn| task::scoped(conn, task_id)).await?;
    match decide(
        &actor,
        Action::DecideExtension,
        Target::Task(scoped.scope()),
    ) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(WebError::Forbidden),
        Decision::NotFound => return Err(WebError::NotFound),
    }
    let note = form.get("text").trim().to_string();
    let mut errors = Errors::default();
    let due_typed = form.get("due_on").trim().to_string();
    let due = parse_date(&due_typed);
    if approve && !due_typed.is_empty() && due.is_none() {
        errors.add("due_on", "error.date");
    }
    if !approve && note.is_empty() {
        errors.add("text", "error.reason_required");
    }
    if note.chars().count() > 10_000 {
        errors.add("text", "error.too_long");
    }
    if !errors.is_empty() {
        let typed = Typed {
            form: decision.clone(),
            text: form.get("text").into(),
            percent: String::new(),
            due: due_typed,
            errors,
        };
        return show_page(
            &state,
            &auth,
            task_id,
            typed,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let Ok(version) = form.get("version").trim().parse::<i32>() else {
        return Err(WebError::BadRequest("version".into()));
    };
    let outcome = crate::db::run(&state.pool, move |conn| {
        extension::decide(conn, &actor, id, approve, due, version, &note)
    })
    .await?;
    let form_action = format!("/extensions/{id}/{decision}");
    let typed = Typed::of(
        &decision,
        form.get("text"),
        "",
        form.get("due_on"),
        Errors::default(),
    );
    match outcome {
        Decided::Done => Ok(redirect(&format!(
            "/tasks/{task_id}?done=extension_{decision}"
        ))),
        Decided::NotPending => {
            let mut errors = Errors::default();
            errors.add("extension", "error.extension_decided");
            let typed = Typed::of("extension", "", "", "", errors);
            show_page(&state, &auth, task_id, typed, StatusCode::CONFLICT).await
        }
        Decided::Task(outcome) => {
            let current = match outcome {
                Outcome::Stale(current) => *current,
                _ => crate::db::run(&state.pool, move |conn| task::get(conn, task_id)).await?,
            };
            let action = &decision;
            conflict(&state, &auth, action, &form_action, version, typed, current).await
        }
    }
}
