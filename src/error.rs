//! Errors: typed where they arise, mapped once to responses here.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in; pages send the browser to the login form.
    #[error("login required")]
    LoginRequired(String),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("payload too large")]
    TooLarge,
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn from_pool(e: diesel::r2d2::PoolError) -> Self {
        AppError::Internal(format!("database pool: {e}"))
    }

    /// Vietnamese first, English after: an error page can be reached before a language is known.
    fn messages(&self) -> (&'static str, &'static str) {
        match self {
            AppError::NotFound => ("Không tìm thấy trang hoặc nội dung này.", "Not found."),
            AppError::Forbidden => (
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            ),
            AppError::LoginRequired(_) => ("Vui lòng đăng nhập.", "Please log in."),
            AppError::BadRequest(_) => (
                "Yêu cầu không hợp lệ. Vui lòng tải lại trang và thử lại.",
                "Bad request. Please reload the page and try again.",
            ),
            AppError::TooManyAttempts { .. } => (
                "Quá nhiều lần thử. Vui lòng đợi rồi thử lại.",
                "Too many attempts. Please wait and try again.",
            ),
            AppError::TooLarge => ("Dữ liệu gửi lên quá lớn.", "The upload is too large."),
            AppError::Db(_) | AppError::Internal(_) => (
                "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
                "Something went wrong. Please try again later.",
            ),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Db(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::LoginRequired(next) = self {
            let target = format!(
                "/login?next={}",
                form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            );
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish();
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (vi, en) = self.messages();
        let mut resp = HttpResponse::build(status);
        if let AppError::TooManyAttempts { retry_after_secs } = self {
            resp.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
        }
        resp.content_type("text/html; charset=utf-8")
            .body(crate::web::pages::error_page(status.as_u16(), vi, en))
    }
}

pub type AppResult<T> = Result<T, AppError>;
