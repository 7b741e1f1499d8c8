//! Logging in and out, and the person's own settings.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

use crate::domain::ids::UserId;
use crate::domain::mail::{Kind as MailKind, Prefs};
use crate::domain::permissions::Role;
use crate::models::{session, two_factor, user};
use crate::web::auth::{self, Auth};
use crate::web::call::{Call, Posted};
use crate::web::error::{WebError, WebResult};
use crate::web::form::Form;
use crate::web::pages::{redirect, render_status, Ctx, Errors};
use crate::web::query::Query;
use crate::web::AppState;

pub async fn home(auth: Auth) -> WebResult<HttpResponse> {
    Ok(redirect(if auth.user.is_some() {
        "/desk"
    } else {
        "/login"
    }))
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    error: &'static str,
    pre: String,
    /// Single sign-on is set up: its button shows.
    sso: bool,
    /// Only administrators use the password form.
    password_admins_only: bool,
}

/// Only local paths are followed after login, never another site.
/// Where to go after logging in: `next` if it is one of our paths, else the task list.
pub(crate) fn safe_next(next: &str) -> String {
    crate::web::pages::local_path(next)
        .unwrap_or("/desk")
        .to_string()
}

fn login_page(
    req: &HttpRequest,
    auth: &Auth,
    email: &str,
    next: &str,
    error: &'static str,
    status: actix_web::http::StatusCode,
) -> WebResult<HttpResponse> {
    let pre = pre_token(req);
    let settings = req.app_data::<web::Data<AppState>>().map(|s| &s.settings);
    let page = LoginPage {
        ctx: Ctx::new(auth),
        email: email.to_string(),
        next: safe_next(next),
        error,
        pre: pre.clone(),
        sso: settings.is_some_and(|s| s.oidc.is_some()),
        password_admins_only: settings.is_some_and(|s| s.password_admins_only),
    };
    with_pre_cookie(req, render_status(&page, status)?, pre)
}

/// The login page again after a single sign-on that signed nobody in, saying why.
pub(crate) fn login_refused(
    req: &HttpRequest,
    auth: &Auth,
    key: &'static str,
) -> WebResult<HttpResponse> {
    login_page(
        req,
        auth,
        "",
        "",
        key,
        actix_web::http::StatusCode::FORBIDDEN,
    )
}

/// Before there is a session, a form's CSRF token is checked against a cookie of its own: the
/// token for a form without a session (login, password reset).
pub(crate) fn pre_token(req: &HttpRequest) -> String {
    req.cookie(auth::PRE_SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
        .unwrap_or_else(crate::models::token::random_token)
}

pub(crate) fn with_pre_cookie(
    req: &HttpRequest,
    mut resp: HttpResponse,
    pre: String,
) -> WebResult<HttpResponse> {
    let secure = auth::is_https(req, behind_proxy(req));
    resp.add_cookie(&auth::cookie(auth::PRE_SESSION_COOKIE, pre, secure))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

/// A session-less form's token matches its cookie.
pub(crate) fn check_pre(req: &HttpRequest, form: &Form) -> WebResult<()> {
    let pre = req
        .cookie(auth::PRE_SESSION_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    if pre.is_empty() || !auth::constant_time_eq(form.get("csrf").as_bytes(), pre.as_bytes()) {
        return Err(WebError::Forbidden);
    }
    Ok(())
}

fn behind_proxy(req: &HttpRequest) -> bool {
    req.app_data::<web::Data<AppState>>()
        .map(|s| s.settings.behind_proxy)
        .unwrap_or(false)
}

/// `/login?next=…`: where to go once signed in (checked to be one of our own paths).
#[derive(Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    pub next: String,
}

pub async fn login_form(
    req: HttpRequest,
    Query(NextQuery { next }): Query<NextQuery>,
    auth: Auth,
) -> WebResult<HttpResponse> {
    if auth.user.is_some() {
        return Ok(redirect(&safe_next(&next)));
    }
    login_page(&req, &auth, "", &next, "", actix_web::http::StatusCode::OK)
}

/// The login form: an address, a password, and where to go after.
#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginFields {
    email: String,
    password: String,
    next: String,
}

pub async fn login(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    check_pre(&req, &form)?;
    let LoginFields {
        email: typed,
        password,
        next,
    } = form.parse()?;
    let email = typed.trim().to_lowercase();
    let s = &call.state.settings;
    let window = Duration::minutes(s.login_window_minutes);
    let keys = Attempts::of(&req, s, &email);
    let max_per_account = s.login_max_per_account;
    let admins_only = s.password_admins_only;
    let wanted = safe_next(&next);
    let (result, slow) = crate::db::run(&call.state.pool, move |conn| {
        let now = crate::domain::dates::Moment::now().now;
        let at = session::claim_attempt(conn, &keys.limits, window, now)?;
        let slow =
            session::recent_failures(conn, &keys.account_key, window, now)? >= max_per_account;
        let user = match user::by_email(conn, &email)? {
            Some((u, hash)) => (user::verify_password(&hash, &password) && u.active).then_some(u),
            None => {
                // As long as a real check, so that timing does not tell who has an account.
                user::verify_password(user::dummy_hash(), &password);
                None
            }
        };
        // With single sign-on for all but administrators, a password opens nothing else.
        let user = user.filter(|u| !admins_only || u.role() == Role::Admin);
        let Some(u) = user else {
            session::record_login_failure(conn, &[&keys.account_key], now)?;
            return Ok((None, slow));
        };
        // With a second factor the attempt still counts until the code is right: a password
        // alone does not buy fresh tries at the code.
        if two_factor::is_on(conn, u.id)? {
            let token = two_factor::challenge(conn, u.id, &wanted, now)?;
            return Ok((Some(Passed::SecondFactor(token)), slow));
        }
        let token = keys.passed(conn, at, u.id, now)?;
        Ok((Some(Passed::Session(token, u.lang)), slow))
    })
    .await?;
    if slow && result.is_none() {
        actix_web::rt::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    match result {
        Some(Passed::Session(token, lang)) => signed_in(&req, token, lang, &safe_next(&next)),
        Some(Passed::SecondFactor(token)) => {
            let secure = auth::is_https(&req, s.behind_proxy);
            let mut resp = redirect("/login/two-factor");
            resp.add_cookie(&auth::cookie(auth::CHALLENGE_COOKIE, token, secure))
                .map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(resp)
        }
        None => login_page(
            &req,
            &call.auth,
            &typed,
            &next,
            "login.failed",
            actix_web::http::StatusCode::UNAUTHORIZED,
        ),
    }
}

/// What a login attempt is counted against. A client is held back by its own failures (per
/// address, and per account from that address), never by someone else's: the right password
/// from elsewhere still gets in. Failures against the account from everywhere only slow each
/// further attempt down. The second factor's attempts count the same.
pub(crate) struct Attempts {
    pub address_key: String,
    pub pair_key: String,
    pub account_key: String,
    pub limits: [(String, i64); 2],
}

impl Attempts {
    pub fn of(req: &HttpRequest, s: &crate::config::Settings, email: &str) -> Attempts {
        Attempts::at(
            &auth::client_address(req, s.behind_proxy, s.proxy_hops),
            s,
            email,
        )
    }

    /// The same, from the client's address as `auth::client_address` found it.
    pub fn at(address: &str, s: &crate::config::Settings, email: &str) -> Attempts {
        let address_key = format!("address:{address}");
        let pair_key = format!("account:{email}@{address}");
        Attempts {
            limits: [
                (address_key.clone(), s.login_max_per_address),
                (pair_key.clone(), s.login_max_per_account),
            ],
            address_key,
            pair_key,
            account_key: format!("account:{email}"),
        }
    }

    /// A login that passed (the attempt claimed at `at`): the address's attempt and the
    /// account's failures from that address are forgotten, and a session begins.
    pub fn passed(
        &self,
        conn: &mut crate::db::DbConn,
        at: NaiveDateTime,
        user: UserId,
        now: NaiveDateTime,
    ) -> crate::error::AppResult<String> {
        session::forget_attempt(conn, &self.address_key, at)?;
        session::clear_login_failures(conn, &self.pair_key)?;
        session::create(conn, user, now)
    }
}

/// A password that was right: signed in, or (with two-factor login on) waiting for the code.
enum Passed {
    Session(String, String),
    SecondFactor(String),
}

/// Signed in: the session's and the language's cookies, the login form's own cookie gone, and
/// on to `next` (one of our paths).
pub(crate) fn signed_in(
    req: &HttpRequest,
    token: String,
    lang: String,
    next: &str,
) -> WebResult<HttpResponse> {
    let secure = auth::is_https(req, behind_proxy(req));
    let mut resp = redirect(next);
    resp.add_cookie(&auth::cookie(auth::SESSION_COOKIE, token, secure))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    resp.add_cookie(&auth::cookie(auth::LANG_COOKIE, lang, secure))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    resp.add_removal_cookie(&auth::removal(auth::PRE_SESSION_COOKIE))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    resp.add_removal_cookie(&auth::removal(auth::CHALLENGE_COOKIE))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

pub async fn logout(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    if call.auth.user.is_some() {
        call.auth.post(&form)?;
        if let Some(c) = req.cookie(auth::SESSION_COOKIE) {
            let token = c.value().to_string();
            crate::db::run(&call.state.pool, move |conn| session::delete(conn, &token)).await?;
        }
    }
    let mut resp = redirect("/login");
    resp.add_removal_cookie(&auth::removal(auth::SESSION_COOKIE))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    ctx: Ctx,
    email: String,
    role: String,
    unit: String,
    errors: Errors,
    /// Whether reminders reach this person, so the choice of single mails or a digest applies.
    reminded: bool,
    digest: bool,
    mail: Vec<MailChoice>,
    /// Personal API tokens that still work.
    tokens: Vec<crate::models::api_token::TokenRow>,
    typed_token: TokenTyped,
}

/// The new-token form as typed, and the token just made (shown this once).
#[derive(Deserialize)]
struct TokenTyped {
    #[serde(default)]
    name: String,
    #[serde(default = "default_token_days")]
    days: String,
    #[serde(default)]
    access: String,
    #[serde(skip)]
    made: Option<String>,
}

fn default_token_days() -> String {
    crate::models::api_token::TOKEN_DAYS.to_string()
}

impl Default for TokenTyped {
    fn default() -> Self {
        TokenTyped {
            name: String::new(),
            days: default_token_days(),
            access: "read".into(),
            made: None,
        }
    }
}

/// A kind of mail on the settings page: on or off, or why it cannot be turned off.
struct MailChoice {
    kind: &'static str,
    on: bool,
    mandatory: Option<&'static str>,
}

fn mail_choices(role: Role, prefs: &Prefs) -> Vec<MailChoice> {
    MailKind::ALL
        .into_iter()
        .filter(|k| k.reaches(role) && *k != MailKind::Digest)
        .map(|k| MailChoice {
            kind: k.as_str(),
            on: !prefs.off.contains(&k),
            mandatory: k.mandatory_because(role),
        })
        .collect()
}

async fn me_page(call: &Call, errors: Errors, typed_token: TokenTyped) -> WebResult<HttpResponse> {
    let u = call.auth.user()?.clone();
    let (unit_id, user_id) = (u.unit_id, u.id);
    let (unit, prefs, tokens) = crate::db::run(&call.state.pool, move |conn| {
        let unit = match unit_id {
            Some(id) => crate::models::unit::get(conn, id)?.name,
            None => String::new(),
        };
        let tokens = crate::models::api_token::of_user(
            conn,
            user_id,
            crate::domain::dates::Moment::now().now,
        )?;
        Ok((unit, user::mail_prefs(conn, user_id)?, tokens))
    })
    .await?;
    let role = u.role();
    let status = errors.status();
    render_status(
        &MePage {
            ctx: Ctx::new(&call.auth),
            email: u.email,
            role: u.role.as_str().to_string(),
            unit,
            errors,
            reminded: MailKind::Reminder.reaches(role),
            digest: prefs.digest,
            mail: mail_choices(role, &prefs),
            tokens,
            typed_token,
        },
        status,
    )
}

pub async fn me(call: Call) -> WebResult<HttpResponse> {
    me_page(&call, Errors::default(), TokenTyped::default()).await
}

/// The mail a person receives: each kind ticked, and each message or one digest a day.
#[derive(Deserialize, Default)]
#[serde(default)]
struct MailFields {
    mode: String,
    /// One per ticked kind; unchecked boxes are not sent.
    on: Vec<String>,
}

/// `POST /me/mail`: every optional kind not ticked is off. Mandatory ones are dropped by
/// `off_str` whatever the form says.
pub async fn save_mail(call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let MailFields { mode, on } = form.parse()?;
    let prefs = Prefs {
        digest: mode == "digest",
        off: MailKind::ALL
            .into_iter()
            .filter(|k| !on.iter().any(|o| o == k.as_str()))
            .collect(),
    };
    crate::db::run(&call.state.pool, move |conn| {
        user::set_mail_prefs(
            conn,
            actor.user_id,
            &prefs,
            actor.role,
            crate::domain::dates::Moment::now().now,
        )
    })
    .await?;
    Ok(redirect("/me?done=saved"))
}

#[derive(Deserialize)]
struct LangFields {
    #[serde(default)]
    lang: String,
}

/// `POST /me/language`: kept on the account and in a cookie (for the pages before login).
pub async fn save_language(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let LangFields { lang } = form.parse()?;
    // The form is a choice of two: anything else was not sent by it.
    let lang = crate::i18n::Lang::parse(&lang).ok_or(WebError::BadRequest("lang".into()))?;
    crate::db::run(&call.state.pool, move |conn| {
        user::set_lang(conn, actor.user_id, lang.as_str())
    })
    .await?;
    let mut resp = redirect("/me?done=saved");
    resp.add_cookie(&auth::cookie(
        auth::LANG_COOKIE,
        lang.as_str().into(),
        auth::is_https(&req, call.state.settings.behind_proxy),
    ))
    .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

/// A new password, typed twice.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewPassword {
    pub new_password: String,
    confirm_password: String,
}

impl NewPassword {
    /// Long enough, and the same both times.
    pub fn check(&self, errors: &mut Errors) {
        if self.new_password.chars().count() < user::MIN_PASSWORD_LEN {
            errors.add("new_password", "error.password_short");
        }
        if self.new_password != self.confirm_password {
            errors.add("confirm_password", "error.password_mismatch");
        }
    }
}

#[derive(Deserialize)]
struct PasswordFields {
    #[serde(default)]
    current_password: String,
    #[serde(flatten)]
    new: NewPassword,
}

/// `POST /me/password`: a new password ends every other session (the current one is
/// replaced) and every API token.
pub async fn change_password(req: HttpRequest, call: Call, form: Form) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let PasswordFields {
        current_password: current,
        new,
    } = form.parse()?;
    let mut errors = Errors::default();
    new.check(&mut errors);
    let new = new.new_password;
    let email = call.auth.user()?.email.clone();
    // Checking the current password is limited like a login: a stolen session cannot guess it.
    let limits = [(
        format!("password:{}", actor.user_id),
        call.state.settings.login_max_per_account,
    )];
    let window = Duration::minutes(call.state.settings.login_window_minutes);
    let current_ok = crate::db::run(&call.state.pool, move |conn| {
        let at = session::claim_attempt(
            conn,
            &limits,
            window,
            crate::domain::dates::Moment::now().now,
        )?;
        let ok =
            user::by_email(conn, &email)?.is_some_and(|(_, h)| user::verify_password(&h, &current));
        if ok {
            session::forget_attempt(conn, &limits[0].0, at)?;
        }
        Ok(ok)
    })
    .await?;
    if !current_ok {
        errors.add("current_password", "error.password_wrong");
    }
    if !errors.is_empty() {
        return me_page(&call, errors, TokenTyped::default()).await;
    }
    let token = crate::db::run(&call.state.pool, move |conn| {
        user::set_password(
            conn,
            actor.user_id,
            &new,
            crate::domain::dates::Moment::now().now,
        )?;
        session::create(conn, actor.user_id, crate::domain::dates::Moment::now().now)
    })
    .await?;
    let mut resp = redirect("/me?done=password");
    resp.add_cookie(&auth::cookie(
        auth::SESSION_COOKIE,
        token,
        auth::is_https(&req, call.state.settings.behind_proxy),
    ))
    .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

/// `POST /me/tokens`: a person makes a personal API token: named, for some days, read-only or
/// read-write. The page shows it this once; only its hash is kept.
pub async fn create_token(call: Call, form: Form) -> WebResult<HttpResponse> {
    use crate::models::api_token::{self, NewToken, MAX_NAME_CHARS, MAX_TOKEN_DAYS};
    let actor = call.auth.post(&form)?;
    let mut typed: TokenTyped = form.parse()?;
    let mut errors = Errors::default();
    let name = typed.name.trim().to_string();
    if name.is_empty() {
        errors.add("token_name", "error.required");
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.add("token_name", "error.too_long");
    }
    let days = typed.days.trim().parse::<i64>().ok();
    let days = days.filter(|d| (1..=MAX_TOKEN_DAYS).contains(d));
    if days.is_none() {
        errors.add("token_days", "error.token_days");
    }
    let can_write = match typed.access.as_str() {
        "read" => false,
        "write" => true,
        _ => {
            errors.add("token_access", "error.invalid_choice");
            false
        }
    };
    let (Some(days), true) = (days, errors.is_empty()) else {
        return me_page(&call, errors, typed).await;
    };
    let made = crate::db::run(&call.state.pool, move |conn| {
        let new = NewToken {
            name: &name,
            days,
            can_write,
        };
        api_token::create(
            conn,
            actor.user_id,
            &new,
            crate::domain::dates::Moment::now().now,
        )
    })
    .await?;
    typed.made = Some(made);
    me_page(&call, Errors::default(), typed).await
}

/// `POST /me/tokens/{id}/revoke`: a person ends one of their own API tokens.
pub async fn revoke_token(Posted { call, id, form }: Posted<i64>) -> WebResult<HttpResponse> {
    let actor = call.auth.post(&form)?;
    let revoked = crate::db::run(&call.state.pool, move |conn| {
        crate::models::api_token::revoke(conn, actor.user_id, id)
    })
    .await?;
    if !revoked {
        return Err(WebError::NotFound);
    }
    Ok(redirect("/me?done=token_revoked"))
}
