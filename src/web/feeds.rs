//! Calendar feeds of deadlines: the page where a person (for themselves) or a unit's head (for
//! the unit) makes, resets or stops one, and the secret address a calendar program reads.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::domain::dates::{format_date, Moment};
use crate::domain::ical::{self, Event};
use crate::domain::ids::UnitId;
use crate::domain::permissions::{decide, Action, Decision, Target};
use crate::i18n::{t, Lang};
use crate::models::calendar_feed::{self, Owner, Why};
use crate::models::{task, unit, user};
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render, Ctx};
use crate::web::AppState;

#[derive(Template)]
#[template(path = "feed.html")]
struct FeedPage {
    ctx: Ctx,
    /// Whose feed: "me", or the unit's name.
    whose: String,
    /// Where its forms post: /me/calendar or /units/{id}/calendar.
    action: String,
    made_at: Option<chrono::NaiveDateTime>,
    /// The address just made, shown this once.
    address: Option<String>,
}

/// Whose feed a page is about, once the person may manage it.
async fn owner(call: &Call, unit: Option<UnitId>) -> WebResult<Owner> {
    let actor = call.auth.actor()?;
    let Some(id) = unit else {
        return Ok(Owner::Person(actor.user_id));
    };
    match decide(&actor, Action::ManageUnitFeed, Target::Unit(id)) {
        Decision::Allow => {}
        Decision::Forbidden => return Err(WebError::Forbidden),
        Decision::NotFound => return Err(WebError::NotFound),
    }
    // An unknown unit is not found, whoever asks.
    crate::db::run(&call.state.pool, move |conn| unit::get(conn, id)).await?;
    Ok(Owner::Unit(id))
}

async fn page(call: &Call, owner: Owner, address: Option<String>) -> WebResult<HttpResponse> {
    let (whose, made_at) = crate::db::run(&call.state.pool, move |conn| {
        let whose = match owner {
            Owner::Person(_) => String::new(),
            Owner::Unit(u) => unit::get(conn, u)?.name,
        };
        Ok((whose, calendar_feed::made_at(conn, owner)?))
    })
    .await?;
    let action = match owner {
        Owner::Person(_) => "/me/calendar".to_string(),
        Owner::Unit(u) => format!("/units/{u}/calendar"),
    };
    render(&FeedPage {
        ctx: Ctx::new(&call.auth),
        whose,
        action,
        made_at,
        address,
    })
}

async fn reset(
    req: HttpRequest,
    call: Call,
    form: Form,
    unit: Option<UnitId>,
) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let owner = owner(&call, unit).await?;
    let secret = crate::db::run(&call.state.pool, move |conn| {
        calendar_feed::reset(conn, owner, actor.user_id, Moment::now().now)
    })
    .await?;
    let origin = crate::web::auth::origin(&req, call.state.settings.behind_proxy);
    let address = format!("{origin}/feeds/{secret}.ics");
    page(&call, owner, Some(address)).await
}

async fn stop(call: Call, form: Form, unit: Option<UnitId>) -> WebResult<HttpResponse> {
    call.auth.post(&form)?;
    let owner = owner(&call, unit).await?;
    crate::db::run(&call.state.pool, move |conn| {
        calendar_feed::stop(conn, owner)
    })
    .await?;
    let back = match owner {
        Owner::Person(_) => "/me/calendar".to_string(),
        Owner::Unit(u) => format!("/units/{u}/calendar"),
    };
    Ok(redirect(&back))
}

/// `GET /me/calendar`: the person's own feed.
pub async fn mine(call: Call) -> WebResult<HttpResponse> {
    let owner = owner(&call, None).await?;
    page(&call, owner, None).await
}

/// `POST /me/calendar`: a new address for the person's feed (the old one stops).
pub async fn reset_mine(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    reset(req, call, form, None).await
}

/// `POST /me/calendar/stop`: the person's feed off.
pub async fn stop_mine(call: Call, form: Form) -> WebResult<HttpResponse> {
    stop(call, form, None).await
}

/// `GET /units/{id}/calendar`: a unit's feed, for its head, the secretariat, the administrator.
pub async fn units(call: Call, path: web::Path<UnitId>) -> WebResult<HttpResponse> {
    let owner = owner(&call, Some(path.into_inner())).await?;
    page(&call, owner, None).await
}

/// `POST /units/{id}/calendar`: a new address for the unit's feed.
pub async fn reset_units(
    req: HttpRequest,
    Posted { call, id, form }: Posted<UnitId>,
) -> WebResult<HttpResponse> {
    reset(req, call, form, Some(id)).await
}

/// `POST /units/{id}/calendar/stop`: the unit's feed off.
pub async fn stop_units(Posted { call, id, form }: Posted<UnitId>) -> WebResult<HttpResponse> {
    stop(call, form, Some(id)).await
}

/// `GET /feeds/{secret}.ics`: the deadlines, for a calendar program. The secret is the only
/// key; an unknown one is not found. A person's feed speaks their language.
pub async fn feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    let file = path.into_inner();
    let Some(secret) = file.strip_suffix(".ics").filter(|s| s.len() == 64) else {
        return Err(WebError::NotFound);
    };
    let secret = secret.to_string();
    let origin = crate::web::auth::origin(&req, state.settings.behind_proxy);
    let body = crate::db::run(&state.pool, move |conn| {
        let Some(owner) = calendar_feed::owner_of(conn, &secret)? else {
            return Err(crate::error::AppError::NotFound);
        };
        let (lang, name) = match owner {
            Owner::Person(u) => {
                let u = user::get(conn, u)?;
                let lang = Lang::parse(&u.lang).unwrap_or(Lang::Vi);
                (lang, format!("{} · {}", t(lang, "feed.name"), u.name))
            }
            Owner::Unit(u) => (
                Lang::Vi,
                format!(
                    "{} · {}",
                    t(Lang::Vi, "feed.name"),
                    unit::get(conn, u)?.name
                ),
            ),
        };
        let deadlines = calendar_feed::deadlines(conn, owner)?;
        let ids: Vec<_> = deadlines.iter().map(|d| d.task_id).collect();
        let today = crate::web::tasks::today();
        let rows: std::collections::HashMap<_, _> = task::rows_for(conn, &ids, today)?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let events: Vec<Event> = deadlines
            .iter()
            .filter_map(|d| {
                let r = rows.get(&d.task_id)?;
                let what = match d.why {
                    Why::Lead => "feed.lead",
                    Why::Assigned => "feed.assigned",
                    Why::Part => "feed.part",
                };
                let item = if r.item_label.is_empty() {
                    r.item_text.clone()
                } else {
                    format!("{}. {}", r.item_label, r.item_text)
                };
                let summary = format!("{}: {}", t(lang, what), short(&item, 120));
                let description = [
                    format!("{}: {}", t(lang, "directive.one"), r.directive_number),
                    format!("{}: {}", t(lang, "task.lead"), r.lead_unit),
                    format!("{}: {}", t(lang, "task.due"), format_date(d.due)),
                    item,
                ]
                .join("\n");
                let part = match d.why {
                    Why::Part => "-part",
                    _ => "",
                };
                Some(Event {
                    uid: format!("task-{}{part}@chidao", r.id),
                    day: d.due,
                    summary,
                    description,
                    url: format!("{origin}/tasks/{}", r.id),
                    modified: d.updated_at,
                })
            })
            .collect();
        Ok(ical::calendar(&name, Moment::now().now, &events))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            "inline; filename=\"chidao.ics\"",
        ))
        .body(body))
}

/// At most `n` characters, with an ellipsis when cut.
fn short(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
