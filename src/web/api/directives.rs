//! Directives and units through the API: the directory (to name units), the directives with
//! their items and tasks, and publishing one from another system, its units named by id or by
//! any name they answer to.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::answer::{self, Answer};
use super::input::{writer, Body};
use super::problem::{
    ApiError, ApiResult, DirectiveListProblems, DirectiveProblems, QueryProblems, WriteProblems,
};
use crate::domain::dates::parse_date;
use crate::domain::ids::{DirectiveId, TaskId, UnitId};
use crate::domain::permissions::{allowed, Act, Action, Target};
use crate::domain::status::{Status, Timeliness};
use crate::models::directive::{self, Assignee, NewDirective, NewItem};
use crate::models::unit;
use crate::web::auth::Auth;
use crate::web::call::{Call, LazyCall};
use crate::web::error::{WebError, WebResult};
use crate::web::pages::Errors;
use crate::web::tasks::today;

/// A unit of the directory.
#[derive(Serialize, ToSchema)]
pub(super) struct UnitJson {
    id: UnitId,
    name: String,
    short_name: String,
    /// `ministry`, `province`, `people_committee`, `external`.
    kind: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UnitQuery {
    /// Words every name of the unit must hold (diacritics ignored).
    #[serde(default)]
    q: String,
}

read_route!(
    "/api/v1/units",
    "directives",
    params(UnitQuery),
    ok(Vec<UnitJson>, "The active units"),
    QueryProblems,
    /// `GET /api/v1/units`: the active units, in the directory's order.
    pub async fn units(call: LazyCall, query: web::Query<UnitQuery>) -> ApiResult<HttpResponse> {
        let q: String = query.into_inner().q.chars().take(200).collect();
        let units = call
            .run(move |conn, auth| {
                auth.actor()?;
                Ok(unit::list(conn, &q, false)?)
            })
            .await?;
        let body: Vec<UnitJson> = units
            .into_iter()
            .map(|u| UnitJson {
                id: u.id,
                name: u.name,
                short_name: u.short_name,
                kind: u.kind.as_str().into(),
            })
            .collect();
        Ok(HttpResponse::Ok().json(body))
    }
);

#[derive(Serialize, ToSchema)]
pub(super) struct DirectiveListJson {
    total: i64,
    page: i64,
    page_size: i64,
    directives: Vec<DirectiveLine>,
}

#[derive(Serialize, ToSchema)]
struct DirectiveLine {
    id: DirectiveId,
    number: String,
    issued_on: NaiveDate,
    title: String,
    conference: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DirectivePage {
    /// From 1; anything else is the first page.
    #[serde(default)]
    #[param(value_type = Option<i64>, minimum = 1)]
    page: Option<String>,
}

/// The person, if they may read the directives (the ministry's leaders, secretariat and
/// administrators).
fn reader(auth: &Auth) -> WebResult<()> {
    if !allowed(&auth.actor()?, Action::ViewDirectives, Target::System) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

read_route!(
    "/api/v1/directives",
    "directives",
    params(DirectivePage),
    ok(DirectiveListJson, "A page of directives"),
    DirectiveListProblems,
    /// `GET /api/v1/directives`: newest first, 50 a page.
    pub async fn list(call: LazyCall, query: web::Query<DirectivePage>) -> ApiResult<HttpResponse> {
        // A page far past the end is simply empty; the offset stays well inside i64.
        let page = query
            .into_inner()
            .page
            .and_then(|p| p.trim().parse::<i64>().ok())
            .unwrap_or(1)
            .clamp(1, 1_000_000);
        let (rows, total) = call
            .run(move |conn, auth| {
                reader(&auth)?;
                Ok(directive::page_of(conn, None, page)?)
            })
            .await?;
        Ok(HttpResponse::Ok().json(DirectiveListJson {
            total,
            page,
            page_size: directive::PAGE,
            directives: rows
                .into_iter()
                .map(|d| DirectiveLine {
                    id: d.id,
                    number: d.number,
                    issued_on: d.issued_on,
                    title: d.title,
                    conference: d.conference,
                })
                .collect(),
        }))
    }
);

#[derive(Serialize, ToSchema)]
pub(super) struct DirectiveWithItems {
    id: DirectiveId,
    number: String,
    issued_on: NaiveDate,
    title: String,
    signer: String,
    conference_id: Option<i64>,
    items: Vec<ItemJson>,
}

#[derive(Serialize, ToSchema)]
struct ItemJson {
    label: String,
    text: String,
    tasks: Vec<ItemTaskJson>,
}

#[derive(Serialize, ToSchema)]
struct ItemTaskJson {
    id: TaskId,
    lead_unit: String,
    status: Status,
    timeliness: Option<Timeliness>,
    due_on: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    /// A recurring item's period's first day.
    period_start: Option<NaiveDate>,
}

fn directive_json(
    conn: &mut crate::db::DbConn,
    id: DirectiveId,
) -> crate::error::AppResult<DirectiveWithItems> {
    let d = directive::get(conn, id)?;
    let today = today();
    let mut tasks = directive::tasks_by_item(conn, id)?;
    let items = directive::items(conn, id)?
        .into_iter()
        .map(|i| {
            let (mine, rest): (Vec<_>, Vec<_>) = tasks.drain(..).partition(|t| t.item_id == i.id);
            tasks = rest;
            ItemJson {
                label: i.label,
                text: i.text,
                tasks: mine
                    .into_iter()
                    .map(|t| ItemTaskJson {
                        id: t.task_id,
                        timeliness: crate::domain::status::timeliness(
                            t.status,
                            t.due_on,
                            t.completed_on,
                            today,
                        ),
                        lead_unit: t.unit,
                        status: t.status,
                        due_on: t.due_on,
                        completed_on: t.completed_on,
                        period_start: t.period_start,
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(DirectiveWithItems {
        id: d.id,
        number: d.number,
        issued_on: d.issued_on,
        title: d.title,
        signer: d.signer,
        conference_id: d.conference_id,
        items,
    })
}

read_route!(
    "/api/v1/directives/{id}",
    "directives",
    params((
        "id" = i64,
        Path,
        description = "The directive's number (its id)"
    )),
    ok(DirectiveWithItems, "The directive with its items and tasks"),
    DirectiveProblems,
    /// `GET /api/v1/directives/{id}`: the directive, its items and each item's tasks.
    pub async fn show(call: LazyCall, path: web::Path<DirectiveId>) -> ApiResult<HttpResponse> {
        let id = path.into_inner();
        let body = call
            .run(move |conn, auth| {
                reader(&auth)?;
                Ok(directive_json(conn, id)?)
            })
            .await?;
        Ok(HttpResponse::Ok().json(body))
    }
);

/// A unit as a program names it: its id, or any name it answers to.
#[derive(Deserialize, ToSchema, Clone)]
#[serde(untagged)]
pub(super) enum UnitName {
    Id(i64),
    Name(String),
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewItemInput {
    /// As the notice numbers it ("1", "2.a").
    #[serde(default)]
    label: String,
    text: String,
    /// The units that lead it: one task each.
    lead: Vec<UnitName>,
    #[serde(default)]
    coordinating: Vec<UnitName>,
    /// yyyy-mm-dd or dd/mm/yyyy; none for an item without a deadline.
    #[serde(default)]
    due_on: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewDirectiveInput {
    /// The notice's number ("215/TB-BKHCN").
    number: String,
    /// yyyy-mm-dd or dd/mm/yyyy.
    issued_on: String,
    title: String,
    #[serde(default)]
    signer: String,
    /// The notice's full text.
    #[serde(default)]
    body: String,
    #[serde(default)]
    conference_id: Option<i64>,
    items: Vec<NewItemInput>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Published {
    directive: DirectiveWithItems,
    /// False when this request had been made before (the same Idempotency-Key): nothing new.
    created: bool,
}

/// Each named unit's id, if it names an active unit (a merged unit answers for the one it was
/// merged into), beside the field it was named in.
fn resolve(
    conn: &mut crate::db::DbConn,
    named: &[(String, UnitName)],
) -> crate::error::AppResult<Vec<(String, Option<UnitId>)>> {
    let texts: Vec<&str> = named
        .iter()
        .filter_map(|(_, u)| match u {
            UnitName::Name(n) => Some(n.as_str()),
            UnitName::Id(_) => None,
        })
        .collect();
    let mut by_name = unit::find_by_names(conn, &texts)?.into_iter();
    let mut out = Vec::new();
    for (field, u) in named {
        let found = match u {
            UnitName::Name(_) => by_name.next().flatten(),
            UnitName::Id(id) => match unit::get(conn, UnitId(*id)) {
                Ok(u) => Some(u),
                Err(crate::error::AppError::NotFound) => None,
                Err(e) => return Err(e),
            },
        };
        out.push((field.clone(), found.filter(|u| u.active).map(|u| u.id)));
    }
    Ok(out)
}

/// The longest text a field may have, in characters.
const MAX_CHARS: usize = 10_000;

/// `POST /api/v1/directives`: the secretariat publishes a notice with its items; each lead
/// unit gets a task and everyone concerned is told, as from the review page.
#[utoipa::path(
    post,
    path = "/api/v1/directives",
    tag = "directives",
    params(super::task_writes::WriteHeaders),
    request_body(content = NewDirectiveInput, content_type = "application/json"),
    responses(
        (status = 201, description = "Published: the directive with its tasks", body = Published),
        WriteProblems,
    ),
    security(("bearer" = []))
)]
pub async fn publish(req: HttpRequest, call: Call, body: Body) -> ApiResult<HttpResponse> {
    let actor = writer(&call.auth, &req)?;
    crate::app::allow(&actor, Action::CreateDirective, Target::System)?;
    let input: NewDirectiveInput = body.parse(&call.auth)?;
    let mut errors: Vec<(String, &'static str)> = Vec::new();
    let text = |s: &str| s.trim().chars().count();
    for (field, value) in [("number", &input.number), ("title", &input.title)] {
        if value.trim().is_empty() {
            errors.push((field.into(), "error.required"));
        }
    }
    for (field, value) in [
        ("number", &input.number),
        ("title", &input.title),
        ("signer", &input.signer),
        ("body", &input.body),
    ] {
        if text(value) > MAX_CHARS * 10 {
            errors.push((field.into(), "error.too_long"));
        }
    }
    let issued_on = parse_date(&input.issued_on);
    if issued_on.is_none() {
        errors.push(("issued_on".into(), "error.date"));
    }
    if input.items.is_empty() {
        errors.push(("items".into(), "error.no_items"));
    }
    // Every unit named, by id or name, looked up at once; and the conference, if one is named.
    let named: Vec<(String, UnitName)> = input
        .items
        .iter()
        .enumerate()
        .flat_map(|(i, item)| {
            let lead = item
                .lead
                .iter()
                .map(move |u| (format!("items[{i}].lead"), u));
            let coord = item
                .coordinating
                .iter()
                .map(move |u| (format!("items[{i}].coordinating"), u));
            lead.chain(coord).map(|(f, u)| (f, u.clone()))
        })
        .collect();
    let conference = input.conference_id;
    let (found, conference_known) = crate::db::run(&call.state.pool, move |conn| {
        Ok((
            resolve(conn, &named)?,
            match conference {
                Some(c) => directive::conference(conn, c)?.is_some(),
                None => true,
            },
        ))
    })
    .await?;
    if !conference_known {
        errors.push(("conference_id".into(), "error.invalid_choice"));
    }
    let mut found = found.into_iter();
    let mut items = Vec::new();
    for (i, item) in input.items.iter().enumerate() {
        if item.text.trim().is_empty() {
            errors.push((format!("items[{i}].text"), "error.required"));
        }
        if text(&item.text) > MAX_CHARS || text(&item.label) > 100 {
            errors.push((format!("items[{i}].text"), "error.too_long"));
        }
        if item.lead.is_empty() {
            errors.push((format!("items[{i}].lead"), "error.lead_required"));
        }
        let due_on = match item.due_on.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => {
                let parsed = parse_date(d);
                if parsed.is_none() {
                    errors.push((format!("items[{i}].due_on"), "error.date"));
                }
                parsed
            }
        };
        let mut assignees = |n: usize, errors: &mut Vec<(String, &'static str)>| {
            let mut out = Vec::new();
            for (field, id) in found.by_ref().take(n) {
                match id {
                    Some(id) => out.push(Assignee::Unit(id)),
                    None => errors.push((field, "error.unit_unknown")),
                }
            }
            out
        };
        let leads = assignees(item.lead.len(), &mut errors);
        let coordinators = assignees(item.coordinating.len(), &mut errors);
        let (label, text) = (item.label.trim(), item.text.trim());
        items.push(NewItem::once(label, text, (leads, coordinators), due_on));
    }
    let Some(issued_on) = issued_on.filter(|_| errors.is_empty()) else {
        return Err(ApiError::invalid(Errors(errors), &call.auth));
    };
    // The same key sent again finds the directive it made (besides the kept answer).
    let form_token = match req.headers().get(answer::IDEMPOTENCY_KEY) {
        Some(k) => format!("api:{}:{}", actor.user_id, k.to_str().unwrap_or("")),
        None => crate::models::token::random_token(),
    };
    let d = NewDirective {
        conference_id: input.conference_id,
        number: input.number.trim().to_string(),
        issued_on,
        signer: input.signer.trim().to_string(),
        title: input.title.trim().to_string(),
        body: input.body,
        form_token,
        items,
    };
    answer::write(&call.state, &req, actor.user_id, move |conn| {
        let (id, created) = crate::app::directives::publish(conn, Act::now(actor), &d)?;
        let body = Published {
            directive: directive_json(conn, id)?,
            created,
        };
        Ok(Answer::created(
            serde_json::to_value(&body).unwrap_or_default(),
        ))
    })
    .await
}
