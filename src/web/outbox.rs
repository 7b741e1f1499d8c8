//! The administrator's view of the outbox: what is waiting, what went, what failed and why,
//! with a button to send a failed message again.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::domain::permissions::Action;
use crate::mail::outbox::{self, Row};
use crate::web::admin::{query, require};
use crate::web::auth::Auth;
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render, Ctx};
use crate::web::AppState;

const STATUSES: [&str; 4] = [
    outbox::PENDING,
    outbox::SENT,
    outbox::FAILED,
    outbox::SKIPPED,
];

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    ctx: Ctx,
    status: String,
    counts: Vec<(&'static str, i64)>,
    rows: Vec<Row>,
    page: i64,
    more: bool,
}

pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    auth: Auth,
) -> WebResult<HttpResponse> {
    require(&auth, Action::ManageMail)?;
    let status = query(&req, "status");
    let status = STATUSES
        .into_iter()
        .find(|s| *s == status)
        .map(str::to_string);
    let page = query(&req, "page").parse::<i64>().unwrap_or(1).max(1);
    let filter = status.clone();
    let (mut rows, counts) = crate::db::run(&state.pool, move |conn| {
        Ok((
            outbox::list(conn, filter.as_deref(), page - 1)?,
            outbox::counts(conn)?,
        ))
    })
    .await?;
    let more = rows.len() as i64 > outbox::PAGE;
    rows.truncate(outbox::PAGE as usize);
    let counts = STATUSES
        .into_iter()
        .map(|s| {
            let n = counts.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
            (s, n)
        })
        .collect();
    render(&OutboxPage {
        ctx: Ctx::new(&auth),
        status: status.unwrap_or_default(),
        counts,
        rows,
        page,
        more,
    })
}

pub async fn retry(
    state: web::Data<AppState>,
    auth: Auth,
    path: web::Path<i64>,
    form: Form,
) -> WebResult<HttpResponse> {
    require(&auth, Action::ManageMail)?;
    auth.post(&form)?;
    let id = path.into_inner();
    let done = crate::db::run(&state.pool, move |conn| {
        outbox::retry(conn, id, crate::models::now())
    })
    .await?;
    let back = form.get("status");
    let key = if done { "retried" } else { "not_retried" };
    Ok(redirect(&format!(
        "/admin/outbox?status={}&done={key}",
        form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>()
    )))
}
