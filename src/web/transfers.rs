//! Trả lại and chuyển đơn vị chủ trì from the task page.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use crate::app::transfers;
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::Action;
use crate::error::AppError;
use crate::models::task::Edit;
use crate::models::transfer::{Move, Refusal};
use crate::web::call::Posted;
use crate::web::error::WebResult;
use crate::web::task_actions::{answer, begin, checked_text, noted, Noted, Refusals};
use crate::web::tasks::{show_page, Typed};

/// The refusals a return or a keep can meet, under the reason's field.
fn refusals(waiting: &'static str) -> Refusals {
    Refusals {
        field: "text",
        named: (Refusal::Waiting.key(), waiting),
        other: "error.transfer_closed",
    }
}

/// A return or a keep: a reason is needed.
fn reasoned(action: Action, name: &'static str, waiting: &'static str) -> Noted {
    Noted {
        action,
        name,
        required: Some("error.reason_required"),
        refusals: refusals(waiting),
    }
}

/// `POST /tasks/{id}/send-back`: the lead unit's head returns the task as outside the unit's
/// remit (không đúng chức năng), saying why; the secretariat decides.
pub async fn send_back(posted: Posted<TaskId>) -> WebResult<HttpResponse> {
    let step = reasoned(Action::SendBack, "send_back", "error.transfer_already_sent");
    noted(posted, step, transfers::send_back).await
}

/// `POST /tasks/{id}/keep`: the secretariat keeps a sent-back task with its unit, saying why.
pub async fn keep(posted: Posted<TaskId>) -> WebResult<HttpResponse> {
    let step = reasoned(Action::TransferTask, "keep", "error.transfer_none_waiting");
    noted(posted, step, transfers::keep).await
}

#[derive(Deserialize)]
struct TransferForm {
    version: i32,
    unit: Option<UnitId>,
    #[serde(default)]
    text: String,
    /// "1" when the old lead unit stays on as a coordinating unit.
    #[serde(default)]
    old_coordinates: String,
}

/// `POST /tasks/{id}/transfer`: the secretariat moves the task to another lead unit, saying
/// why; the new unit gets the assignment, the old one keeps the task only if it coordinates.
pub async fn transfer(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, TransferForm) =
        begin(&call, id, &form, Action::TransferTask).await?;
    let (reason, mut errors) = checked_text(&input.text, Some("error.reason_required"));
    if input.unit.is_none() {
        errors.add("unit", "error.transfer_unit");
    }
    let unit = input.unit.map(|u| u.to_string()).unwrap_or_default();
    let typed = |errors| {
        Typed::of("transfer", &input.text, "", "", errors)
            .with("unit", &unit)
            .with("old_coordinates", &input.old_coordinates)
    };
    let Some(to) = input.unit.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    };
    let version = input.version;
    let old_coordinates = input.old_coordinates == "1";
    let moved = crate::db::run(&call.state.pool, move |conn| {
        let m = Move {
            to,
            reason: &reason,
            old_coordinates,
        };
        transfers::transfer(conn, Edit::now(&actor, id, version), &m)
    })
    .await;
    let key = match moved {
        Ok(outcome) => {
            let typed = typed(Default::default());
            return answer(&call, id, "transfer", version, typed, outcome).await;
        }
        Err(AppError::Refused(k)) if k == Refusal::BadUnit.key() => "error.transfer_unit",
        Err(AppError::Refused(_)) => "error.transfer_closed",
        Err(e) => return Err(e.into()),
    };
    let mut errors = crate::web::pages::Errors::default();
    errors.add("unit", key);
    show_page(&call, id, typed(errors), StatusCode::UNPROCESSABLE_ENTITY).await
}
