//! Single sign-on with OpenID Connect: the authorization code flow with PKCE against the
//! configured provider. The person is sent to the provider with a state (also kept in a cookie
//! of this browser), a nonce and a PKCE challenge; on the way back the state must match, the
//! code is exchanged with the verifier, the ID token is checked against the provider's keys
//! (issuer, audience, expiry, nonce), and the verified address finds the account. Role and unit
//! stay the service's to set.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Mutex;

use crate::config::Oidc;
use crate::domain::dates::Moment;
use crate::models::sso_login::{self, Pending};
use crate::models::token::random_token;
use crate::models::{session, user};
use crate::web::auth::{self, Auth};
use crate::web::call::Call;
use crate::web::error::{WebError, WebResult};
use crate::web::session_pages::{safe_next, signed_in, NextQuery};
use crate::web::AppState;

/// The cookie that ties the way back to this browser.
pub const STATE_COOKIE: &str = "chidao_sso";

/// What discovery says of the provider.
#[derive(Debug, Clone, Deserialize)]
struct Provider {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    userinfo_endpoint: Option<String>,
}

/// The provider as discovered, and its keys, kept for the process (keys fetched again when a
/// token names one not seen).
static DISCOVERED: Mutex<Option<(String, Provider, jsonwebtoken::jwk::JwkSet)>> = Mutex::new(None);

fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(std::time::Duration::from_secs(10))
        .build()
}

fn failed(e: impl std::fmt::Display) -> WebError {
    WebError::Internal(format!("single sign-on: {e}"))
}

/// The provider and its keys (blocking: called off the async executor).
fn provider(oidc: &Oidc, fresh_keys: bool) -> WebResult<(Provider, jsonwebtoken::jwk::JwkSet)> {
    let mut kept = DISCOVERED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((issuer, p, keys)) = kept.as_ref() {
        if *issuer == oidc.issuer && !fresh_keys {
            return Ok((p.clone(), keys.clone()));
        }
    }
    let url = format!("{}/.well-known/openid-configuration", oidc.issuer);
    let p: Provider = agent()
        .get(&url)
        .call()
        .map_err(failed)?
        .into_json()
        .map_err(failed)?;
    if p.issuer.trim_end_matches('/') != oidc.issuer {
        return Err(failed("the discovery document names another issuer"));
    }
    let keys: jsonwebtoken::jwk::JwkSet = agent()
        .get(&p.jwks_uri)
        .call()
        .map_err(failed)?
        .into_json()
        .map_err(failed)?;
    *kept = Some((oidc.issuer.clone(), p.clone(), keys.clone()));
    Ok((p, keys))
}

/// PKCE's S256 challenge of a verifier (RFC 7636).
pub fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn oidc(state: &AppState) -> WebResult<Oidc> {
    state.settings.oidc.clone().ok_or(WebError::NotFound)
}

/// `GET /login/sso?next=…`: off to the provider.
pub async fn start(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<NextQuery>,
) -> WebResult<HttpResponse> {
    let oidc = oidc(&state)?;
    let o = oidc.clone();
    let (p, _) = web::block(move || provider(&o, false))
        .await
        .map_err(failed)??;
    let st = random_token();
    let pending = Pending {
        verifier: random_token(),
        nonce: random_token(),
        next: safe_next(&query.next),
    };
    let url = format!(
        "{}?response_type=code&client_id={}&redirect_uri={}&scope=openid%20email%20profile&state={st}&nonce={}&code_challenge={}&code_challenge_method=S256",
        p.authorization_endpoint,
        enc(&oidc.client_id),
        enc(&redirect_uri(&req, &state)),
        pending.nonce,
        challenge(&pending.verifier),
    );
    let kept = st.clone();
    crate::db::run(&state.pool, move |conn| {
        sso_login::start(conn, &kept, &pending, Moment::now().now)
    })
    .await?;
    let secure = auth::is_https(&req, state.settings.behind_proxy);
    let mut resp = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, url))
        .finish();
    resp.add_cookie(&auth::cookie(STATE_COOKIE, st, secure))
        .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok(resp)
}

fn redirect_uri(req: &HttpRequest, state: &AppState) -> String {
    format!(
        "{}/login/sso/callback",
        auth::origin(req, state.settings.behind_proxy)
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Callback {
    code: String,
    state: String,
    error: String,
}

#[derive(Deserialize)]
struct Tokens {
    id_token: String,
    #[serde(default)]
    access_token: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Claims {
    nonce: String,
    email: Option<String>,
    email_verified: Option<bool>,
    name: Option<String>,
}

/// Why a sign-on did not sign anyone in, as the login page says it.
enum Refused {
    State,
    Provider,
    NoAccount,
    Unverified,
}

impl Refused {
    fn key(&self) -> &'static str {
        match self {
            Refused::State => "sso.state",
            Refused::Provider => "sso.provider",
            Refused::NoAccount => "sso.no_account",
            Refused::Unverified => "sso.unverified",
        }
    }
}

/// The code exchanged and the ID token checked; the verified address and name.
fn identify(
    oidc: &Oidc,
    code: &str,
    redirect: &str,
    pending: &Pending,
) -> WebResult<Result<(String, String), Refused>> {
    let (p, keys) = provider(oidc, false)?;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        enc(&oidc.client_id),
        enc(&oidc.client_secret)
    ));
    let tokens: Tokens = match agent()
        .post(&p.token_endpoint)
        .set("Authorization", &format!("Basic {basic}"))
        .send_form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", &pending.verifier),
        ]) {
        Ok(r) => r.into_json().map_err(failed)?,
        Err(ureq::Error::Status(..)) => return Ok(Err(Refused::Provider)),
        Err(e) => return Err(failed(e)),
    };
    let head = jsonwebtoken::decode_header(&tokens.id_token).map_err(failed)?;
    let kid = head.kid.clone().unwrap_or_default();
    let keys = match keys.find(&kid) {
        Some(_) => keys,
        None => provider(oidc, true)?.1,
    };
    let Some(jwk) = keys.find(&kid).or_else(|| keys.keys.first()) else {
        return Ok(Err(Refused::Provider));
    };
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).map_err(failed)?;
    let mut check = jsonwebtoken::Validation::new(head.alg);
    check.set_issuer(&[&p.issuer]);
    check.set_audience(&[&oidc.client_id]);
    let claims = match jsonwebtoken::decode::<Claims>(&tokens.id_token, &key, &check) {
        Ok(t) => t.claims,
        Err(_) => return Ok(Err(Refused::Provider)),
    };
    if !crate::web::auth::constant_time_eq(claims.nonce.as_bytes(), pending.nonce.as_bytes()) {
        return Ok(Err(Refused::State));
    }
    // Providers that keep the address out of the ID token give it at userinfo.
    let (email, verified, name) = match (&claims.email, &p.userinfo_endpoint) {
        (Some(e), _) => (e.clone(), claims.email_verified, claims.name.clone()),
        (None, Some(url)) => {
            let info: Claims = agent()
                .get(url)
                .set("Authorization", &format!("Bearer {}", tokens.access_token))
                .call()
                .map_err(failed)?
                .into_json()
                .map_err(failed)?;
            (
                info.email.unwrap_or_default(),
                info.email_verified,
                info.name,
            )
        }
        (None, None) => return Ok(Err(Refused::Unverified)),
    };
    if verified != Some(true) || email.is_empty() {
        return Ok(Err(Refused::Unverified));
    }
    Ok(Ok((email.trim().to_lowercase(), name.unwrap_or_default())))
}

/// `GET /login/sso/callback`: back from the provider.
pub async fn callback(
    req: HttpRequest,
    call: Call,
    query: web::Query<Callback>,
) -> WebResult<HttpResponse> {
    let oidc = oidc(&call.state)?;
    let q = query.into_inner();
    let cookie = req
        .cookie(STATE_COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default();
    let same = !q.state.is_empty() && auth::constant_time_eq(q.state.as_bytes(), cookie.as_bytes());
    let st = q.state.clone();
    let pending = match same {
        true => {
            crate::db::run(&call.state.pool, move |conn| {
                sso_login::take(conn, &st, Moment::now().now)
            })
            .await?
        }
        false => None,
    };
    let Some(pending) = pending else {
        return refused(&req, &call.auth, Refused::State);
    };
    if !q.error.is_empty() || q.code.is_empty() {
        return refused(&req, &call.auth, Refused::Provider);
    }
    let redirect = redirect_uri(&req, &call.state);
    let o = oidc.clone();
    let next = pending.next.clone();
    let who = web::block(move || identify(&o, &q.code, &redirect, &pending))
        .await
        .map_err(failed)??;
    let (email, name) = match who {
        Ok(found) => found,
        Err(why) => return refused(&req, &call.auth, why),
    };
    let create = oidc
        .create_domain
        .filter(|d| email.rsplit_once('@').is_some_and(|(_, at)| at == d));
    let signed = crate::db::run(&call.state.pool, move |conn| {
        let now = Moment::now().now;
        let u = match user::by_email(conn, &email)? {
            Some((u, _)) if u.active => u,
            Some(_) => return Ok(None),
            None if create.is_some() => {
                let id = user::create_without_rights(conn, &email, &name, now)?;
                user::get(conn, id)?
            }
            None => return Ok(None),
        };
        Ok(Some((session::create(conn, u.id, now)?, u.lang)))
    })
    .await?;
    match signed {
        Some((token, lang)) => {
            let mut resp = signed_in(&req, token, lang, &next)?;
            resp.add_removal_cookie(&auth::removal(STATE_COOKIE))
                .map_err(|e| WebError::Internal(e.to_string()))?;
            Ok(resp)
        }
        None => refused(&req, &call.auth, Refused::NoAccount),
    }
}

fn refused(req: &HttpRequest, auth: &Auth, why: Refused) -> WebResult<HttpResponse> {
    crate::web::session_pages::login_refused(req, auth, why.key())
}
