//! The administrator's view of the outbox: what is waiting, what went, what failed and why,
//! with a button to send a failed message again.

use actix_web::HttpResponse;
use askama::Template;
use serde::Deserialize;

use crate::domain::dates::Moment;
use crate::domain::permissions::Action;
use crate::mail::outbox::{self, Row, Status};
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::pages::{redirect, render, Ctx};
use crate::web::query::{Paged, Query};

/// `/admin/outbox?status=…&page=…`: one status or all, a page of 50.
#[derive(Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(flatten)]
    paged: Paged,
}

#[derive(Template)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    ctx: Ctx,
    /// The status shown, or empty for all.
    status: &'static str,
    counts: Vec<(Status, i64)>,
    rows: Vec<Row>,
    page: i64,
    more: bool,
}

pub async fn list(call: Call, query: Query<ListQuery>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageMail)?;
    let status = Status::parse(&query.0.status);
    let page = query.0.paged.page();
    let (mut rows, counts) = crate::db::run(&call.state.pool, move |conn| {
        Ok((outbox::list(conn, status, page - 1)?, outbox::counts(conn)?))
    })
    .await?;
    let more = rows.len() as i64 > outbox::PAGE;
    rows.truncate(outbox::PAGE as usize);
    let counts = Status::ALL
        .into_iter()
        .map(|s| {
            let n = counts.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
            (s, n)
        })
        .collect();
    render(&OutboxPage {
        ctx: Ctx::new(&call.auth),
        status: status.map(Status::as_str).unwrap_or_default(),
        counts,
        rows,
        page,
        more,
    })
}

pub async fn retry(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    call.auth.allowed(Action::ManageMail)?;
    call.auth.post(&form)?;
    let done = crate::db::run(&call.state.pool, move |conn| {
        outbox::retry(conn, id, Moment::now().now)
    })
    .await?;
    // Back to the list the button was on.
    let back = Status::parse(form.get("status")).map_or("", Status::as_str);
    let key = if done { "retried" } else { "not_retried" };
    Ok(redirect(&format!("/admin/outbox?status={back}&done={key}")))
}
