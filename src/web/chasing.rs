//! Chasing many tasks at once: those chosen on a task list, or every overdue task of a unit;
//! and the page that says what one press did.

use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::app::chases::{self, Batch};
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::{Act, Action};
use crate::web::auth::Auth;
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{local_path, render_status, Ctx, Errors};
use crate::web::task_actions::checked_text;

/// The tasks ticked on a list, the note, and the list to go back to.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SelectedForm {
    task: Vec<TaskId>,
    text: String,
    back: String,
}

#[derive(Deserialize)]
struct NoteForm {
    #[serde(default)]
    text: String,
}

#[derive(Template)]
#[template(path = "tasks/chased.html")]
struct ChasedPage {
    ctx: Ctx,
    batch: Batch,
    /// Where the person came from: a list or the unit's page.
    back: String,
    /// What was typed, shown again when nothing was chased because of an error.
    text: String,
    errors: Errors,
}

fn page(
    auth: &Auth,
    batch: Batch,
    back: String,
    text: String,
    errors: Errors,
) -> WebResult<HttpResponse> {
    let status = errors.status();
    render_status(
        &ChasedPage {
            ctx: Ctx::new(auth),
            batch,
            back,
            text,
            errors,
        },
        status,
    )
}

/// `POST /tasks/chase`: chases the tasks ticked on a list, with one note.
pub async fn chase_selected(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ChaseMany)?;
    let input: SelectedForm = form.parse()?;
    let back = local_path(&input.back).unwrap_or("/tasks").to_string();
    let (note, mut errors) = checked_text(&input.text, None);
    if input.task.is_empty() {
        errors.add("task", "error.chase_none_chosen");
    }
    if !errors.is_empty() {
        return page(&call.auth, Batch::default(), back, input.text, errors);
    }
    let batch = crate::db::run(&call.state.pool, move |conn| {
        chases::chase_many(conn, Act::now(actor), &input.task, &note)
    })
    .await?;
    page(&call.auth, batch, back, String::new(), Errors::default())
}

/// `POST /units/{id}/chase`: chases every overdue task the unit leads that is being worked on.
pub async fn chase_unit(Posted { call, id, form }: Posted<UnitId>) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::ChaseMany)?;
    let unit = id;
    let input: NoteForm = form.parse()?;
    let back = format!("/units/{unit}");
    let (note, errors) = checked_text(&input.text, None);
    if !errors.is_empty() {
        return page(&call.auth, Batch::default(), back, input.text, errors);
    }
    let batch = crate::db::run(&call.state.pool, move |conn| {
        crate::models::unit::get(conn, unit)?;
        chases::chase_overdue_of_unit(conn, Act::now(actor), unit, &note)
    })
    .await?;
    page(&call.auth, batch, back, String::new(), Errors::default())
}
