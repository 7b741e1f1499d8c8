//! Steps inside a task and the completion report drafted for the head, from the task page.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use crate::app::steps;
use crate::domain::ids::{TaskId, UserId};
use crate::domain::permissions::{Act, Action};
use crate::error::AppError;
use crate::web::call::Posted;
use crate::web::error::WebResult;
use crate::web::pages::redirect;
use crate::web::task_actions::{begin, checked_text};
use crate::web::tasks::{show_page, Typed};

#[derive(Deserialize, Default)]
#[serde(default)]
struct StepForm {
    text: String,
    /// A person's id, or empty for no one yet.
    assignee: String,
}

/// `POST /tasks/{id}/steps`: a step added.
pub async fn add(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, StepForm) = begin(&call, id, &form, Action::ManageSteps).await?;
    let (text, mut errors) = checked_text(&input.text, Some("error.required"));
    if errors.is_empty() {
        let assignee = input.assignee.trim().parse().ok().map(UserId);
        let done = crate::db::run(&call.state.pool, move |conn| {
            steps::add(conn, Act::now(actor), id, &text, assignee)
        })
        .await;
        match done {
            Ok(()) => return Ok(redirect(&format!("/tasks/{id}?done=step#steps"))),
            Err(AppError::Refused(_)) => errors.add("text", "error.assignee_not_of_unit"),
            Err(e) => return Err(e.into()),
        }
    }
    show_page(
        &call,
        id,
        Typed::of("step", &input.text, "", "", errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

#[derive(Deserialize)]
struct DoneForm {
    #[serde(default)]
    done: String,
}

/// `POST /tasks/{id}/steps/{step}/done`: ticked ("1") or unticked.
pub async fn set_done(
    Posted {
        call,
        id: (id, step),
        form,
    }: Posted<(TaskId, i64)>,
) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, DoneForm) = begin(&call, id, &form, Action::ManageSteps).await?;
    let done = input.done == "1";
    crate::db::run(&call.state.pool, move |conn| {
        steps::set_done(conn, Act::now(actor), id, step, done)
    })
    .await?;
    Ok(redirect(&format!("/tasks/{id}?done=step#steps")))
}

/// `POST /tasks/{id}/steps/drive`: the steps set the progress ("1") or not.
pub async fn drive(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, DoneForm) = begin(&call, id, &form, Action::ManageSteps).await?;
    let on = input.done == "1";
    crate::db::run(&call.state.pool, move |conn| {
        steps::drive(conn, Act::now(actor), id, on)
    })
    .await?;
    Ok(redirect(&format!("/tasks/{id}?done=step#steps")))
}

#[derive(Deserialize)]
struct DraftForm {
    #[serde(default)]
    text: String,
}

/// `POST /tasks/{id}/completion-draft`: a person of the unit drafts the completion report; the
/// head finds it in the completion form.
pub async fn draft(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, DraftForm) =
        begin(&call, id, &form, Action::DraftCompletion).await?;
    let (text, errors) = checked_text(&input.text, Some("error.required"));
    if !errors.is_empty() {
        let typed = Typed::of("draft", &input.text, "", "", errors);
        return show_page(&call, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    crate::db::run(&call.state.pool, move |conn| {
        steps::draft(conn, Act::now(actor), id, &text)
    })
    .await?;
    Ok(redirect(&format!("/tasks/{id}?done=draft")))
}
