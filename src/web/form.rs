//! Request bodies: url-encoded forms and multipart forms with files, read the same way.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{http::header, web, FromRequest, HttpRequest};
use futures_util::{StreamExt, TryStreamExt};
use std::future::Future;
use std::pin::Pin;

use crate::web::error::WebError;
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

const MAX_FIELDS_BYTES: usize = 2 * 1024 * 1024;

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

    /// Files sent in `field` that have a name (an empty file input sends a nameless part).
    pub fn files<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a FilePart> + 'a {
        self.files
            .iter()
            .filter(move |f| f.field == field && !(f.file_name.is_empty() && f.bytes.is_empty()))
    }
}

async fn read_multipart(mut mp: Multipart, max_file: usize) -> Result<Form, WebError> {
    let mut form = Form::default();
    let mut fields_bytes = 0usize;
    // Files beyond this in one request are refused outright rather than drained.
    let max_total = max_file.saturating_mul(6) + MAX_FIELDS_BYTES;
    let mut total = 0usize;
    while let Some(mut field) = mp
        .try_next()
        .await
        .map_err(|e| WebError::BadRequest(format!("multipart: {e}")))?
    {
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
        let mut bytes = Vec::new();
        let mut too_large = false;
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| WebError::BadRequest(format!("multipart: {e}")))?;
            total += chunk.len();
            if total > max_total {
                return Err(WebError::TooLarge);
            }
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
                fields_bytes += bytes.len();
                let value = String::from_utf8(bytes)
                    .map_err(|_| WebError::BadRequest("field not UTF-8".into()))?;
                form.fields.push((name, value));
            }
        }
    }
    Ok(form)
}

impl FromRequest for Form {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Form, WebError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        let max_file = req
            .app_data::<web::Data<AppState>>()
            .map(|s| s.settings.max_upload_bytes)
            .unwrap_or(10 * 1024 * 1024);
        if ct.starts_with("multipart/form-data") {
            let mp = Multipart::new(req.headers(), payload.take());
            Box::pin(read_multipart(mp, max_file))
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
