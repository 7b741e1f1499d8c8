//! Who is asking: the session cookie or a bearer token, the language, and the CSRF check.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpMessage, HttpRequest};
use chrono::Duration;
use std::future::Future;
use std::pin::Pin;

use crate::domain::permissions::{allowed, Action, Actor, Target};
use crate::i18n::Lang;
use crate::models::{api_token, session, user::User};
use crate::web::error::{WebError, WebResult};
use crate::web::AppState;

pub const SESSION_COOKIE: &str = "chidao_session";
pub const PRE_SESSION_COOKIE: &str = "chidao_pre";
pub const LANG_COOKIE: &str = "chidao_lang";
/// A login whose password was right, waiting for its second factor.
pub const CHALLENGE_COOKIE: &str = "chidao_2fa";

/// The request's person (if any), their CSRF token and the language to answer in.
#[derive(Clone)]
pub struct Auth {
    pub user: Option<User>,
    pub csrf: String,
    pub lang: Lang,
    pub path: String,
    /// True when the person came with a bearer token: no cookie, so no CSRF to check.
    pub by_token: bool,
    /// False for a read-only token: the API refuses its writes.
    pub can_write: bool,
    /// The largest file accepted, for the messages that name it.
    pub max_upload_bytes: usize,
    /// What the menu counts (pages only; zero elsewhere).
    pub waiting: crate::web::menu::Waiting,
    /// Two-factor login is required of this person and not yet set up: every page but its
    /// setup sends them there.
    pub must_set_up_two_factor: bool,
}

/// Where a person who must set up two-factor login may still go.
fn open_before_two_factor(path: &str) -> bool {
    ["/me/two-factor", "/logout", "/static/", "/healthz"]
        .iter()
        .any(|p| path.starts_with(p))
}

impl Auth {
    /// The signed-in person, or a redirect to the login page that comes back here.
    pub fn user(&self) -> WebResult<&User> {
        let user = self
            .user
            .as_ref()
            .ok_or_else(|| WebError::LoginRequired(self.path.clone()))?;
        if self.must_set_up_two_factor && !open_before_two_factor(&self.path) {
            return Err(WebError::TwoFactorSetup);
        }
        Ok(user)
    }

    pub fn actor(&self) -> WebResult<Actor> {
        Ok(self.user()?.actor())
    }

    /// Signed in and allowed `action` on the service as a whole (not one task or unit: those
    /// ask `tasks::authorize` or `allowed` with their target).
    pub fn allowed(&self, action: Action) -> WebResult<Actor> {
        let actor = self.actor()?;
        if allowed(&actor, action, Target::System) {
            Ok(actor)
        } else {
            Err(WebError::Forbidden)
        }
    }
}

pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let v = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// `?lang=` wins, then the browser's cookie, then the person's setting, then Vietnamese.
fn query_lang(req: &HttpRequest) -> Option<Lang> {
    form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

/// What a request says about who is asking, read without touching the database; `resolve`
/// then looks the person up. Hot pages resolve inside their own database call, so that a
/// request makes one trip to the blocking pool instead of two.
#[derive(Clone)]
pub struct Credentials {
    cookie: Option<String>,
    token: Option<String>,
    asked_lang: Option<Lang>,
    cookie_lang: Option<Lang>,
    path: String,
    idle: Duration,
    absolute: Duration,
    max_upload_bytes: usize,
    /// Two-factor login required of administrators, leaders and the secretariat.
    require_two_factor: bool,
    /// What this request does to the menu's counts, and where they are kept.
    menu: Option<(web::Data<AppState>, MenuUse)>,
}

/// A page shows the menu's counts; a change (any other method than GET, by a person signed in
/// with a cookie or a token) makes them count again; a download or an API read does neither.
#[derive(Clone, Copy, PartialEq, Eq)]
enum MenuUse {
    Show,
    Changed,
    Nothing,
}

impl Credentials {
    pub fn of(req: &HttpRequest) -> Credentials {
        let (idle, absolute, max_upload_bytes, require_two_factor) = req
            .app_data::<web::Data<AppState>>()
            .map(|s| {
                (
                    Duration::minutes(s.settings.session_idle_minutes),
                    Duration::hours(s.settings.session_max_hours),
                    s.settings.max_upload_bytes,
                    s.settings.require_two_factor,
                )
            })
            .unwrap_or((Duration::zero(), Duration::zero(), 0, false));
        let path = req.path();
        let not_a_page = [
            "/api/",
            "/feeds/",
            "/attachments/",
            "/reports/",
            "/static/",
            "/healthz",
        ]
        .iter()
        .any(|p| path.starts_with(p));
        let menu_use = match (req.method() == actix_web::http::Method::GET, not_a_page) {
            (false, _) => MenuUse::Changed,
            (true, false) => MenuUse::Show,
            (true, true) => MenuUse::Nothing,
        };
        let menu = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .map(|s| (s, menu_use));
        Credentials {
            menu,
            cookie: req.cookie(SESSION_COOKIE).map(|c| c.value().to_string()),
            // A personal token opens the API only: never a page or a form, where it would act
            // without a CSRF token.
            token: bearer(req).filter(|_| req.path().starts_with("/api/")),
            asked_lang: query_lang(req),
            cookie_lang: req.cookie(LANG_COOKIE).and_then(|c| Lang::parse(c.value())),
            path: match req.query_string() {
                "" => req.path().to_string(),
                q => format!("{}?{}", req.path(), q),
            },
            idle,
            absolute,
            max_upload_bytes,
            require_two_factor,
        }
    }

    /// Finds the session or token's person (blocking: call inside `db::run`).
    pub fn resolve(self, conn: &mut crate::db::DbConn) -> WebResult<Auth> {
        let by_token = self.token.is_some();
        let mut can_write = true;
        let found = match (&self.token, &self.cookie) {
            (Some(t), _) => api_token::user_of(conn, t, crate::domain::dates::Moment::now().now)?
                .map(|(u, writes)| {
                    can_write = writes;
                    (u, String::new())
                }),
            (None, Some(c)) => match session::lookup(
                conn,
                c,
                self.idle,
                self.absolute,
                crate::domain::dates::Moment::now().now,
            )? {
                Some(s) => Some((s.user, s.csrf_token)),
                None => None,
            },
            (None, None) => None,
        };
        let (user, csrf) = match found {
            Some((u, c)) => (Some(u), c),
            None => (None, String::new()),
        };
        // Only a session is held to it: a token was made by someone already signed in.
        let must_set_up_two_factor = match &user {
            Some(u) if self.require_two_factor && !by_token && u.role().needs_two_factor() => {
                !crate::models::two_factor::is_on(conn, u.id)?
            }
            _ => false,
        };
        // A GET never writes: `?lang=` changes this browser's language (through its cookie, set
        // by the response), the account's setting (which its mail follows) changes on /me.
        let mut waiting = crate::web::menu::Waiting::default();
        if let (Some((state, menu_use)), Some(u)) = (&self.menu, &user) {
            match menu_use {
                MenuUse::Show if !by_token => waiting = state.menu.get(conn, &u.actor())?,
                MenuUse::Changed => state.menu.changed(),
                _ => {}
            }
        }
        let lang = self
            .asked_lang
            .or(self.cookie_lang)
            .or_else(|| user.as_ref().and_then(|u| Lang::parse(&u.lang)))
            .unwrap_or(Lang::Vi);
        Ok(Auth {
            user,
            csrf,
            lang,
            path: self.path,
            by_token,
            can_write,
            max_upload_bytes: self.max_upload_bytes,
            waiting,
            must_set_up_two_factor,
        })
    }
}

impl FromRequest for Credentials {
    type Error = WebError;
    type Future = std::future::Ready<Result<Credentials, WebError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(Credentials::of(req)))
    }
}

impl FromRequest for Auth {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Auth, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(a) = req.extensions().get::<Auth>() {
            let a = a.clone();
            return Box::pin(async move { Ok(a) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let creds = Credentials::of(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| WebError::Internal("no state".into()))?;
            let auth = crate::web::error::run(&state.pool, move |conn| creds.resolve(conn)).await?;
            req.extensions_mut().insert(auth.clone());
            Ok(auth)
        })
    }
}

/// Cookies are Secure when the request came over HTTPS (directly or, behind a trusted proxy,
/// as X-Forwarded-Proto says).
pub fn is_https(req: &HttpRequest, behind_proxy: bool) -> bool {
    if behind_proxy {
        if let Some(p) = req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
        {
            return p.eq_ignore_ascii_case("https");
        }
    }
    req.app_config().secure()
}

/// `https://host` as the person reached us, for addresses another program will open (a
/// calendar feed, the way back from single sign-on).
pub fn origin(req: &HttpRequest, behind_proxy: bool) -> String {
    let scheme = if is_https(req, behind_proxy) {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{}", req.connection_info().host())
}

pub fn cookie<'a>(name: &'a str, value: String, secure: bool) -> Cookie<'a> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

pub fn removal(name: &str) -> Cookie<'_> {
    let mut c = Cookie::build(name, "").path("/").finish();
    c.make_removal();
    c
}

/// The address a login attempt is counted against. Behind our proxies, the entry of
/// X-Forwarded-For that the outermost of them wrote (`hops` from the right): entries further
/// left come from the client and prove nothing.
pub fn client_address(req: &HttpRequest, behind_proxy: bool, hops: usize) -> String {
    if behind_proxy && hops > 0 {
        let chain: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        if chain.len() >= hops {
            return chain[chain.len() - hops].to_string();
        }
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// This service's origin (`scheme://host[:port]`) as the request was addressed to it: from
/// the request itself, or behind a trusted proxy from what the proxy says (X-Forwarded-Proto,
/// X-Forwarded-Host); a client's own forwarding headers are not believed otherwise.
fn own_origin(req: &HttpRequest, behind_proxy: bool) -> String {
    let scheme = if is_https(req, behind_proxy) {
        "https"
    } else {
        "http"
    };
    let host = if behind_proxy {
        req.connection_info().host().to_string()
    } else {
        req.headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(str::to_string)
            .or_else(|| req.uri().authority().map(|a| a.to_string()))
            .unwrap_or_default()
    };
    format!("{scheme}://{host}")
}

/// State changes must come from our own pages: an Origin (or, without one, a Referer) naming
/// another site, or this one over another scheme, is refused before any handler runs.
pub fn same_origin(req: &actix_web::dev::ServiceRequest, behind_proxy: bool) -> bool {
    let own = own_origin(req.request(), behind_proxy);
    let from = |v: &str| -> bool {
        let origin = match v.match_indices('/').nth(2) {
            Some((end, _)) => &v[..end],
            None => v,
        };
        origin.eq_ignore_ascii_case(&own)
    };
    if let Some(o) = req.headers().get(header::ORIGIN) {
        return o.to_str().map(from).unwrap_or(false);
    }
    if let Some(r) = req.headers().get(header::REFERER) {
        return r.to_str().map(from).unwrap_or(false);
    }
    true
}
