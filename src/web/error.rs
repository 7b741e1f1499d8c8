//! What a page answers when something goes wrong: every error of the layers below is mapped to a
//! status and a message here, once.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in; pages send the browser to the login form, then back to this path.
    #[error("login required")]
    LoginRequired(String),
    /// Two-factor login must be set up before anything else.
    #[error("two-factor setup required")]
    TwoFactorSetup,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("payload too large")]
    TooLarge,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => WebError::NotFound,
            AppError::Forbidden => WebError::Forbidden,
            // A refusal the page did not foresee: the form was not one of ours.
            AppError::Refused(why) => WebError::BadRequest(why),
            AppError::Conflict(what) => WebError::Conflict(what),
            AppError::TooManyAttempts { retry_after_secs } => {
                WebError::TooManyAttempts { retry_after_secs }
            }
            AppError::Db(e) => WebError::Internal(format!("database: {e}")),
            AppError::Internal(e) => WebError::Internal(e),
        }
    }
}

impl From<diesel::result::Error> for WebError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Db(e).into()
    }
}

/// A page or a piece of one that could not be rendered.
impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

impl WebError {
    /// Vietnamese first, English after: an error page can be reached before a language is known.
    pub fn messages(&self) -> (&'static str, &'static str) {
        match self {
            WebError::NotFound => ("Không tìm thấy trang hoặc nội dung này.", "Not found."),
            WebError::Forbidden => (
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
            WebError::LoginRequired(_) => ("Vui lòng đăng nhập.", "Please log in."),
            WebError::TwoFactorSetup => (
                "Vui lòng bật xác thực hai bước trước khi tiếp tục.",
                "Please set up two-factor login before going on.",
            ),
            WebError::BadRequest(_) => (
                "Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại.",
                "Bad request. Please reload the page and try again.",
            ),
            WebError::Conflict(_) => (
                "Nội dung này vừa được người khác thay đổi. Vui lòng tải lại trang.",
                "Someone else changed this just now. Please reload the page.",
            ),
            WebError::TooManyAttempts { .. } => (
                "Quá nhiều lần thử. Vui lòng đợi rồi thử lại.",
                "Too many attempts. Please wait and try again.",
            ),
            WebError::TooLarge => ("Dữ liệu gửi lên quá lớn.", "The upload is too large."),
            WebError::Internal(_) => (
                "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
                "Something went wrong. Please try again later.",
            ),
        }
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::LoginRequired(_) | WebError::TwoFactorSetup => StatusCode::SEE_OTHER,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let WebError::LoginRequired(next) = self {
            let target = format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        if let WebError::TwoFactorSetup = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/me/two-factor"))
                .finish();
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (vi, en) = self.messages();
        let mut resp = HttpResponse::build(status);
        if let WebError::TooManyAttempts { retry_after_secs } = self {
            resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        resp.content_type("text/html; charset=utf-8")
            .body(error_page(status.as_u16(), vi, en))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    code: u16,
    vi: &'a str,
    en: &'a str,
}

/// The page an error answers with, in both languages (it may come before the person's language
/// is known).
fn error_page(code: u16, vi: &str, en: &str) -> String {
    ErrorPage { code, vi, en }
        .render()
        .unwrap_or_else(|_| format!("{code} {en}"))
}

pub type WebResult<T> = Result<T, WebError>;

/// Runs `f` on the blocking pool with a connection, for handlers whose work there can fail in
/// the web's own terms (who is asking, may they): one trip to the pool for the whole request.
pub async fn run<T, F>(pool: &crate::db::Pool, f: F) -> WebResult<T>
where
    F: FnOnce(&mut crate::db::DbConn) -> WebResult<T> + Send + 'static,
    T: Send + 'static,
{
    crate::db::run_as(pool, f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(resp: HttpResponse) -> String {
        let bytes = actix_web::rt::System::new()
            .block_on(actix_web::body::to_bytes(resp.into_body()))
            .unwrap_or_default();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    /// Each error of the layers below reaches a page with its status and message; a database
    /// error tells nothing of the database. (The API's problems: `web::api::problem`.)
    #[test]
    fn each_app_error_maps_to_its_page() {
        type Case = (fn() -> AppError, u16, &'static str, &'static str);
        let cases: [Case; 7] = [
            (|| AppError::NotFound, 404, "not_found", "Không tìm thấy"),
            (|| AppError::Forbidden, 403, "forbidden", "không có quyền"),
            (
                || AppError::Refused("x".into()),
                400,
                "bad_request",
                "không hợp lệ",
            ),
            (
                || AppError::Conflict("x".into()),
                409,
                "conflict",
                "người khác thay đổi",
            ),
            (
                || AppError::TooManyAttempts {
                    retry_after_secs: 7,
                },
                429,
                "too_many_attempts",
                "Quá nhiều lần thử",
            ),
            (
                || AppError::Db(diesel::result::Error::NotFound),
                500,
                "internal",
                "Đã có lỗi xảy ra",
            ),
            (
                || AppError::Internal("secret".into()),
                500,
                "internal",
                "Đã có lỗi xảy ra",
            ),
        ];
        for (make, status, _, words) in cases {
            let shown = format!("{:?}", make());
            let page = WebError::from(make()).error_response();
            assert_eq!(page.status().as_u16(), status, "{shown}");
            if status == 429 {
                assert_eq!(page.headers().get(header::RETRY_AFTER).unwrap(), "7");
            }
            let html = body(page);
            assert!(html.contains(words), "{shown}: {html}");
            assert!(!html.contains("secret"), "{shown}");
        }
        // A program is told it must sign in; a browser is sent to the login form.
        let login = WebError::LoginRequired("/tasks?x=1".into());
        let page = login.error_response();
        assert_eq!(page.status().as_u16(), 303);
        assert_eq!(
            page.headers().get(header::LOCATION).unwrap(),
            "/login?next=%2Ftasks%3Fx%3D1"
        );
    }
}
