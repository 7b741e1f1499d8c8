//! Everything done to a task from its page: one handler per action, each reading
//! extract → authorize → validate → call → answer. What they share (the permission check, the
//! page again with what was typed, the conflict page, files kept only when the change holds)
//! is below them.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use serde::Deserialize;

use crate::app::{chases, extensions, tasks};
use crate::db::DbConn;
use crate::domain::dates::{extension_date, parse_date};
use crate::domain::filetype;
use crate::domain::ids::{TaskId, UserId};
use crate::domain::permissions::{Act, Action, Actor};
use crate::domain::status::Move;
use crate::error::{AppError, AppResult};
use crate::models::attachment::Upload;
use crate::models::extension::{self, NewRequest};
use crate::models::task::{self, Outcome};
use crate::models::{assignee, chase};
use crate::web::auth::Auth;
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::{Form, MAX_FILES};
use crate::web::pages::{redirect, Errors};
use crate::web::tasks::{conflict, edit_page, show_page, today, Typed};

/// The longest text a report, comment or reason may have, in characters.
const MAX_TEXT_CHARS: usize = 10_000;

/// A status move: the version the person saw and an optional note (a reason where required).
#[derive(Deserialize)]
struct MoveForm {
    version: i32,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct ProgressForm {
    version: i32,
    #[serde(default)]
    text: String,
    #[serde(default)]
    percent: String,
}

/// A text alone, with no version: a comment, or the note of a chase.
#[derive(Deserialize)]
struct TextForm {
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
struct DueDateForm {
    version: i32,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ExtensionForm {
    due_on: String,
    text: String,
}

/// A handler for one status move: they differ only in the move.
macro_rules! move_handler {
    ($(#[$doc:meta])* $name:ident, $mv:expr) => {
        $(#[$doc])*
        pub async fn $name(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
            move_task(call, id, form, $mv).await
        }
    };
}

move_handler!(
    /// The unit starts work on an assigned task.
    start,
    Move::Start
);
move_handler!(
    /// The unit reports the task done, with its result and evidence.
    report_completion,
    Move::ReportCompletion
);
move_handler!(
    /// The secretariat confirms a reported completion.
    confirm,
    Move::Confirm
);
move_handler!(
    /// The secretariat returns a reported completion, saying why.
    return_completion,
    Move::Return
);
move_handler!(
    /// The secretariat cancels an open task, saying why.
    cancel,
    Move::Cancel
);

/// A move's note, checked (a completion needs its result, a return or a cancellation its
/// reason), and the files that come with a completion; the page and the API read them alike.
pub(crate) fn move_input(
    mv: Move,
    text: &str,
    form: Option<&Form>,
) -> (String, Vec<Upload>, Errors) {
    let required = match mv {
        Move::ReportCompletion => Some("error.required"),
        _ if mv.needs_reason() => Some("error.reason_required"),
        _ => None,
    };
    let (text, mut errors) = checked_text(text, required);
    let files = match form {
        Some(form) if mv == Move::ReportCompletion => uploads(form, &mut errors),
        _ => Vec::new(),
    };
    (text, files, errors)
}

/// The name a move goes by in URLs, the page's forms and its messages.
fn move_name(mv: Move) -> &'static str {
    match mv {
        Move::Start => "start",
        Move::ReportCompletion => "complete",
        Move::Confirm => "confirm",
        Move::Return => "return",
        Move::Cancel => "cancel",
    }
}

async fn move_task(call: Call, id: TaskId, form: Form, mv: Move) -> WebResult<HttpResponse> {
    let name = move_name(mv);
    let (actor, _, input): (_, _, MoveForm) =
        begin(&call, id, &form, tasks::move_action(mv)).await?;
    let (text, files, errors) = move_input(mv, &input.text, Some(&form));
    let typed = Typed::of(name, &input.text, "", "", errors);
    let store = call.state.storage();
    versioned(
        &call,
        (actor, id, input.version),
        typed,
        move |conn, edit| tasks::move_task(conn, &store, edit, mv, &text, &files),
    )
    .await
}

/// The page again when the form has errors; otherwise the change, made at the version the
/// person saw, and its answer.
async fn versioned<F>(
    call: &Call,
    (actor, id, version): (Actor, TaskId, i32),
    typed: Typed,
    change: F,
) -> WebResult<HttpResponse>
where
    F: FnOnce(&mut DbConn, task::Edit) -> AppResult<Outcome> + Send + 'static,
{
    if !typed.errors.is_empty() {
        return show_page(call, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let outcome = crate::db::run(&call.state.pool, move |conn| {
        change(conn, task::Edit::now(&actor, id, version))
    })
    .await?;
    let name = typed.form.clone();
    answer(call, id, &name, version, typed, outcome).await
}

pub async fn report_progress(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, ProgressForm) =
        begin(&call, id, &form, Action::AddProgress).await?;
    let (text, mut errors) = checked_text(&input.text, Some("error.required"));
    let percent = match input.percent.trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => p,
        _ => {
            errors.add("percent", "error.percent");
            0
        }
    };
    let files = uploads(&form, &mut errors);
    let typed = Typed::of("progress", &input.text, &input.percent, "", errors);
    let store = call.state.storage();
    versioned(
        &call,
        (actor, id, input.version),
        typed,
        move |conn, edit| tasks::report_progress(conn, &store, edit, &text, percent, &files),
    )
    .await
}

/// A comment changes nothing that can conflict, so it carries no version.
pub async fn comment(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, TextForm) = begin(&call, id, &form, Action::Comment).await?;
    let (text, errors) = checked_text(&input.text, Some("error.required"));
    if !errors.is_empty() {
        let typed = Typed::of("comment", &input.text, "", "", errors);
        return show_page(&call, id, typed, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let store = call.state.storage();
    crate::db::run(&call.state.pool, move |conn| {
        tasks::comment(conn, &store, Act::now(actor), id, &text)
    })
    .await?;
    Ok(redirect(&format!("/tasks/{id}?done=comment")))
}

pub async fn change_due_date(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, DueDateForm) = begin(&call, id, &form, Action::EditTask).await?;
    let (text, mut errors) = checked_text(&input.text, Some("error.required"));
    // An empty date takes the deadline away; anything else must be a date.
    let due = parse_date(&input.due_on);
    if !input.due_on.trim().is_empty() && due.is_none() {
        errors.add("due_on", "error.date");
    }
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return edit_page(&call, id, input.due_on, text, errors, status).await;
    }
    let version = input.version;
    let outcome = crate::db::run(&call.state.pool, move |conn| {
        tasks::change_due_date(conn, task::Edit::now(&actor, id, version), due, &text)
    })
    .await?;
    let typed = Typed::of("edit", &input.text, "", &input.due_on, Errors::default());
    answer(&call, id, "edit", version, typed, outcome).await
}

pub async fn request_extension(
    Posted { call, id, form }: Posted<TaskId>,
) -> WebResult<HttpResponse> {
    let (actor, scoped, input): (_, _, ExtensionForm) =
        begin(&call, id, &form, Action::RequestExtension).await?;
    let (reason, mut errors) = checked_text(&input.text, Some("error.reason_required"));
    let due = extension_date(&input.due_on, scoped.task.due_on, today())
        .map_err(|key| errors.add("due_on", key))
        .ok();
    let files = uploads(&form, &mut errors);
    let typed = |errors| Typed::of("extension", &input.text, "", &input.due_on, errors);
    let Some(due) = due.filter(|_| errors.is_empty()) else {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    };
    let store = call.state.storage();
    let asked = crate::db::run(&call.state.pool, move |conn| {
        let asked = NewRequest {
            due,
            reason: &reason,
            files: &files,
        };
        extensions::request(conn, &store, Act::now(actor), id, &asked)
    })
    .await;
    // Already pending, or the unique index caught a request filed at the same moment.
    let refusals = Refusals {
        field: "extension",
        named: (extension::Refusal::Closed.key(), "error.extension_closed"),
        other: "error.extension_pending",
    };
    let typed = typed(Errors::default());
    done_or_refused(&call, id, "extension", asked, refusals, typed).await
}

/// Đôn đốc: the secretariat or a leader chases the lead unit, with an optional note. A chase
/// changes nothing a version guards; the once-a-day rule answers a second press.
pub async fn chase(posted: Posted<TaskId>) -> WebResult<HttpResponse> {
    let step = Noted {
        action: Action::Chase,
        name: "chase",
        required: None,
        // Chased today already, or the unique index caught a chase made at the same moment.
        refusals: Refusals {
            field: "text",
            named: (chase::Refusal::NotWorking.key(), "error.chase_not_working"),
            other: "error.chase_today",
        },
    };
    noted(posted, step, chases::chase).await
}

/// An action that takes only a note: its permission, its form's name, the message for a
/// missing note where one is needed, and how a refusal is told.
pub(crate) struct Noted {
    pub action: Action,
    pub name: &'static str,
    pub required: Option<&'static str>,
    pub refusals: Refusals,
}

/// Checks the note, makes the change through `use_case`, and goes back to the task, or shows
/// the page again with the note and why not.
pub(crate) async fn noted<T: Send + 'static>(
    Posted { call, id, form }: Posted<TaskId>,
    step: Noted,
    use_case: fn(&mut DbConn, Act, TaskId, &str) -> AppResult<T>,
) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, TextForm) = begin(&call, id, &form, step.action).await?;
    let (note, errors) = checked_text(&input.text, step.required);
    let typed = |errors| Typed::of(step.name, &input.text, "", "", errors);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    }
    let made = crate::db::run(&call.state.pool, move |conn| {
        use_case(conn, Act::now(actor), id, &note)
    })
    .await;
    let typed = typed(Errors::default());
    done_or_refused(&call, id, step.name, made, step.refusals, typed).await
}

/// How a refused request is explained: under which field, the message for one named refusal,
/// and the message for any other refusal or a duplicate caught by a unique index.
pub(crate) struct Refusals {
    pub field: &'static str,
    pub named: (&'static str, &'static str),
    pub other: &'static str,
}

/// Back to the task when the request was made; otherwise the page again, with what was typed
/// and why not.
pub(crate) async fn done_or_refused<T>(
    call: &Call,
    id: TaskId,
    name: &str,
    made: Result<T, AppError>,
    refusals: Refusals,
    mut typed: Typed,
) -> WebResult<HttpResponse> {
    let key = match made {
        Ok(_) => return Ok(redirect(&format!("/tasks/{id}?done={name}"))),
        Err(AppError::Refused(key)) if key == refusals.named.0 => refusals.named.1,
        Err(AppError::Refused(_)) | Err(AppError::Conflict(_)) => refusals.other,
        Err(e) => return Err(e.into()),
    };
    typed.errors.add(refusals.field, key);
    show_page(call, id, typed, StatusCode::CONFLICT).await
}

/// Any other action: no such thing, told only to someone signed in (as every task route does).
pub async fn unknown(auth: Auth) -> WebResult<HttpResponse> {
    auth.actor()?;
    Err(WebError::NotFound)
}

/// What every action does first: the CSRF token, the permission for this task, then the
/// form's fields as `T`.
pub(crate) async fn begin<T: serde::de::DeserializeOwned>(
    call: &Call,
    id: TaskId,
    form: &Form,
    action: Action,
) -> WebResult<(Actor, task::Scoped, T)> {
    let actor = call.auth.post(form)?;
    let scoped = crate::db::run(&call.state.pool, move |conn| {
        tasks::authorize(conn, &actor, id, action)
    })
    .await?;
    Ok((actor, scoped, form.parse()?))
}

/// The form's text, trimmed, and the errors it gives: too long, or missing where `missing`
/// names the message for that.
pub(crate) fn checked_text(text: &str, missing: Option<&'static str>) -> (String, Errors) {
    let mut errors = Errors::default();
    let text = checked_field(text, "text", missing, &mut errors);
    (text, errors)
}

/// One text field, trimmed; an error under `name` when it is too long, or empty where
/// `missing` names the message for that.
pub(crate) fn checked_field(
    text: &str,
    name: &'static str,
    missing: Option<&'static str>,
    errors: &mut Errors,
) -> String {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT_CHARS {
        errors.add(name, "error.too_long");
    }
    if let Some(key) = missing.filter(|_| text.is_empty()) {
        errors.add(name, key);
    }
    text.to_string()
}

/// The reason a change gives (a return, a correction, a request for more time): needed, and
/// under the field `text`.
pub(crate) fn reason_field(text: &str, errors: &mut Errors) -> String {
    checked_field(text, "text", Some("error.reason_required"), errors)
}

/// Checks each file: size, and that its content is what its name says. Field errors otherwise.
pub(crate) fn uploads(form: &Form, errors: &mut Errors) -> Vec<Upload> {
    let mut out = Vec::new();
    for f in form.files("files") {
        if f.too_large {
            errors.add("files", "error.file_too_large");
            continue;
        }
        match filetype::check(&f.file_name, &f.bytes) {
            Ok(kind) => {
                let ext = filetype::extension(&f.file_name);
                out.push(Upload::new(
                    &f.file_name,
                    kind.content_type(&ext),
                    f.bytes.clone(),
                ));
            }
            Err(filetype::Rejection::Empty) => errors.add("files", "error.file_empty"),
            Err(_) => errors.add("files", "error.file_type"),
        }
    }
    if out.len() > MAX_FILES {
        errors.add("files", "error.too_many_files");
    }
    out
}

/// Back to the task when the change held; otherwise the conflict page beside the task as it is.
pub(crate) async fn answer(
    call: &Call,
    id: TaskId,
    name: &str,
    version: i32,
    typed: Typed,
    outcome: Outcome,
) -> WebResult<HttpResponse> {
    let current = match outcome {
        Outcome::Done(()) => return Ok(redirect(&format!("/tasks/{id}?done={name}"))),
        Outcome::Stale(current) => *current,
        Outcome::NotNow(_) => {
            crate::db::run(&call.state.pool, move |conn| task::get(conn, id)).await?
        }
    };
    let form_action = format!("/tasks/{id}/{name}");
    conflict(call, name, &form_action, version, typed, current).await
}

/// Whom the head hands the task to, and the unit's own date for it.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AssignForm {
    person: Vec<UserId>,
    due_on: String,
}

/// `POST /tasks/{id}/assignees`: the unit head hands the task to people of the unit (none to
/// take it back), with the unit's date, no later than the official one.
pub async fn assign_people(Posted { call, id, form }: Posted<TaskId>) -> WebResult<HttpResponse> {
    let (actor, _, input): (_, _, AssignForm) =
        begin(&call, id, &form, Action::AssignPeople).await?;
    let mut errors = Errors::default();
    let due = match input.due_on.trim() {
        "" => None,
        typed => {
            let d = parse_date(typed);
            if d.is_none() {
                errors.add("due_on", "error.date");
            }
            d
        }
    };
    let typed = |errors| Typed::of("assign", "", "", &input.due_on, errors);
    if !errors.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return show_page(&call, id, typed(errors), status).await;
    }
    let people = input.person.clone();
    let done = crate::db::run(&call.state.pool, move |conn| {
        tasks::assign_people(conn, Act::now(actor), id, &people, due)
    })
    .await;
    let (field, key) = match done {
        Ok(()) => return Ok(redirect(&format!("/tasks/{id}?done=assigned"))),
        Err(AppError::Refused(k)) if k == assignee::Refusal::BadDate.key() => {
            ("due_on", "error.assignee_date")
        }
        Err(AppError::Refused(k)) if k == assignee::Refusal::NotOfUnit.key() => {
            ("person", "error.assignee_not_of_unit")
        }
        Err(AppError::Refused(_)) => ("person", "error.assignee_closed"),
        Err(e) => return Err(e.into()),
    };
    let mut errors = Errors::default();
    errors.add(field, key);
    show_page(&call, id, typed(errors), StatusCode::UNPROCESSABLE_ENTITY).await
}
