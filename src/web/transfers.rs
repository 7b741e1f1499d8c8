//! Trả lại and chuyển đơn vị chủ trì from the task page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::app::transfers;
use crate::db::DbConn;
use crate::domain::dates::Moment;
use crate::domain::ids::{TaskId, UnitId};
use crate::domain::permissions::{Action, Actor};
use crate::error::AppError;
use crate::models::task::Edit;
use crate::models::transfer::{Move, Refusal};
use crate::web::call::Call;
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::task_actions::{answer, begin, checked_text, done_or_refused, Refusals};
use crate::web::tasks::{show_page, Typed};

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    text: String,
}

/// The refusals a return or a keep can meet, under the reason's field.
fn refusals(waiting: &'static str) -> Refusals {
    Refusals {
        field: "text",
        named: (Refusal::Waiting.key(), waiting),
        other: "error.transfer_closed",
    }
}

/// `POST /tasks/{id}/send-back`: the lead unit's head returns the task as outside the unit's
/// remit (không đúng chức năng), saying why; the secretariat decides.
pub async fn send_back(call: Call, path: web::Path<TaskId>, form: Form) -> WebResult<HttpResponse> {
    let step = Reasoned {
        action: Action::SendBack,
        name: "send_back",
        waiting: "error.transfer_already_sent",
    };
    reasoned(call, path.into_inner(), form, step, transfers::send_back).await
}

/// `POST /tasks/{id}/keep`: the secretariat keeps a sent-back task with its unit, saying why.
pub async fn keep(call: Call, path: web::Path<TaskId>, form: Form) -> WebResult<HttpResponse> {
    let step = Reasoned {
        action: Action::TransferTask,
        name: "keep",
        waiting: "error.transfer_none_waiting",
    };
    reasoned(call, path.into_inner(), form, step, transfers::keep).await
}

/// A step that takes only a reason: its permission, its form's name, and what a return waiting
/// (or not) is told as.
struct Reasoned {
    action: Action,
    name: &'static str,
    waiting: &'static str,
}

type UseCase = fn(&mut DbConn, &Actor, TaskId, &str, Moment) -> crate::error::AppResult<()>;

async fn reasoned(
    call: Call,
    id: TaskId,
    form: Form,
    step: Reasoned,
    use_case: UseCase,
) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, ReasonForm) = begin(&call, id, &form, step.action).await?;
    let (reason, errors) = checked_text(&input.text, Some("error.reason_required"));
    let typed = |errors| Typed::of(step.name, &input.text, "", "", errors);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    }
    let made = crate::db::run(&call.state.pool, move |conn| {
        use_case(conn, &actor, id, &reason, Moment::now())
    })
    .await;
    let typed = typed(Default::default());
    done_or_refused(&call, id, step.name, made, refusals(step.waiting), typed).await
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
pub async fn transfer(call: Call, path: web::Path<TaskId>, form: Form) -> WebResult<HttpResponse> {
    let id = path.into_inner();
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
