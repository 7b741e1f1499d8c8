//! How an API write answers, once: the change runs in one transaction with the answer kept
//! for its `Idempotency-Key`, so a program that sends the same write again (after a timeout,
//! say) gets the first answer back and nothing is done twice.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};

use super::input::etag;
use super::problem::{ApiError, ApiResult, FieldError};
use crate::db::DbConn;
use crate::domain::dates::Moment;
use crate::domain::ids::UserId;
use crate::models::idempotency::{self, Kept};
use crate::web::AppState;

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
const MAX_KEY_BYTES: usize = 255;

/// What a write answers: a status and a JSON body; a body with a `version` gives the ETag.
pub struct Answer {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl Answer {
    pub fn ok(body: serde_json::Value) -> Answer {
        Answer {
            status: StatusCode::OK,
            body,
        }
    }

    pub fn created(body: serde_json::Value) -> Answer {
        Answer {
            status: StatusCode::CREATED,
            body,
        }
    }

    fn response(status: StatusCode, body: String) -> HttpResponse {
        let version = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["version"].as_i64());
        let mut resp = HttpResponse::build(status);
        resp.content_type("application/json");
        if let Some(v) = version.and_then(|v| i32::try_from(v).ok()) {
            resp.insert_header((header::ETAG, etag(v)));
        }
        resp.body(body)
    }
}

/// The key a program sent, if any: up to 255 visible ASCII characters.
fn key_of(req: &HttpRequest) -> ApiResult<Option<String>> {
    let Some(v) = req.headers().get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = v.to_str().unwrap_or("").trim();
    if key.is_empty() || key.len() > MAX_KEY_BYTES || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::Invalid(vec![FieldError {
            field: IDEMPOTENCY_KEY.into(),
            code: "error.idempotency_key".into(),
            message: "Idempotency-Key must be 1 to 255 visible ASCII characters".into(),
        }]));
    }
    Ok(Some(key.to_string()))
}

/// Runs the write `f` as `user_id` and answers with what it gave. With an `Idempotency-Key`,
/// the key is locked, an answer kept for it is given again (a key used for another method or
/// path is refused), and a successful answer is kept in the same transaction as the change.
pub async fn write<F>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    user_id: UserId,
    f: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&mut DbConn) -> ApiResult<Answer> + Send + 'static,
{
    let key = key_of(req)?;
    let request = format!("{} {}", req.method(), req.path());
    let (status, body, replayed) = crate::db::run_as(&state.pool, move |conn| {
        let Some(key) = key else {
            let a = f(conn)?;
            return Ok((a.status.as_u16(), a.body.to_string(), false));
        };
        crate::db::write(conn, |conn| {
            crate::db::lock_key(conn, &format!("idempotency:{user_id}:{key}"))?;
            let at = Moment::now().now;
            if let Some(kept) = idempotency::find(conn, user_id, &key, at)? {
                if kept.request != request {
                    return Err(ApiError::KeyReused);
                }
                let status = u16::try_from(kept.status).unwrap_or(200);
                return Ok((status, kept.body, true));
            }
            let a = f(conn)?;
            let kept = Kept {
                request,
                status: a.status.as_u16().into(),
                body: a.body.to_string(),
            };
            if a.status.is_success() {
                idempotency::keep(conn, user_id, &key, &kept, at)?;
            }
            Ok((a.status.as_u16(), kept.body, false))
        })
    })
    .await?;
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut resp = Answer::response(status, body);
    if replayed {
        resp.headers_mut().insert(
            header::HeaderName::from_static("idempotent-replayed"),
            header::HeaderValue::from_static("true"),
        );
    }
    Ok(resp)
}
