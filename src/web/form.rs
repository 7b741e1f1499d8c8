//! Request bodies: url-encoded forms and multipart forms with files, read the same way and into
//! typed structs (`Form::parse`).
//!
//! A multipart body is read only for a signed-in person, and its first part must be the
//! session's CSRF token (our pages put it first): a stranger's or a forged upload is refused
//! before its body is read. The whole body, the number of parts and the length of their names
//! are bounded, so no body, however large or strange, grows the server's memory.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::{Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;

use crate::domain::permissions::{Action, Actor};
use crate::web::auth::{constant_time_eq, Auth};
use crate::web::error::{WebError, WebResult};
use crate::web::AppState;

/// A file field as it arrived: name, declared type, and either the bytes or the fact that it
/// was over the limit (its bytes then discarded while reading).
#[derive(Debug, Clone)]
pub struct FilePart {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub too_large: bool,
}

/// A submitted form: its fields in order (a name may repeat) and any files.
#[derive(Debug, Clone, Default)]
pub struct Form {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

/// All text fields of one form together.
pub const MAX_FIELDS_BYTES: usize = 2 * 1024 * 1024;
/// Parts of one multipart body: our largest form has a few dozen.
const MAX_PARTS: usize = 200;
/// A part's field or file name.
const MAX_NAME_BYTES: usize = 255;
/// Files of one request.
pub const MAX_FILES: usize = 5;

/// What a posted form asks of the session, here beside the form it reads.
impl Auth {
    /// For state changes: signed in, and the form carries this session's CSRF token.
    pub fn post(&self, form: &Form) -> WebResult<Actor> {
        let actor = self.actor()?;
        if !self.by_token && !constant_time_eq(form.get("csrf").as_bytes(), self.csrf.as_bytes()) {
            return Err(WebError::Forbidden);
        }
        Ok(actor)
    }

    /// `post`, then `allowed`: the CSRF token is checked before anything else is said.
    pub fn post_allowed(&self, form: &Form, action: Action) -> WebResult<Actor> {
        self.post(form)?;
        self.allowed(action)
    }
}

impl Form {
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == name)
    }

    pub fn i64(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok()
    }

    pub fn parse_urlencoded(body: &[u8]) -> Form {
        Form {
            fields: form_urlencoded::parse(body).into_owned().collect(),
            files: Vec::new(),
        }
    }

    /// The fields as the struct a handler expects. Our own pages always send what it needs; a
    /// form that does not fit was not sent by them.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, WebError> {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.extend_pairs(&self.fields);
        serde_html_form::from_str(&s.finish()).map_err(|e| WebError::BadRequest(e.to_string()))
    }

    /// Files sent in `field` that have a name (an empty file input sends a nameless part).
    pub fn files<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FilePart> + 'a {
        self.files
            .iter()
            .filter(move |f| f.field == field && !(f.file_name.is_empty() && f.bytes.is_empty()))
    }
}

/// The body's bytes, refused past `max` before the multipart parser buffers them.
fn capped(
    payload: Payload,
    max: usize,
) -> impl Stream<Item = Result<web::Bytes, actix_web::error::PayloadError>> {
    let mut seen = 0usize;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen += chunk.len();
        if seen > max {
            return Err(actix_web::error::PayloadError::Overflow);
        }
        Ok(chunk)
    })
}

fn multipart_error(e: actix_multipart::MultipartError) -> WebError {
    match e {
        actix_multipart::MultipartError::Payload(actix_web::error::PayloadError::Overflow) => {
            WebError::TooLarge
        }
        e => WebError::BadRequest(format!("multipart: {e}")),
    }
}

/// Reads a multipart body whose first part must be `csrf` equal to `csrf` (when given).
async fn read_multipart(
    mut mp: Multipart,
    max_file: usize,
    csrf: Option<String>,
) -> Result<Form, WebError> {
    let mut form = Form::default();
    let mut fields_bytes = 0usize;
    let mut parts = 0usize;
    while let Some(mut field) = mp.try_next().await.map_err(multipart_error)? {
        parts += 1;
        if parts > MAX_PARTS {
            return Err(WebError::TooLarge);
        }
        let cd = field.content_disposition().cloned();
        let name = cd
            .as_ref()
            .and_then(|c| c.get_name())
            .unwrap_or("")
            .to_string();
        let file_name = cd
            .as_ref()
            .and_then(|c| c.get_filename())
            .map(str::to_string);
        if name.len() > MAX_NAME_BYTES
            || file_name.as_ref().is_some_and(|f| f.len() > MAX_NAME_BYTES)
        {
            return Err(WebError::BadRequest("part name too long".into()));
        }
        if parts == 1 && csrf.is_some() && (name != "csrf" || file_name.is_some()) {
            return Err(WebError::Forbidden);
        }
        if file_name.is_some() && form.files.len() >= MAX_FILES * 2 {
            return Err(WebError::TooLarge);
        }
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(multipart_error)?;
            let limit = if file_name.is_some() {
                max_file
            } else {
                MAX_FIELDS_BYTES - fields_bytes
            };
            if too_large || bytes.len() + chunk.len() > limit {
                too_large = true;
                bytes = Vec::new();
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        match file_name {
            Some(file_name) => form.files.push(FilePart {
                field: name,
                file_name,
                bytes,
                too_large,
            }),
            None => {
                if too_large {
                    return Err(WebError::TooLarge);
                }
                // Names count against the fields' budget too: many empty parts are not free.
                fields_bytes += bytes.len() + name.len();
                let value = String::from_utf8(bytes)
                    .map_err(|_| WebError::BadRequest("field not UTF-8".into()))?;
                if parts == 1 {
                    if let Some(token) = &csrf {
                        if !constant_time_eq(value.as_bytes(), token.as_bytes()) {
                            return Err(WebError::Forbidden);
                        }
                    }
                }
                form.fields.push((name, value));
            }
        }
    }
    if parts == 0 && csrf.is_some() {
        return Err(WebError::Forbidden);
    }
    Ok(form)
}

/// The request's content type in lower case; empty when it has none that reads.
pub fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

impl FromRequest for Form {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Form, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let ct = content_type(req);
        let max_file = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.max_upload_bytes)
            .unwrap_or(10 * 1024 * 1024);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let multipart = ct.starts_with("multipart/form-data");
        // Files beyond this in one request are refused outright rather than drained.
        let max_total = if multipart {
            max_file.saturating_mul(MAX_FILES + 1) + MAX_FIELDS_BYTES
        } else {
            MAX_FIELDS_BYTES
        };
        // A body declared too large is refused before a byte of it is read.
        if declared.is_some_and(|n| n > max_total as u64) {
            return Box::pin(async { Err(WebError::TooLarge) });
        }
        if multipart {
            let body = capped(payload.take(), max_total);
            let mp = Multipart::new(req.headers(), body);
            let auth = Auth::extract(req);
            Box::pin(async move {
                let auth = auth.await?;
                // Who is asking first: nobody reads a stranger's upload.
                auth.user()?;
                let csrf = (!auth.by_token).then(|| auth.csrf.clone());
                read_multipart(mp, max_file, csrf).await
            })
        } else {
            let body = web::Bytes::from_request(req, payload);
            Box::pin(async move {
                let body = body.await.map_err(|_| WebError::TooLarge)?;
                if body.len() > MAX_FIELDS_BYTES {
                    return Err(WebError::TooLarge);
                }
                Ok(Form::parse_urlencoded(&body))
            })
        }
    }
}

/// A form's text fields as (name, value) pairs, to show back what was typed (lists and other
/// values are left out).
pub fn typed_back<T: Serialize>(form: &T) -> Vec<(String, String)> {
    match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(fields)) => fields
            .into_iter()
            .filter_map(|(name, v)| match v {
                serde_json::Value::String(s) => Some((name, s)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}
