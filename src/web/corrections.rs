//! Corrections after publishing, each on its own page with a reason: the notice's particulars
//! and signed scan, an item's wording and units, a new item, a task's coordinating units.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::{Deserialize, Serialize};

use crate::app::corrections;
use crate::domain::dates::{format_date, parse_date};
use crate::domain::filetype::{self, FileKind};
use crate::domain::ids::{DirectiveId, ItemId, TaskId, UnitId};
use crate::domain::permissions::{Act, Action};
use crate::error::AppError;
use crate::models::correction::{self, Particulars};
use crate::models::directive::{self, Assignee, NewItem};
use crate::models::task::{self, Outcome};
use crate::models::unit::{self, Unit};
use crate::web::auth::Auth;
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::typed_back;
use crate::web::pages::{redirect, render_status, uploaded_file, Ctx, Errors};
use crate::web::task_actions::{begin, checked_field, reason_field};
use crate::web::AppState;

/// One correction form: which, where it posts, what was typed, and the units to choose from.
#[derive(Template)]
#[template(path = "directives/correct.html")]
struct CorrectPage {
    ctx: Ctx,
    /// "directive", "item", "new_item" or "coordinators".
    mode: &'static str,
    action: String,
    back: String,
    heading: String,
    typed: Vec<(String, String)>,
    errors: Errors,
    units: Vec<Unit>,
    /// The "u:<id>" values ticked in each picker.
    leads: Vec<String>,
    coords: Vec<String>,
    version: i32,
    signed: Option<(i64, String)>,
}

impl CorrectPage {
    fn v(&self, name: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    fn ticked(&self, list: &[String], unit: &Unit) -> bool {
        list.contains(&format!("u:{}", unit.id))
    }
}

fn show(page: CorrectPage) -> WebResult<HttpResponse> {
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render_status(&page, status)
}

fn page(
    auth: &Auth,
    mode: &'static str,
    action: String,
    back: String,
    heading: String,
) -> CorrectPage {
    CorrectPage {
        ctx: Ctx::new(auth),
        mode,
        action,
        back,
        heading,
        typed: Vec::new(),
        errors: Errors::default(),
        units: Vec::new(),
        leads: Vec::new(),
        coords: Vec::new(),
        version: 0,
        signed: None,
    }
}

/// A refusal that says nothing changed, under the reason's field; anything else goes on.
fn nothing_changed(result: Result<(), AppError>, errors: &mut Errors) -> WebResult<()> {
    match result {
        Ok(()) => Ok(()),
        Err(AppError::Refused(k)) if k == "correction_nothing" => {
            errors.add("text", "error.correction_nothing");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct DirectiveForm {
    number: String,
    issued_on: String,
    signer: String,
    title: String,
    body: String,
    register_no: String,
    text: String,
}

fn directive_page(auth: &Auth, id: DirectiveId, number: &str) -> CorrectPage {
    let ctx = Ctx::new(auth);
    let heading = format!("{} {number}", ctx.t("correction.directive"));
    page(
        auth,
        "directive",
        format!("/directives/{id}/correct"),
        format!("/directives/{id}"),
        heading,
    )
}

/// `GET /directives/{id}/correct`
pub async fn directive_form(call: Call, path: web::Path<DirectiveId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::CorrectDirective)?;
    let id = path.into_inner();
    let (d, signed) = crate::db::run(&call.state.pool, move |conn| {
        Ok((directive::get(conn, id)?, correction::signed(conn, id)?))
    })
    .await?;
    let mut p = directive_page(&call.auth, id, &d.number);
    p.typed = typed_back(&DirectiveForm {
        number: d.number.clone(),
        issued_on: format_date(d.issued_on),
        signer: d.signer,
        title: d.title,
        body: d.body,
        register_no: d.register_no,
        text: String::new(),
    });
    p.signed = signed;
    show(p)
}

/// `POST /directives/{id}/correct` (multipart: the signed scan may come with it).
pub async fn correct_directive(
    Posted { call, id, form }: Posted<DirectiveId>,
) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CorrectDirective)?;
    let input: DirectiveForm = form.parse()?;
    let mut errors = Errors::default();
    let reason = reason_field(&input.text, &mut errors);
    for (name, v) in [("number", &input.number), ("title", &input.title)] {
        checked_field(v, name, Some("error.required"), &mut errors);
    }
    let issued_on = parse_date(&input.issued_on);
    if issued_on.is_none() {
        errors.add("issued_on", "error.date");
    }
    let signed = form
        .files("signed")
        .next()
        .map(|f| (f.file_name.clone(), f.bytes.clone(), f.too_large));
    match &signed {
        Some((_, _, true)) => errors.add("signed", "error.file_too_large"),
        Some((name, bytes, _)) if filetype::check(name, bytes) != Ok(FileKind::Pdf) => {
            errors.add("signed", "error.signed_pdf")
        }
        _ => {}
    }
    let number = input.number.clone();
    if let (Some(issued_on), true) = (issued_on, errors.is_empty()) {
        let new = Particulars {
            number: input.number.clone(),
            issued_on,
            signer: input.signer.clone(),
            title: input.title.clone(),
            body: input.body.clone(),
            register_no: input.register_no.clone(),
        };
        let done = crate::db::run(&call.state.pool, move |conn| {
            let scan = signed.as_ref().map(|(n, b, _)| (n.as_str(), b.as_slice()));
            corrections::directive(conn, Act::now(actor), id, &new, scan, &reason)
        })
        .await;
        nothing_changed(done, &mut errors)?;
        if errors.is_empty() {
            return Ok(redirect(&format!("/directives/{id}?done=corrected")));
        }
    }
    let mut p = directive_page(&call.auth, id, &number);
    p.typed = typed_back(&input);
    p.errors = errors;
    p.signed = crate::db::run(&call.state.pool, move |conn| correction::signed(conn, id)).await?;
    show(p)
}

/// `GET /directives/signed/{file}`: a signed scan, for those who see notices.
pub async fn signed_file(call: Call, path: web::Path<i64>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ViewDirectives)?;
    let file = path.into_inner();
    let (_, name, bytes) = crate::db::run(&call.state.pool, move |conn| {
        correction::signed_file(conn, file)
    })
    .await?;
    Ok(uploaded_file("application/pdf", &name, bytes))
}

#[derive(Deserialize, Serialize, Default)]
#[serde(default)]
struct ItemForm {
    label: String,
    text: String,
    leads: Vec<String>,
    coords: Vec<String>,
    due_on: String,
    reason: String,
}

impl ItemForm {
    /// The reason and the wording, trimmed; both are needed.
    fn checked(&self, errors: &mut Errors) -> (String, String) {
        let reason = reason_field(&self.reason, errors);
        let text = checked_field(&self.text, "item_text", Some("error.required"), errors);
        (reason, text)
    }

    fn assignees(list: &[String]) -> Vec<Assignee> {
        list.iter().filter_map(|v| Assignee::parse(v)).collect()
    }
}

async fn units(state: &web::Data<AppState>) -> WebResult<Vec<Unit>> {
    Ok(crate::db::run(&state.pool, |conn| unit::list(conn, "", false)).await?)
}

/// The page of an item's form: correcting one (`item`) or adding one (`new_item`).
fn item_page(
    auth: &Auth,
    (mode, action, back, heading): (&'static str, String, String, String),
    input: &ItemForm,
    units: Vec<Unit>,
    errors: Errors,
) -> CorrectPage {
    let mut p = page(auth, mode, action, back, heading);
    p.typed = typed_back(&input);
    p.units = units;
    p.leads = input.leads.clone();
    p.coords = input.coords.clone();
    p.errors = errors;
    p
}

/// Where the form of an existing item posts, goes back to, and its heading.
fn correcting(auth: &Auth, item: &directive::Item) -> (&'static str, String, String, String) {
    let heading = format!("{} {}", Ctx::new(auth).t("correction.item"), item.label);
    let back = format!("/directives/{}", item.directive_id);
    ("item", format!("/items/{}/correct", item.id), back, heading)
}

/// The same for a new item of a notice.
fn adding(auth: &Auth, id: DirectiveId) -> (&'static str, String, String, String) {
    let heading = Ctx::new(auth).t("correction.new_item").to_string();
    (
        "new_item",
        format!("/directives/{id}/items"),
        format!("/directives/{id}"),
        heading,
    )
}

/// `GET /items/{id}/correct`
pub async fn item_form(call: Call, path: web::Path<ItemId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::CorrectDirective)?;
    let id = path.into_inner();
    let item = crate::db::run(&call.state.pool, move |conn| directive::item(conn, id)).await?;
    let input = ItemForm {
        label: item.label.clone(),
        text: item.text.clone(),
        ..ItemForm::default()
    };
    show(item_page(
        &call.auth,
        correcting(&call.auth, &item),
        &input,
        units(&call.state).await?,
        Errors::default(),
    ))
}

/// `POST /items/{id}/correct`: the wording, and lead or coordinating units added.
pub async fn correct_item(Posted { call, id, form }: Posted<ItemId>) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CorrectDirective)?;
    let input: ItemForm = form.parse()?;
    let mut errors = Errors::default();
    let (reason, text) = input.checked(&mut errors);
    let item = crate::db::run(&call.state.pool, move |conn| directive::item(conn, id)).await?;
    if errors.is_empty() {
        let (label, leads, coords) = (
            input.label.clone(),
            ItemForm::assignees(&input.leads),
            ItemForm::assignees(&input.coords),
        );
        let done = crate::db::run(&call.state.pool, move |conn| {
            corrections::item(
                conn,
                Act::now(actor),
                id,
                (&label, &text),
                (&leads, &coords),
                &reason,
            )
        })
        .await;
        nothing_changed(done, &mut errors)?;
        if errors.is_empty() {
            return Ok(redirect(&format!(
                "/directives/{}?done=corrected",
                item.directive_id
            )));
        }
    }
    show(item_page(
        &call.auth,
        correcting(&call.auth, &item),
        &input,
        units(&call.state).await?,
        errors,
    ))
}

/// `GET /directives/{id}/items/new`
pub async fn new_item_form(call: Call, path: web::Path<DirectiveId>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::CorrectDirective)?;
    let id = path.into_inner();
    crate::db::run(&call.state.pool, move |conn| directive::get(conn, id)).await?;
    show(item_page(
        &call.auth,
        adding(&call.auth, id),
        &ItemForm::default(),
        units(&call.state).await?,
        Errors::default(),
    ))
}

/// `POST /directives/{id}/items`: an item added to a published notice, with its tasks.
pub async fn add_item(Posted { call, id, form }: Posted<DirectiveId>) -> WebResult<HttpResponse> {
    let actor = call.auth.post_allowed(&form, Action::CorrectDirective)?;
    let input: ItemForm = form.parse()?;
    let mut errors = Errors::default();
    let (reason, text) = input.checked(&mut errors);
    let leads = ItemForm::assignees(&input.leads);
    if leads.is_empty() {
        errors.add("leads", "error.lead_required");
    }
    let due_on = parse_date(&input.due_on);
    if !input.due_on.trim().is_empty() && due_on.is_none() {
        errors.add("due_on", "error.date");
    }
    if errors.is_empty() {
        let coords = ItemForm::assignees(&input.coords);
        let item = NewItem::once(input.label.clone(), text, (leads, coords), due_on);
        crate::db::run(&call.state.pool, move |conn| {
            corrections::add_item(conn, Act::now(actor), id, &item, &reason)
        })
        .await?;
        return Ok(redirect(&format!("/directives/{id}?done=item_added")));
    }
    show(item_page(
        &call.auth,
        adding(&call.auth, id),
        &input,
        units(&call.state).await?,
        errors,
    ))
}

#[derive(Deserialize)]
struct CoordinatorsForm {
    version: i32,
    #[serde(default)]
    coords: Vec<String>,
    #[serde(default)]
    reason: String,
}

fn unit_ids(list: &[String]) -> Vec<UnitId> {
    list.iter()
        .filter_map(|v| match Assignee::parse(v) {
            Some(Assignee::Unit(u)) => Some(u),
            _ => None,
        })
        .collect()
}

fn coordinators_page(
    auth: &Auth,
    id: TaskId,
    version: i32,
    coords: Vec<String>,
    reason: &str,
    units: Vec<Unit>,
    errors: Errors,
) -> CorrectPage {
    let ctx = Ctx::new(auth);
    let heading = format!("{} #{id}", ctx.t("correction.coordinators"));
    let mut p = page(
        auth,
        "coordinators",
        format!("/tasks/{id}/coordinators"),
        format!("/tasks/{id}"),
        heading,
    );
    p.typed = vec![("reason".into(), reason.to_string())];
    p.coords = coords;
    p.version = version;
    p.units = units;
    p.errors = errors;
    p
}

/// `GET /tasks/{id}/coordinators`
pub async fn coordinators_form(call: Call, path: web::Path<TaskId>) -> WebResult<HttpResponse> {
    let actor = call.auth.actor()?;
    let id = path.into_inner();
    let scoped = crate::db::run(&call.state.pool, move |conn| {
        crate::app::tasks::authorize(conn, &actor, id, Action::EditTask)
    })
    .await?;
    let coords = scoped
        .coordinators
        .iter()
        .map(|u| format!("u:{u}"))
        .collect();
    let units = units(&call.state)
        .await?
        .into_iter()
        .filter(|u| u.id != scoped.task.lead_unit_id)
        .collect();
    show(coordinators_page(
        &call.auth,
        id,
        scoped.task.version,
        coords,
        "",
        units,
        Errors::default(),
    ))
}

/// `POST /tasks/{id}/coordinators`: the task's coordinating units replaced, at the version
/// the secretariat saw.
pub async fn correct_coordinators(
    Posted { call, id, form }: Posted<TaskId>,
) -> WebResult<HttpResponse> {
    let (actor, scoped, input): (_, _, CoordinatorsForm) =
        begin(&call, id, &form, Action::EditTask).await?;
    let mut errors = Errors::default();
    let reason = reason_field(&input.reason, &mut errors);
    if errors.is_empty() {
        let chosen = unit_ids(&input.coords);
        let version = input.version;
        let outcome = crate::db::run(&call.state.pool, move |conn| {
            corrections::coordinators(conn, task::Edit::now(&actor, id, version), &chosen, &reason)
        })
        .await?;
        match outcome {
            Outcome::Done(()) => return Ok(redirect(&format!("/tasks/{id}?done=coordinators"))),
            Outcome::Stale(_) => errors.add("text", "error.correction_stale"),
            Outcome::NotNow(_) => errors.add("text", "error.transfer_closed"),
        }
    }
    let units = units(&call.state)
        .await?
        .into_iter()
        .filter(|u| u.id != scoped.task.lead_unit_id)
        .collect();
    let current = crate::db::run(&call.state.pool, move |conn| task::get(conn, id)).await?;
    show(coordinators_page(
        &call.auth,
        id,
        current.version,
        input.coords,
        &input.reason,
        units,
        errors,
    ))
    .map_err(|e: WebError| e)
}
