//! The API's errors, answered as problem details (RFC 9457, `application/problem+json`): a
//! `type` naming the problem, a `title`, the `status`, a short `code`, and where it helps the
//! fields that failed (`errors`) or the task as it is now (`task`, on a stale version).

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::ToSchema;

use crate::error::AppError;
use crate::web::auth::Auth;
use crate::web::error::WebError;
use crate::web::pages::{Ctx, Errors};

/// A problem as the API answers it (RFC 9457); which members beyond the standard ones appear
/// depends on the problem. (The description of the answer: the answer itself is written by
/// `error_response`.)
#[derive(Serialize, utoipa::ToSchema)]
#[allow(dead_code)] // Only described, never built.
pub struct Problem {
    /// `urn:chidao:problem:` and the code.
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    /// `not_found`, `forbidden`, `unauthorized`, `invalid`, `stale`, `if_match_required`,
    /// `not_now`, `refused`, `read_only_token`, `idempotency_key_reused`, …
    code: String,
    #[schema(required = false)]
    detail: Option<String>,
    /// The fields that failed (`invalid`).
    #[schema(required = false)]
    errors: Option<Vec<FieldError>>,
    /// The task as it is now (`stale`).
    #[schema(required = false, value_type = Option<Object>)]
    task: Option<serde_json::Value>,
    /// Its version now (`stale`).
    #[schema(required = false)]
    version: Option<i32>,
    /// The task's status (`not_now`).
    #[schema(required = false)]
    task_status: Option<String>,
    /// Why the rules refused (`refused`).
    #[schema(required = false)]
    reason: Option<String>,
}

/// One field that failed, with the message for it in the language asked for.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FieldError {
    /// The field's name, or its path in a JSON body (`items[0].lead`); a header by its name.
    pub field: String,
    /// The message's key (`error.required`), stable for programs.
    pub code: String,
    pub message: String,
}

/// Declares sets of answers besides success for the API's description, each a problem
/// document: the handlers' annotations name a set instead of spelling its lines again.
macro_rules! problems {
    ($($(#[$doc:meta])* $name:ident: [$($status:literal: $what:expr),+ $(,)?];)+) => {$(
        $(#[$doc])*
        pub(super) struct $name;

        impl utoipa::IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Response>> {
                described(&[$(($status, $what)),+])
            }
        }
    )+};
}

const NO_SESSION: &str = "No session or token";
const BAD_QUERY: &str = "A query that does not read";
const NO_TASK: &str = "No such task, or not one the person may see";
const DIRECTIVE_READERS: &str =
    "Only the ministry's leaders, secretariat and administrators read directives";

problems! {
    /// What a write may answer besides success.
    WriteProblems: [
        400: "A body that does not read (broken multipart)",
        401: NO_SESSION,
        403: "Not allowed, or a read-only token",
        404: NO_TASK,
        409: "The task's status does not allow it now, or the rules refuse it",
        412: "The task changed since the version sent; the task now",
        413: "Too large",
        422: "Fields that failed, each named",
        428: "If-Match is needed",
    ];
    /// A read with nothing to refuse but who asks.
    SessionProblems: [401: NO_SESSION];
    /// A read of a query anyone signed in may send.
    QueryProblems: [400: BAD_QUERY, 401: NO_SESSION];
    /// One task's read.
    TaskProblems: [401: NO_SESSION, 404: NO_TASK];
    /// The directives' list.
    DirectiveListProblems: [400: BAD_QUERY, 401: NO_SESSION, 403: DIRECTIVE_READERS];
    /// One directive's read.
    DirectiveProblems: [401: NO_SESSION, 403: DIRECTIVE_READERS, 404: "No such directive"];
}

/// The description of problem answers, by status.
fn described(problems: &[(u16, &str)]) -> BTreeMap<String, RefOr<Response>> {
    problems
        .iter()
        .map(|(status, description)| {
            let problem = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(Problem::name())))
                .build();
            let response = ResponseBuilder::new()
                .description(*description)
                .content("application/problem+json", problem)
                .build();
            (status.to_string(), RefOr::T(response))
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Web(#[from] WebError),
    /// Fields that failed (422).
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The task changed since the version sent in `If-Match` (412); the task as it is now.
    #[error("stale version")]
    Stale(serde_json::Value),
    /// A change that needs the version seen came without `If-Match` (428).
    #[error("If-Match required")]
    VersionRequired,
    /// The move does not apply to the task's current status (409).
    #[error("not now: {0}")]
    NotNow(&'static str),
    /// The rules refuse the change as asked (409), with the refusal's key.
    #[error("refused: {0}")]
    Refused(String),
    /// A read-only token tried to write (403).
    #[error("read-only token")]
    ReadOnly,
    /// An `Idempotency-Key` already used for another request (422).
    #[error("idempotency key reused")]
    KeyReused,
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Refused(key) => ApiError::Refused(key),
            e => ApiError::Web(e.into()),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Db(e).into()
    }
}

impl ApiError {
    /// The fields a form check found, each message in the language `auth` asked for; none is
    /// no error.
    pub fn check(errors: Errors, auth: &Auth) -> Result<(), ApiError> {
        match errors.is_empty() {
            true => Ok(()),
            false => Err(ApiError::invalid(errors, auth)),
        }
    }

    /// The fields a form check found, as a problem.
    pub fn invalid(errors: Errors, auth: &Auth) -> ApiError {
        let ctx = Ctx::new(auth);
        ApiError::Invalid(
            errors
                .0
                .into_iter()
                .map(|(field, key)| FieldError {
                    field,
                    code: key.into(),
                    message: ctx.msg(key),
                })
                .collect(),
        )
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Web(WebError::NotFound) => "not_found",
            ApiError::Web(WebError::Forbidden) => "forbidden",
            ApiError::Web(WebError::LoginRequired(_)) => "unauthorized",
            ApiError::Web(WebError::TwoFactorSetup) => "two_factor_required",
            ApiError::Web(WebError::BadRequest(_)) => "bad_request",
            ApiError::Web(WebError::Conflict(_)) => "conflict",
            ApiError::Web(WebError::TooManyAttempts { .. }) => "too_many_attempts",
            ApiError::Web(WebError::TooLarge) => "too_large",
            ApiError::Web(WebError::Internal(_)) => "internal",
            ApiError::Invalid(_) => "invalid",
            ApiError::Stale(_) => "stale",
            ApiError::VersionRequired => "if_match_required",
            ApiError::NotNow(_) => "not_now",
            ApiError::Refused(_) => "refused",
            ApiError::ReadOnly => "read_only_token",
            ApiError::KeyReused => "idempotency_key_reused",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            ApiError::Web(WebError::NotFound) => "Not found",
            ApiError::Web(WebError::Forbidden) => "Not allowed",
            ApiError::Web(WebError::LoginRequired(_)) => {
                "A session or a personal token (Authorization: Bearer) is needed"
            }
            ApiError::Web(WebError::TwoFactorSetup) => "Two-factor login must be set up first",
            ApiError::Web(WebError::BadRequest(_)) => "Bad request",
            ApiError::Web(WebError::Conflict(_)) => "Someone else changed this first",
            ApiError::Web(WebError::TooManyAttempts { .. }) => "Too many attempts",
            ApiError::Web(WebError::TooLarge) => "The request is too large",
            ApiError::Web(WebError::Internal(_)) => "Something went wrong",
            ApiError::Invalid(_) => "Some fields are not valid",
            ApiError::Stale(_) => "The task changed since the version sent in If-Match",
            ApiError::VersionRequired => {
                "This change needs the task's version in If-Match (its ETag)"
            }
            ApiError::NotNow(_) => "The task's status does not allow this now",
            ApiError::Refused(_) => "The rules refuse this change",
            ApiError::ReadOnly => "This token may only read",
            ApiError::KeyReused => "This Idempotency-Key was used for another request",
        }
    }

    /// The problem's members beyond the standard ones.
    fn extra(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut m = serde_json::Map::new();
        match self {
            ApiError::Invalid(errors) => {
                m.insert("errors".into(), serde_json::json!(errors));
            }
            ApiError::Stale(current) => {
                if let Some(o) = current.as_object() {
                    m.extend(o.clone());
                }
            }
            ApiError::NotNow(status) => {
                m.insert("task_status".into(), (*status).into());
            }
            ApiError::Refused(key) => {
                m.insert("reason".into(), key.clone().into());
            }
            // A bad request's own words may name what the parser saw; nothing secret is in them.
            ApiError::Web(WebError::BadRequest(why)) => {
                m.insert("detail".into(), why.clone().into());
            }
            _ => {}
        }
        m
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Web(WebError::LoginRequired(_)) => StatusCode::UNAUTHORIZED,
            ApiError::Web(WebError::TwoFactorSetup) => StatusCode::FORBIDDEN,
            ApiError::Web(e) => e.status_code(),
            ApiError::Invalid(_) | ApiError::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Stale(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::NotNow(_) | ApiError::Refused(_) => StatusCode::CONFLICT,
            ApiError::ReadOnly => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "api request failed");
        }
        let mut body = serde_json::Map::new();
        body.insert(
            "type".into(),
            format!("urn:chidao:problem:{}", self.code()).into(),
        );
        body.insert("title".into(), self.title().into());
        body.insert("status".into(), status.as_u16().into());
        body.insert("code".into(), self.code().into());
        body.extend(self.extra());
        let mut resp = HttpResponse::build(status);
        resp.content_type("application/problem+json");
        match self {
            ApiError::Web(WebError::TooManyAttempts { retry_after_secs }) => {
                resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::Web(WebError::LoginRequired(_)) => {
                resp.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        resp.body(serde_json::Value::Object(body).to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn body(resp: HttpResponse) -> serde_json::Value {
        let bytes = actix_web::rt::System::new()
            .block_on(actix_web::body::to_bytes(resp.into_body()))
            .unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn each_app_error_is_a_problem_with_its_status_and_code() {
        type Case = (fn() -> AppError, u16, &'static str);
        let cases: [Case; 7] = [
            (|| AppError::NotFound, 404, "not_found"),
            (|| AppError::Forbidden, 403, "forbidden"),
            (|| AppError::Refused("x".into()), 409, "refused"),
            (|| AppError::Conflict("x".into()), 409, "conflict"),
            (
                || AppError::TooManyAttempts {
                    retry_after_secs: 7,
                },
                429,
                "too_many_attempts",
            ),
            (
                || AppError::Db(diesel::result::Error::NotFound),
                500,
                "internal",
            ),
            (|| AppError::Internal("secret".into()), 500, "internal"),
        ];
        for (make, status, code) in cases {
            let shown = format!("{:?}", make());
            let resp = ApiError::from(make()).error_response();
            assert_eq!(resp.status().as_u16(), status, "{shown}");
            assert_eq!(
                resp.headers().get(header::CONTENT_TYPE).unwrap(),
                "application/problem+json"
            );
            let json = body(resp);
            assert_eq!(json["status"], status, "{shown}");
            assert_eq!(json["code"], code, "{shown}");
            assert_eq!(json["type"], format!("urn:chidao:problem:{code}"));
            assert!(!json.to_string().contains("secret"), "{shown}");
        }
        // A program is told it must sign in, with how.
        let login = ApiError::Web(WebError::LoginRequired("/tasks?x=1".into())).error_response();
        assert_eq!(login.status().as_u16(), 401);
        assert_eq!(
            login.headers().get(header::WWW_AUTHENTICATE).unwrap(),
            "Bearer"
        );
    }

    #[test]
    fn a_stale_version_carries_the_current_task() {
        let current = serde_json::json!({"task": {"id": 3}, "version": 4});
        let json = body(ApiError::Stale(current).error_response());
        assert_eq!(json["status"], 412);
        assert_eq!(json["version"], 4);
        assert_eq!(json["task"]["id"], 3);
    }
}
