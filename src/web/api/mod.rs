//! The JSON API, version 1: the task list and the task page as JSON, and the changes a program
//! makes to tasks, with the same use cases and permissions as the pages. A person signs in with
//! a personal token (`Authorization: Bearer …`; read-only or read-write) or, from a script in
//! their own browser, with their session and its CSRF token in `X-CSRF-Token`. Errors are
//! problem details (RFC 9457); a retried write with the same `Idempotency-Key` is done once.

mod answer;
mod input;
pub mod problem;
mod read;
mod task_writes;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    use task_writes as w;
    cfg.route("/api/v1/tasks", web::get().to(read::tasks))
        .route("/api/v1/tasks/{id}", web::get().to(read::task))
        .route("/api/v1/tasks/{id}/start", web::post().to(w::start))
        .route(
            "/api/v1/tasks/{id}/progress",
            web::post().to(w::report_progress),
        )
        .route("/api/v1/tasks/{id}/complete", web::post().to(w::complete))
        .route("/api/v1/tasks/{id}/confirm", web::post().to(w::confirm))
        .route(
            "/api/v1/tasks/{id}/return",
            web::post().to(w::return_completion),
        )
        .route("/api/v1/tasks/{id}/cancel", web::post().to(w::cancel))
        .route("/api/v1/tasks/{id}/comments", web::post().to(w::comment))
        .route(
            "/api/v1/tasks/{id}/extensions",
            web::post().to(w::request_extension),
        )
        .route(
            "/api/v1/extensions/{id}/decision",
            web::post().to(w::decide_extension),
        );
}
