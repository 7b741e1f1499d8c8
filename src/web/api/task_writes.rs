//! What a program does to a task through the API: the same use cases, permissions and checks
//! as the task page, one handler per action. A change that a version guards needs `If-Match`
//! (the task's ETag from `GET /api/v1/tasks/{id}` or the last write); a stale one is answered
//! 412 with the task as it is now.

use actix_web::{HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::answer::{self, Answer};
use super::input::{if_match, number, writer, yes_no, Body, Written};
use super::problem::{ApiError, ApiResult, WriteProblems};
use super::read::{to_json, TaskJson};
use crate::app::{extensions, tasks};
use crate::db::DbConn;
use crate::domain::dates::{extension_date, parse_date};
use crate::domain::ids::TaskId;
use crate::domain::permissions::{Act, Action, Actor};
use crate::domain::status::Move;
use crate::models::attachment::Upload;
use crate::models::extension::{self, Decided, NewDecision, NewRequest};
use crate::models::task::{self, Outcome};
use crate::web::call::Call;
use crate::web::call::Posted;
use crate::web::pages::Errors;
use crate::web::task_actions::{checked_field, move_input, reason_field, uploads};
use crate::web::tasks::today;
use serde::de::DeserializeOwned;

/// A note: the result of a completion, the reason of a return or cancellation, a comment.
#[derive(Deserialize, ToSchema)]
pub(super) struct TextInput {
    #[serde(default)]
    #[schema(max_length = 10000)]
    text: String,
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ProgressInput {
    #[serde(default)]
    text: String,
    #[serde(deserialize_with = "number")]
    #[schema(minimum = 0, maximum = 100)]
    percent: i32,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub(super) struct ExtensionInput {
    /// The date asked for: yyyy-mm-dd or dd/mm/yyyy.
    due_on: String,
    /// Why.
    text: String,
}

#[derive(Deserialize, ToSchema)]
pub(super) struct DecisionInput {
    #[serde(deserialize_with = "yes_no")]
    approve: bool,
    /// Another date than the one asked for (approval only).
    #[serde(default)]
    due_on: String,
    /// The reason (required for a rejection).
    #[serde(default)]
    text: String,
}

/// The same bodies as multipart forms, with files: described only, as `Body` reads them.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct CompletionForm {
    text: String,
    /// Up to 5 files: PDF, Word, Excel, PowerPoint, PNG/JPEG, text.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct ProgressForm {
    text: String,
    percent: i32,
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct ExtensionForm {
    due_on: String,
    text: String,
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// The headers a write may carry (described only: `input` and `answer` read them).
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub(super) struct WriteHeaders {
    /// The task's version as its ETag gave it (`"7"`), or `*`; needed where it guards a
    /// change (428 answers its absence).
    #[param(rename = "If-Match")]
    if_match: Option<String>,
    /// Up to 255 visible characters: the same write sent again with it within a day is
    /// answered as the first time and not done twice.
    #[param(rename = "Idempotency-Key")]
    idempotency_key: Option<String>,
}

/// A task after a change: the task, its version (also the `ETag`), and for an extension the
/// request's state.
#[derive(Serialize, ToSchema)]
pub(super) struct TaskChanged {
    task: TaskJson,
    version: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    extension: Option<ExtensionState>,
}

#[derive(Serialize, ToSchema)]
struct ExtensionState {
    id: i64,
    /// `pending`, `approved` or `rejected`.
    state: String,
    /// The date asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    due_on: Option<NaiveDate>,
}

/// The task as the API shows it, with its version (which the answer's ETag repeats).
fn task_body(conn: &mut DbConn, id: TaskId) -> ApiResult<TaskChanged> {
    let version = task::get(conn, id)?.version;
    let row = task::rows_for(conn, &[id], today())?
        .pop()
        .ok_or(crate::web::error::WebError::NotFound)?;
    Ok(TaskChanged {
        task: to_json(row),
        version,
        extension: None,
    })
}

fn json(t: &TaskChanged) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or_default()
}

/// A versioned change's outcome as an answer: the task now, or why nothing was written.
fn outcome_answer(conn: &mut DbConn, id: TaskId, outcome: Outcome) -> ApiResult<Answer> {
    match outcome {
        Outcome::Done(()) => Ok(Answer::ok(json(&task_body(conn, id)?))),
        Outcome::Stale(_) => Err(ApiError::Stale(json(&task_body(conn, id)?))),
        Outcome::NotNow(status) => Err(ApiError::NotNow(status.as_str())),
    }
}

/// The version to change from: the one sent, or (for `If-Match: *`) the current one.
fn version_now(conn: &mut DbConn, id: TaskId, sent: Option<i32>) -> ApiResult<i32> {
    match sent {
        Some(v) => Ok(v),
        None => Ok(task::get(conn, id)?.version),
    }
}

/// Who writes, their permission for this task and what they sent. The permission comes before
/// the body is looked at: a task the person may not see is not found, whatever they sent.
async fn asked<T: DeserializeOwned>(
    req: &HttpRequest,
    call: &Call,
    id: TaskId,
    action: Action,
    body: &Body,
) -> ApiResult<(Actor, task::Scoped, T)> {
    let actor = writer(&call.auth, req)?;
    let scoped = crate::db::run(&call.state.pool, move |conn| {
        tasks::authorize(conn, &actor, id, action)
    })
    .await?;
    Ok((actor, scoped, body.parse(&call.auth)?))
}

/// The files of a multipart body, checked as the page checks them.
fn files(body: &Body, errors: &mut Errors) -> Vec<Upload> {
    body.form().map(|f| uploads(f, errors)).unwrap_or_default()
}

/// The description every write shares (a POST on a task or request, the write headers, the
/// problems, a bearer token, the task after it as the answer) around a handler; the body, the
/// success status and its words are what differ, and whether the answer carries the task's
/// new version (`ETag`).
macro_rules! write_route {
    ($path:literal, $id:literal, body($($body:tt)+), ok($status:literal, $ok:literal, ETag), $item:item) => {
        write_route!(@ $path, $id, ($($body)+), (status = $status, description = $ok,
            body = TaskChanged, headers(("ETag" = String, description = "The task's new version"))), $item);
    };
    ($path:literal, $id:literal, body($($body:tt)+), ok($status:literal, $ok:literal), $item:item) => {
        write_route!(@ $path, $id, ($($body)+), (status = $status, description = $ok, body = TaskChanged), $item);
    };
    (@ $path:literal, $id:literal, ($($body:tt)+), ($($ok:tt)+), $item:item) => {
        #[utoipa::path(
            post,
            path = $path,
            tag = "tasks",
            params(("id" = i64, Path, description = $id), WriteHeaders),
            request_body($($body)+),
            responses(($($ok)+), WriteProblems),
            security(("bearer" = []))
        )]
        $item
    };
}

/// A handler for one status move: they differ only in the move, its path and its body.
macro_rules! move_route {
    ($(#[$doc:meta])* $name:ident, $mv:expr, $path:literal, $($body:tt)+) => {
        write_route!(
            $path,
            "The task's number",
            body($($body)+),
            ok(200, "Done: the task now, its version in ETag", ETag),
            $(#[$doc])*
            pub async fn $name(req: HttpRequest, w: Written<TaskId>) -> ApiResult<HttpResponse> {
                let Posted { call, id, form } = w;
                move_task(req, call, id, form, $mv).await
            }
        );
    };
}

move_route!(
    /// The lead unit starts work.
    start,
    Move::Start,
    "/api/v1/tasks/{id}/start",
    content = TextInput, content_type = "application/json"
);
move_route!(
    /// The lead unit's head reports the task done, with its result (`text`) and evidence
    /// (`files`, multipart).
    complete,
    Move::ReportCompletion,
    "/api/v1/tasks/{id}/complete",
    content((TextInput = "application/json"), (CompletionForm = "multipart/form-data"))
);
move_route!(
    /// The secretariat confirms a reported completion.
    confirm,
    Move::Confirm,
    "/api/v1/tasks/{id}/confirm",
    content = TextInput, content_type = "application/json"
);
move_route!(
    /// The secretariat returns a reported completion, saying why (`text`).
    return_completion,
    Move::Return,
    "/api/v1/tasks/{id}/return",
    content = TextInput, content_type = "application/json"
);
move_route!(
    /// The secretariat cancels an open task, saying why (`text`).
    cancel,
    Move::Cancel,
    "/api/v1/tasks/{id}/cancel",
    content = TextInput, content_type = "application/json"
);

async fn move_task(
    req: HttpRequest,
    call: Call,
    id: TaskId,
    body: Body,
    mv: Move,
) -> ApiResult<HttpResponse> {
    let (actor, _, input): (_, _, TextInput) =
        asked(&req, &call, id, tasks::move_action(mv), &body).await?;
    let sent = if_match(&req)?;
    let (text, files, errors) = move_input(mv, &input.text, body.form());
    ApiError::check(errors, &call.auth)?;
    let store = call.state.storage();
    answer::write(&call.state, &req, actor.user_id, move |conn| {
        let version = version_now(conn, id, sent)?;
        let outcome = tasks::move_task(
            conn,
            &store,
            task::Edit::now(&actor, id, version),
            mv,
            &text,
            &files,
        )?;
        outcome_answer(conn, id, outcome)
    })
    .await
}

write_route!(
    "/api/v1/tasks/{id}/progress",
    "The task's number",
    body(content(
        (ProgressInput = "application/json"),
        (ProgressForm = "multipart/form-data")
    )),
    ok(200, "Reported: the task now, its version in ETag", ETag),
    /// The lead unit reports progress (`text`, `percent`, and `files` by multipart).
    pub async fn report_progress(req: HttpRequest, w: Written<TaskId>) -> ApiResult<HttpResponse> {
        let Posted { call, id, form } = w;
        let (actor, _, input): (_, _, ProgressInput) =
            asked(&req, &call, id, Action::AddProgress, &form).await?;
        let sent = if_match(&req)?;
        let mut errors = Errors::default();
        let text = checked_field(&input.text, "text", Some("error.required"), &mut errors);
        if !(0..=100).contains(&input.percent) {
            errors.add("percent", "error.percent");
        }
        let files = files(&form, &mut errors);
        ApiError::check(errors, &call.auth)?;
        let store = call.state.storage();
        answer::write(&call.state, &req, actor.user_id, move |conn| {
            let version = version_now(conn, id, sent)?;
            let edit = task::Edit::now(&actor, id, version);
            let outcome = tasks::report_progress(conn, &store, edit, &text, input.percent, &files)?;
            outcome_answer(conn, id, outcome)
        })
        .await
    }
);

write_route!(
    "/api/v1/tasks/{id}/comments",
    "The task's number",
    body(content = TextInput, content_type = "application/json"),
    ok(201, "Commented: the task now"),
    /// A comment; nothing a version guards, so no `If-Match`.
    pub async fn comment(req: HttpRequest, w: Written<TaskId>) -> ApiResult<HttpResponse> {
        let Posted { call, id, form } = w;
        let (actor, _, input): (_, _, TextInput) =
            asked(&req, &call, id, Action::Comment, &form).await?;
        let mut errors = Errors::default();
        let text = checked_field(&input.text, "text", Some("error.required"), &mut errors);
        ApiError::check(errors, &call.auth)?;
        let store = call.state.storage();
        answer::write(&call.state, &req, actor.user_id, move |conn| {
            tasks::comment(conn, &store, Act::now(actor), id, &text)?;
            Ok(Answer::created(json(&task_body(conn, id)?)))
        })
        .await
    }
);

write_route!(
    "/api/v1/tasks/{id}/extensions",
    "The task's number",
    body(content(
        (ExtensionInput = "application/json"),
        (ExtensionForm = "multipart/form-data")
    )),
    ok(201, "Asked: the task and the request"),
    /// The lead unit's head asks for more time (`due_on`, `text`, `files` by multipart). Answered
    /// 201 with the request's id.
    pub async fn request_extension(
        req: HttpRequest,
        w: Written<TaskId>,
    ) -> ApiResult<HttpResponse> {
        let Posted { call, id, form } = w;
        let (actor, scoped, input): (_, _, ExtensionInput) =
            asked(&req, &call, id, Action::RequestExtension, &form).await?;
        let mut errors = Errors::default();
        let reason = reason_field(&input.text, &mut errors);
        let due = extension_date(&input.due_on, scoped.task.due_on, today())
            .map_err(|key| errors.add("due_on", key))
            .ok();
        let files = files(&form, &mut errors);
        // No date is an error already.
        let Some(due) = due.filter(|_| errors.is_empty()) else {
            return Err(ApiError::invalid(errors, &call.auth));
        };
        let store = call.state.storage();
        answer::write(&call.state, &req, actor.user_id, move |conn| {
            let asked = NewRequest {
                due,
                reason: &reason,
                files: &files,
            };
            let ext = extensions::request(conn, &store, Act::now(actor), id, &asked)?;
            let mut body = task_body(conn, id)?;
            body.extension = Some(ExtensionState {
                id: ext,
                state: "pending".into(),
                due_on: Some(due),
            });
            Ok(Answer::created(json(&body)))
        })
        .await
    }
);

write_route!(
    "/api/v1/extensions/{id}/decision",
    "The request's number",
    body(content = DecisionInput, content_type = "application/json"),
    ok(200, "Decided: the task now and the request's state"),
    /// The secretariat or a leader approves (`approve: true`, optionally another `due_on`) or
    /// rejects (`approve: false`, `text` saying why). An approval moves the due date, so it needs
    /// the task's version in `If-Match`.
    pub async fn decide_extension(req: HttpRequest, w: Written<i64>) -> ApiResult<HttpResponse> {
        let Posted { call, id, form } = w;
        let actor = writer(&call.auth, &req)?;
        let who = actor;
        let task_id = crate::db::run(&call.state.pool, move |conn| {
            let task_id = extension::get(conn, id)?.task_id;
            tasks::authorize(conn, &who, task_id, Action::DecideExtension)?;
            Ok(task_id)
        })
        .await?;
        let input: DecisionInput = form.parse(&call.auth)?;
        let sent = if input.approve { if_match(&req)? } else { None };
        let mut errors = Errors::default();
        let required = (!input.approve).then_some("error.reason_required");
        let note = checked_field(&input.text, "text", required, &mut errors);
        let due = parse_date(&input.due_on);
        if input.approve && !input.due_on.trim().is_empty() && due.is_none() {
            errors.add("due_on", "error.date");
        }
        ApiError::check(errors, &call.auth)?;
        answer::write(&call.state, &req, actor.user_id, move |conn| {
            let decision = NewDecision {
                approve: input.approve,
                due,
                task_version: version_now(conn, task_id, sent)?,
                note: &note,
            };
            match extensions::decide(conn, Act::now(actor), id, &decision)? {
                Decided::Done { .. } => {
                    let mut body = task_body(conn, task_id)?;
                    let decided = if input.approve {
                        "approved"
                    } else {
                        "rejected"
                    };
                    body.extension = Some(ExtensionState {
                        id,
                        state: decided.into(),
                        due_on: None,
                    });
                    Ok(Answer::ok(json(&body)))
                }
                Decided::NotPending => Err(ApiError::Refused("extension.decided".into())),
                Decided::Task(outcome) => outcome_answer(conn, task_id, outcome),
            }
        })
        .await
    }
);
