//! What an API write brings: who may write, the body (JSON, or a multipart form when files
//! come along) read into a typed struct with the failing field named, and the `If-Match`
//! version.

use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::future::Future;
use std::pin::Pin;

use super::problem::{ApiError, ApiResult, FieldError};
use crate::domain::permissions::Actor;
use crate::web::auth::{constant_time_eq, Auth};
use crate::web::call::Posted;
use crate::web::error::WebError;
use crate::web::form::{content_type, Form, MAX_FIELDS_BYTES};
use crate::web::pages::Ctx;

/// The header a browser session's script sends its CSRF token in; a token needs none.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// The person writing: a read-write token, or a session whose request carries its CSRF token
/// in `X-CSRF-Token` (a cookie alone would let another site write in their name).
pub fn writer(auth: &Auth, req: &HttpRequest) -> ApiResult<Actor> {
    let actor = auth.actor()?;
    if auth.by_token {
        return if auth.can_write {
            Ok(actor)
        } else {
            Err(ApiError::ReadOnly)
        };
    }
    let sent = req
        .headers()
        .get(CSRF_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !constant_time_eq(sent, auth.csrf.as_bytes()) {
        return Err(WebError::Forbidden.into());
    }
    Ok(actor)
}

/// The version named by `If-Match` (the task's ETag, `"7"`; `*` for whatever it is now, as
/// `None`). A change that must not overwrite someone else's needs one.
pub fn if_match(req: &HttpRequest) -> ApiResult<Option<i32>> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Err(ApiError::VersionRequired);
    };
    let v = v.to_str().unwrap_or("").trim();
    if v == "*" {
        return Ok(None);
    }
    let bare = v.trim_start_matches("W/").trim_matches('"');
    bare.parse().map(Some).map_err(|_| {
        ApiError::Invalid(vec![FieldError {
            field: "If-Match".into(),
            code: "error.if_match".into(),
            message: "If-Match must be the task's ETag, such as \"7\", or *".into(),
        }])
    })
}

/// The ETag of a task at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A write's body: JSON, or a form (url-encoded, or multipart with files).
pub enum Body {
    Json(web::Bytes),
    Form(Form),
}

impl Body {
    /// The body as `T`. A form's fields arrive as text; a field that fails is named.
    pub fn parse<T: DeserializeOwned>(&self, auth: &Auth) -> ApiResult<T> {
        let invalid = |field: String, detail: String| {
            let ctx = Ctx::new(auth);
            ApiError::Invalid(vec![FieldError {
                field,
                code: "error.invalid_value".into(),
                message: format!("{} ({detail})", ctx.t("error.invalid_value")),
            }])
        };
        let value = match self {
            Body::Json(bytes) => serde_json::from_slice::<serde_json::Value>(bytes)
                .map_err(|e| invalid(String::new(), e.to_string()))?,
            Body::Form(form) => serde_json::Value::Object(
                form.fields
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                    .collect(),
            ),
        };
        serde_path_to_error::deserialize(value).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            invalid(field, e.into_inner().to_string())
        })
    }

    /// The files sent along (a JSON body has none).
    pub fn form(&self) -> Option<&Form> {
        match self {
            Body::Form(f) => Some(f),
            Body::Json(_) => None,
        }
    }
}

impl FromRequest for Body {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Body, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let ct = content_type(req);
        if ct.starts_with("application/json") || ct.contains("+json") {
            let body = web::Bytes::from_request(req, payload);
            Box::pin(async move {
                let body = body.await.map_err(|_| WebError::TooLarge)?;
                if body.len() > MAX_FIELDS_BYTES {
                    return Err(WebError::TooLarge.into());
                }
                Ok(Body::Json(body))
            })
        } else {
            let form = Form::from_request(req, payload);
            Box::pin(async move { Ok(Body::Form(form.await?)) })
        }
    }
}

/// A whole number sent as a JSON number or, from a form, as text.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Sent {
        Number(i32),
        Text(String),
    }
    match Sent::deserialize(d)? {
        Sent::Number(n) => Ok(n),
        Sent::Text(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom("not a whole number")),
    }
}

/// True or false sent as JSON or, from a form, as text (`true`, `false`, `1`, `0`).
pub fn yes_no<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Sent {
        Bool(bool),
        Text(String),
    }
    match Sent::deserialize(d)? {
        Sent::Bool(b) => Ok(b),
        Sent::Text(s) => match s.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(serde::de::Error::custom("not true or false")),
        },
    }
}

/// A write on one record through the API: as a page's post, with the API's body.
pub type Written<I> = Posted<I, Body>;
