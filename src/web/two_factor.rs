//! Two-factor login: the second step of a login (a code from the authenticator app, or a
//! recovery code), and the person's own page where they set it up, make new recovery codes or
//! turn it off.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Duration;
use serde::Deserialize;

use crate::domain::dates::Moment;
use crate::domain::totp;
use crate::models::{session, two_factor, user};
use crate::web::auth::{self, Auth};
use crate::web::call::Call;
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};
use crate::web::session_pages::{check_pre, pre_token, signed_in, with_pre_cookie, Attempts};

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage {
    ctx: Ctx,
    pre: String,
    error: &'static str,
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

fn challenge_token(req: &HttpRequest) -> Option<String> {
    req.cookie(auth::CHALLENGE_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
}

fn code_page(
    req: &HttpRequest,
    auth: &Auth,
    error: &'static str,
    status: StatusCode,
) -> WebResult<HttpResponse> {
    let pre = pre_token(req);
    let page = CodePage {
        ctx: Ctx::new(auth),
        pre: pre.clone(),
        error,
    };
    with_pre_cookie(req, render_status(&page, status)?, pre)
}

/// `GET /login/two-factor`: the code, for a login whose password was right.
pub async fn code_form(req: HttpRequest, auth: Auth) -> WebResult<HttpResponse> {
    if challenge_token(&req).is_none() {
        return Ok(redirect("/login"));
    }
    code_page(&req, &auth, "", StatusCode::OK)
}

/// `POST /login/two-factor`: the code checked; a wrong one counts against the login limit as
/// a wrong password does.
pub async fn check_code(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    check_pre(&req, &form)?;
    let Some(token) = challenge_token(&req) else {
        return Ok(redirect("/login"));
    };
    let typed = form.parse::<CodeForm>()?.code;
    let s = call.state.settings.clone();
    let window = Duration::minutes(s.login_window_minutes);
    let address = auth::client_address(&req, s.behind_proxy, s.proxy_hops);
    let passed = crate::db::run(&call.state.pool, move |conn| {
        let now = Moment::now().now;
        let Some((user_id, next)) = two_factor::challenge_of(conn, &token, now)? else {
            return Ok(Err("login.code_expired"));
        };
        let u = user::get(conn, user_id)?;
        let keys = Attempts::at(&address, &s, &u.email);
        let at = session::claim_attempt(conn, &keys.limits, window, now)?;
        if !u.active || !two_factor::verify(conn, user_id, &typed, now.and_utc().timestamp(), now)?
        {
            session::record_login_failure(conn, &[&keys.account_key], now)?;
            return Ok(Err("login.code_wrong"));
        }
        two_factor::end_challenge(conn, &token)?;
        Ok(Ok((keys.passed(conn, at, user_id, now)?, u.lang, next)))
    })
    .await?;
    match passed {
        Ok((session, lang, next)) => signed_in(&req, session, lang, &next),
        Err("login.code_expired") => {
            let mut resp = redirect("/login");
            resp.add_removal_cookie(&auth::removal(auth::CHALLENGE_COOKIE))
                .map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(resp)
        }
        Err(key) => code_page(&req, &call.auth, key, StatusCode::UNAUTHORIZED),
    }
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct SetupPage {
    ctx: Ctx,
    on: bool,
    /// Whether the person may turn it off (not when a setting requires it of their role).
    may_turn_off: bool,
    recovery_left: i64,
    /// Being set up: the secret as apps take it, and its QR code (SVG).
    pending: Option<(String, String)>,
    /// Recovery codes just made, shown this once.
    codes: Vec<String>,
    errors: Errors,
}

async fn setup_page(call: &Call, codes: Vec<String>, errors: Errors) -> WebResult<HttpResponse> {
    let u = call.auth.user()?.clone();
    let st = crate::db::run(&call.state.pool, move |conn| two_factor::state(conn, u.id)).await?;
    let pending = st.pending.as_ref().map(|secret| {
        let uri = totp::otpauth_uri("Chỉ đạo", &u.email, secret);
        (
            totp::base32(secret),
            qr_svg(&uri, Ctx::new(&call.auth).t("twofa.qr")),
        )
    });
    let status = errors.status();
    render_status(
        &SetupPage {
            ctx: Ctx::new(&call.auth),
            on: st.on(),
            may_turn_off: !(call.state.settings.require_two_factor && u.role().needs_two_factor()),
            recovery_left: st.recovery_left,
            pending,
            codes,
            errors,
        },
        status,
    )
}

/// The address as a QR code an authenticator app scans: an SVG of dark modules on white, with
/// no style attribute (the page's policy drops inline styles), named for screen readers, and
/// without the XML declaration, which has no place inside HTML.
fn qr_svg(uri: &str, label: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let svg = svg.get(svg.find("<svg").unwrap_or(0)..).unwrap_or_default();
    // `label` is one of our own words, without quotes or markup.
    svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" "),
        1,
    )
}

/// `GET /me/two-factor`
pub async fn show(call: Call) -> WebResult<HttpResponse> {
    setup_page(&call, Vec::new(), Errors::default()).await
}

/// `POST /me/two-factor/start`: a secret to add to the app.
pub async fn start(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    crate::db::run(&call.state.pool, move |conn| {
        two_factor::start(conn, actor.user_id)
    })
    .await?;
    Ok(redirect("/me/two-factor"))
}

/// The code typed, checked against the secret in use; an error on the page otherwise.
async fn code_ok(call: &Call, form: &Form) -> WebResult<bool> {
    let actor = call.auth.post(form)?;
    let typed = form.parse::<CodeForm>()?.code;
    Ok(crate::db::run(&call.state.pool, move |conn| {
        let now = Moment::now().now;
        two_factor::verify(conn, actor.user_id, &typed, now.and_utc().timestamp(), now)
    })
    .await?)
}

fn wrong_code() -> Errors {
    let mut errors = Errors::default();
    errors.add("code", "login.code_wrong");
    errors
}

/// `POST /me/two-factor/confirm`: the first code from the app turns it on; the recovery codes
/// are shown once.
pub async fn confirm(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let typed = form.parse::<CodeForm>()?.code;
    let codes = crate::db::run(&call.state.pool, move |conn| {
        two_factor::confirm(conn, actor.user_id, &typed, chrono::Utc::now().timestamp())
    })
    .await?;
    match codes {
        Some(codes) => setup_page(&call, codes, Errors::default()).await,
        None => setup_page(&call, Vec::new(), wrong_code()).await,
    }
}

/// `POST /me/two-factor/recovery`: new recovery codes (the old ones stop), with a code.
pub async fn new_codes(call: Call, form: Form) -> WebResult<HttpResponse> {
    if !code_ok(&call, &form).await? {
        return setup_page(&call, Vec::new(), wrong_code()).await;
    }
    let user = call.auth.actor()?.user_id;
    let codes = crate::db::run(&call.state.pool, move |conn| {
        crate::db::write(conn, |conn| two_factor::new_recovery_codes(conn, user))
    })
    .await?;
    setup_page(&call, codes, Errors::default()).await
}

/// `POST /me/two-factor/off`: off, with a code; not where a setting requires it.
pub async fn turn_off(call: Call, form: Form) -> WebResult<HttpResponse> {
    let role = call.auth.user()?.role();
    if call.state.settings.require_two_factor && role.needs_two_factor() {
        return Err(WebError::Forbidden);
    }
    if !code_ok(&call, &form).await? {
        return setup_page(&call, Vec::new(), wrong_code()).await;
    }
    let user = call.auth.actor()?.user_id;
    crate::db::run(&call.state.pool, move |conn| {
        two_factor::turn_off(conn, user)
    })
    .await?;
    Ok(redirect("/me/two-factor"))
}
