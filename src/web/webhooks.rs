//! The administrator's webhooks: endpoints of other systems told of events (what happened to
//! tasks, reports), each with its secret, its events and its delivery log with "send again".

use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::domain::dates::Moment;
use crate::domain::permissions::Action;
use crate::domain::webhook::Event;
use crate::models::token::random_token;
use crate::models::webhook::{self, LogRow, Webhook};
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render, render_status, Ctx, Errors};

/// The longest address accepted.
const MAX_URL_CHARS: usize = 2000;
/// Deliveries shown on an endpoint's page.
const LOG_ROWS: i64 = 100;

#[derive(Template)]
#[template(path = "admin/webhooks.html")]
struct ListPage {
    ctx: Ctx,
    hooks: Vec<Webhook>,
    /// Each event, and whether it is ticked.
    events: Vec<(&'static str, bool)>,
    url: String,
    errors: Errors,
}

#[derive(Template)]
#[template(path = "admin/webhook.html")]
struct HookPage {
    ctx: Ctx,
    hook: Webhook,
    log: Vec<LogRow>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewHookForm {
    url: String,
    /// One per ticked event.
    events: Vec<String>,
}

fn all_events() -> Vec<&'static str> {
    Event::ALL.iter().map(|e| e.as_str()).collect()
}

async fn list_page(call: &Call, typed: NewHookForm, errors: Errors) -> WebResult<HttpResponse> {
    let hooks = crate::db::run(&call.state.pool, webhook::all).await?;
    let status = errors.status();
    render_status(
        &ListPage {
            ctx: Ctx::new(&call.auth),
            hooks,
            events: all_events()
                .into_iter()
                .map(|e| (e, typed.events.iter().any(|c| c == e)))
                .collect(),
            url: typed.url,
            errors,
        },
        status,
    )
}

/// `GET /admin/webhooks`
pub async fn list(call: Call) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageWebhooks)?;
    let typed = NewHookForm {
        events: all_events().into_iter().map(String::from).collect(),
        ..NewHookForm::default()
    };
    list_page(&call, typed, Errors::default()).await
}

/// An address other systems can be reached at: http or https, no spaces, not too long.
fn valid_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `POST /admin/webhooks`: a new endpoint, with a secret made here.
pub async fn create(call: Call, form: Form) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageWebhooks)?;
    let typed: NewHookForm = form.parse()?;
    let url = typed.url.trim().to_string();
    let events: Vec<Event> = typed
        .events
        .iter()
        .filter_map(|e| Event::parse(e))
        .collect();
    let mut errors = Errors::default();
    if !valid_url(&url) {
        errors.add("url", "error.webhook_url");
    }
    if events.is_empty() {
        errors.add("events", "error.webhook_events");
    }
    if !errors.is_empty() {
        return list_page(&call, typed, errors).await;
    }
    let id = crate::db::run(&call.state.pool, move |conn| {
        webhook::create(conn, &url, &random_token(), &events, Moment::now().now)
    })
    .await?;
    Ok(redirect(&format!("/admin/webhooks/{id}")))
}

/// `GET /admin/webhooks/{id}`: the endpoint, its secret, and its latest deliveries.
pub async fn show(call: Call, path: web::Path<i64>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageWebhooks)?;
    let id = path.into_inner();
    let (hook, log) = crate::db::run(&call.state.pool, move |conn| {
        Ok((webhook::get(conn, id)?, webhook::log(conn, id, LOG_ROWS)?))
    })
    .await?;
    render(&HookPage {
        ctx: Ctx::new(&call.auth),
        hook,
        log,
    })
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

/// `POST /admin/webhooks/{id}/active`: on (`active=yes`) or off.
pub async fn set_active(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageWebhooks)?;
    let on = form.parse::<ActiveForm>()?.active == "yes";
    crate::db::run(&call.state.pool, move |conn| {
        webhook::set_active(conn, id, on)
    })
    .await?;
    Ok(redirect(&format!("/admin/webhooks/{id}")))
}

/// `POST /admin/webhooks/{id}/delete`: the endpoint and its log go.
pub async fn delete(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageWebhooks)?;
    crate::db::run(&call.state.pool, move |conn| webhook::delete(conn, id)).await?;
    Ok(redirect("/admin/webhooks"))
}

/// `POST /admin/webhook-deliveries/{id}/send-again`: the delivery goes once more, now.
pub async fn send_again(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    call.auth.post_allowed(&form, Action::ManageWebhooks)?;
    let hook = crate::db::run(&call.state.pool, move |conn| {
        webhook::send_again(conn, id, Moment::now().now)
    })
    .await?;
    Ok(redirect(&format!("/admin/webhooks/{hook}")))
}
