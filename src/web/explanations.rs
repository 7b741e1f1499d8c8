//! Giải trình from the task page: asking (on the task), answering with files, accepting or
//! asking again (on the round).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::app::{explanations, tasks};
use crate::domain::calendar::EXPLANATION_WORKING_DAYS;
use crate::domain::dates::parse_date;
use crate::domain::ids::TaskId;
use crate::domain::permissions::{Act, Action};
use crate::error::AppError;
use crate::models::explanation::{self, Decided, NewAnswer, NewAsk, NewDecision, Refusal};
use crate::models::task::{self, Outcome};
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, Errors};
use crate::web::task_actions::{begin, checked_field, done_or_refused, uploads, Refusals};
use crate::web::tasks::{conflict, show_page, today, Typed};
use crate::web::AppState;

/// A text field as `checked_field` reads it; `required` ones say so when empty.
fn field(text: &str, name: &'static str, required: bool, errors: &mut Errors) -> String {
    checked_field(text, name, required.then_some("error.required"), errors)
}

/// The date an answer is due by: as typed (today or later), or 3 working days on when empty.
fn reply_by(
    state: &web::Data<AppState>,
    typed: &str,
    errors: &mut Errors,
) -> impl std::future::Future<Output = WebResult<Option<NaiveDate>>> {
    let typed = typed.trim().to_string();
    let mut bad = false;
    let parsed = if typed.is_empty() {
        None
    } else {
        match parse_date(&typed) {
            Some(d) if d >= today() => Some(d),
            _ => {
                bad = true;
                None
            }
        }
    };
    if bad {
        errors.add("reply_by", "error.reply_by");
    }
    let pool = state.pool.clone();
    async move {
        if bad {
            return Ok(None);
        }
        match parsed {
            Some(d) => Ok(Some(d)),
            None => Ok(Some(
                crate::db::run(&pool, |conn| {
                    let calendar = crate::models::calendar::load(conn)?;
                    Ok(calendar.add_working_days(today(), EXPLANATION_WORKING_DAYS))
                })
                .await?,
            )),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AskForm {
    text: String,
    reply_by: String,
}

/// `POST /tasks/{id}/explanation`: a leader or the secretariat asks the lead unit to explain.
pub async fn ask(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, AskForm) =
        begin(&call, id, &form, Action::AskExplanation).await?;
    let mut errors = Errors::default();
    let question = field(&input.text, "text", false, &mut errors);
    let by = reply_by(&call.state, &input.reply_by, &mut errors).await?;
    let typed = |errors| Typed::of("explanation_ask", &input.text, "", &input.reply_by, errors);
    let Some(by) = by.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    };
    let asked = crate::db::run(&call.state.pool, move |conn| {
        let asked = NewAsk {
            question: &question,
            reply_by: by,
        };
        explanations::ask(conn, Act::now(actor), id, &asked)
    })
    .await;
    let refusals = Refusals {
        field: "explanation",
        named: (Refusal::NotWorking.key(), "error.explanation_not_working"),
        other: "error.explanation_open",
    };
    let typed = typed(Errors::default());
    done_or_refused(&call, id, "explanation_asked", asked, refusals, typed).await
}

/// The round's task, for a person who may take `action` on it (else not found or forbidden).
async fn round_task(
    call: &Call,
    round: i64,
    form: &Form,
    action: Action,
) -> WebResult<(crate::domain::permissions::Actor, TaskId)> {
    let actor = call.auth.post(form)?;
    let task_id = crate::db::run(&call.state.pool, move |conn| {
        let task_id = explanation::get(conn, round)?.task_id;
        tasks::authorize(conn, &actor, task_id, action)?;
        Ok(task_id)
    })
    .await?;
    Ok((actor, task_id))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    reason: String,
    actions: String,
    proposed_due: String,
    difficulties: String,
}

/// `POST /explanations/{id}/answer`: the lead unit's head explains, with files.
pub async fn answer(
    Posted {
        call,
        id: round,
        form,
    }: Posted<i64>,
) -> WebResult<HttpResponse> {
    let (actor, task_id) = round_task(&call, round, &form, Action::AnswerExplanation).await?;
    let input: AnswerForm = form.parse()?;
    let mut errors = Errors::default();
    let reason = field(&input.reason, "reason", true, &mut errors);
    let actions = field(&input.actions, "actions", false, &mut errors);
    let difficulties = field(&input.difficulties, "difficulties", false, &mut errors);
    let proposed = match input.proposed_due.trim() {
        "" => None,
        typed => match parse_date(typed) {
            Some(d) if d > today() => Some(d),
            _ => {
                errors.add("proposed_due", "error.proposed_due");
                None
            }
        },
    };
    let files = uploads(&form, &mut errors);
    let typed = |errors| {
        Typed::of(
            "explanation_answer",
            &input.reason,
            "",
            &input.proposed_due,
            errors,
        )
        .with("actions", &input.actions)
        .with("difficulties", &input.difficulties)
    };
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, task_id, typed(errors), status).await;
    }
    let store = call.state.storage();
    let answered = crate::db::run(&call.state.pool, move |conn| {
        let answer = NewAnswer {
            reason: &reason,
            actions: &actions,
            proposed_due: proposed,
            difficulties: &difficulties,
            files: &files,
        };
        explanations::answer(conn, &store, Act::now(actor), round, &answer)
    })
    .await;
    // Answered first by someone else: both versions shown, what was typed kept.
    let refusals = Refusals {
        field: "explanation",
        named: (Refusal::Moved.key(), "error.explanation_moved"),
        other: "error.explanation_moved",
    };
    let typed = typed(Errors::default());
    done_or_refused(
        &call,
        task_id,
        "explanation_answered",
        answered,
        refusals,
        typed,
    )
    .await
}

#[derive(Deserialize)]
struct DecisionForm {
    version: i32,
    #[serde(default)]
    text: String,
    #[serde(default, deserialize_with = "crate::models::fields::checkbox")]
    move_due: bool,
    #[serde(default)]
    reply_by: String,
}

/// `POST /explanations/{id}/accept`: the answer accepted, perhaps with the proposed date as
/// the new due date.
pub async fn accept(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    decide(call, id, form, true).await
}

/// `POST /explanations/{id}/again`: not enough; the unit is asked again, by a date.
pub async fn again(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    decide(call, id, form, false).await
}

async fn decide(call: Call, round: i64, form: Form, accept: bool) -> WebResult<HttpResponse> {
    let name = if accept {
        "explanation_accept"
    } else {
        "explanation_again"
    };
    let (actor, task_id) = round_task(&call, round, &form, Action::DecideExplanation).await?;
    let input: DecisionForm = form.parse()?;
    let mut errors = Errors::default();
    let note = field(
        &input.text,
        if accept { "decision" } else { "again" },
        !accept,
        &mut errors,
    );
    let by = if accept {
        Some(today())
    } else {
        reply_by(&call.state, &input.reply_by, &mut errors).await?
    };
    let move_due = if input.move_due { "1" } else { "" };
    let typed = |errors| {
        Typed::of(name, &input.text, "", &input.reply_by, errors).with("move_due", move_due)
    };
    let Some(by) = by.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, task_id, typed(errors), status).await;
    };
    let version = input.version;
    let move_due = input.move_due;
    let decided = crate::db::run(&call.state.pool, move |conn| {
        let d = NewDecision {
            accept,
            move_due,
            task_version: version,
            note: &note,
            reply_by: by,
        };
        explanations::decide(conn, Act::now(actor), round, &d)
    })
    .await;
    let moved = |typed: Typed| async {
        let mut typed = typed;
        typed.errors.add("explanation", "error.explanation_moved");
        show_page(&call, task_id, typed, StatusCode::CONFLICT).await
    };
    match decided {
        Ok(Decided::Done { .. }) => {
            let done = if accept {
                "explanation_accepted"
            } else {
                "explanation_asked_again"
            };
            Ok(redirect(&format!("/tasks/{task_id}?done={done}")))
        }
        Ok(Decided::Moved) | Err(AppError::Conflict(_)) => moved(typed(Errors::default())).await,
        Ok(Decided::Task(outcome)) => {
            let current = match outcome {
                Outcome::Stale(current) => *current,
                _ => crate::db::run(&call.state.pool, move |conn| task::get(conn, task_id)).await?,
            };
            let form_action = format!("/explanations/{round}/accept");
            let typed = typed(Errors::default());
            conflict(&call, name, &form_action, version, typed, current).await
        }
        Err(e) => Err(e.into()),
    }
}
