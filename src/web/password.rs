//! "Forgot your password?": a form for the address, a one-time link by mail, a form for the new
//! password. The answer never says whether an address has an account, and requests are limited
//! per address and per client like logins.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use crate::domain::dates::Moment;
use crate::models::{password_reset, session, user};
use crate::web::auth::{self, Auth};
use crate::web::call::{Call, Posted};
use crate::web::error::WebResult;
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};
use crate::web::session_pages::{check_pre, pre_token, with_pre_cookie, NewPassword};

/// Links asked for one account within the login window, before the form says "wait".
const PER_ACCOUNT: i64 = 3;

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage {
    ctx: Ctx,
    pre: String,
    email: String,
    sent: bool,
}

pub async fn forgot_form(req: HttpRequest, auth: Auth) -> WebResult<HttpResponse> {
    let pre = pre_token(&req);
    let page = ForgotPage {
        ctx: Ctx::new(&auth),
        pre: pre.clone(),
        email: String::new(),
        sent: false,
    };
    with_pre_cookie(
        &req,
        render_status(&page, actix_web::http::StatusCode::OK)?,
        pre,
    )
}

pub async fn forgot(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    check_pre(&req, &form)?;
    let EmailField { email } = form.parse()?;
    let email = email.trim().to_lowercase();
    let s = &call.state.settings;
    let account_key = format!("reset:{email}");
    let address_key = format!(
        "reset-address:{}",
        auth::client_address(&req, s.behind_proxy, s.proxy_hops)
    );
    let limits = [
        (account_key.clone(), PER_ACCOUNT),
        (address_key.clone(), s.login_max_per_address),
    ];
    let window = Duration::minutes(s.login_window_minutes);
    let to = email.clone();
    crate::db::run(&call.state.pool, move |conn| {
        // Every request counts, found or not, so the limit does not tell either.
        session::claim_attempt(conn, &limits, window, Moment::now().now)?;
        if user::looks_like_email(&to) {
            crate::app::passwords::send_reset_link(conn, &to, Moment::now())?;
        }
        Ok(())
    })
    .await?;
    let pre = pre_token(&req);
    let page = ForgotPage {
        ctx: Ctx::new(&call.auth),
        pre: pre.clone(),
        email,
        sent: true,
    };
    with_pre_cookie(
        &req,
        render_status(&page, actix_web::http::StatusCode::OK)?,
        pre,
    )
}

#[derive(Deserialize)]
struct EmailField {
    #[serde(default)]
    email: String,
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage {
    ctx: Ctx,
    pre: String,
    token: String,
    valid: bool,
    errors: Errors,
}

async fn reset_page(
    req: &HttpRequest,
    call: &Call,
    token: String,
    errors: Errors,
) -> WebResult<HttpResponse> {
    let t = token.clone();
    let valid = crate::db::run(&call.state.pool, move |conn| {
        password_reset::valid(conn, &t, Moment::now().now)
    })
    .await?
    .is_some();
    let status = if valid {
        errors.status()
    } else {
        actix_web::http::StatusCode::NOT_FOUND
    };
    let pre = pre_token(req);
    let page = ResetPage {
        ctx: Ctx::new(&call.auth),
        pre: pre.clone(),
        token,
        valid,
        errors,
    };
    with_pre_cookie(req, render_status(&page, status)?, pre)
}

pub async fn reset_form(
    req: HttpRequest,
    call: Call,
    path: web::Path<String>,
) -> WebResult<HttpResponse> {
    reset_page(&req, &call, path.into_inner(), Errors::default()).await
}

pub async fn reset(
    req: HttpRequest,
    Posted { call, id, form }: Posted<String>,
) -> WebResult<HttpResponse> {
    check_pre(&req, &form)?;
    let token = id;
    let new: NewPassword = form.parse()?;
    let mut errors = Errors::default();
    new.check(&mut errors);
    let new = new.new_password;
    if !errors.is_empty() {
        return reset_page(&req, &call, token, errors).await;
    }
    let t = token.clone();
    let done = crate::db::run(&call.state.pool, move |conn| {
        password_reset::complete(conn, &t, &new, Moment::now().now)
    })
    .await?;
    if !done {
        return reset_page(&req, &call, token, Errors::default()).await;
    }
    Ok(redirect("/login?done=password_reset"))
}
