//! Phối hợp from the task page: a coordinating unit records its part; the lead unit asks a
//! coordinating unit for it by a date.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use crate::app::coordination;
use crate::domain::dates::parse_date;
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::{Act, Action};
use crate::models::coordination::Refusal;
use crate::web::call::Posted;
use crate::web::error::WebResult;
use crate::web::pages::redirect;
use crate::web::task_actions::{begin, checked_text, done_or_refused, uploads, Refusals};
use crate::web::tasks::{show_page, Typed};

#[derive(Deserialize)]
struct PartForm {
    #[serde(default)]
    text: String,
}

/// `POST /tasks/{id}/coordination`: the person's coordinating unit gives its part (ý kiến /
/// kết quả phối hợp), with files.
pub async fn record_part(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, PartForm) =
        begin(&call, id, &form, Action::RecordCoordination).await?;
    let (text, mut errors) = checked_text(&input.text, Some("error.required"));
    let files = uploads(&form, &mut errors);
    if !errors.is_empty() {
        let typed = Typed::of("coordination", &input.text, "", "", errors);
        return show_page(&call, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let store = call.state.storage();
    crate::db::run(&call.state.pool, move |conn| {
        coordination::record_part(conn, &store, Act::now(actor), id, &text, &files)
    })
    .await?;
    Ok(redirect(&format!("/tasks/{id}?done=coordination")))
}

#[derive(Deserialize)]
struct AskForm {
    unit: Option<UnitId>,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    text: String,
}

/// `POST /tasks/{id}/coordination/ask`: the lead unit asks one coordinating unit for its part
/// by a date, with an optional note.
pub async fn ask_part(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, AskForm) =
        begin(&call, id, &form, Action::AskCoordination).await?;
    let (note, mut errors) = checked_text(&input.text, None);
    let due = parse_date(&input.due_on);
    if due.is_none() {
        errors.add("due_on", "error.date");
    }
    if input.unit.is_none() {
        errors.add("unit", "error.coordination_unit");
    }
    let unit = input.unit.map(|u| u.to_string()).unwrap_or_default();
    let typed = |errors| Typed::of("coordination_ask", &input.text, "", &input.due_on, errors);
    let (Some(due), Some(unit_id), true) = (due, input.unit, errors.is_empty()) else {
        let typed = typed(errors).with("unit", &unit);
        return show_page(&call, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let asked = crate::db::run(&call.state.pool, move |conn| {
        coordination::ask_part(conn, Act::now(actor), id, unit_id, due, &note)
    })
    .await;
    let refusals = Refusals {
        field: "due_on",
        named: (Refusal::BadDate.key(), "error.coordination_date"),
        other: "error.coordination_closed",
    };
    let typed = typed(Default::default()).with("unit", &unit);
    done_or_refused(&call, id, "coordination_ask", asked, refusals, typed).await
}
